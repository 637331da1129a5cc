/**
 * LOGOFF. [MS-SMB2] 2.2.7 (request), 2.2.8 (response): StructureSize 4 and a
 * reserved field each; no fields.
 * @module
 */
import type { Smb2Body } from "./body.ts";

/** [MS-SMB2] 2.2.7 */
export function parseLogoffRequest(b: Smb2Body): void {
  b.structureSize(4);
}

/** [MS-SMB2] 2.2.8 */
export function parseLogoffResponse(b: Smb2Body): void {
  b.structureSize(4);
}
