/**
 * FLUSH. [MS-SMB2] 2.2.17 (request), 2.2.18 (response)
 *
 * Request fields: `fileId`. Response: none (StructureSize 4, Reserved).
 * @module
 */
import type { Smb2Body } from "./body.ts";

/** [MS-SMB2] 2.2.17: StructureSize 24, Reserved1 (2), Reserved2 (4), FileId (16). */
export function parseFlushRequest(b: Smb2Body): void {
  b.structureSize(24);
  b.c.skip(6);
  b.fileId();
}

/** [MS-SMB2] 2.2.18 */
export function parseFlushResponse(b: Smb2Body): void {
  b.structureSize(4);
}
