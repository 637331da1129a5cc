/**
 * ECHO. [MS-SMB2] 2.2.28 (request), 2.2.29 (response): StructureSize 4 and a
 * reserved field each; no fields.
 * @module
 */
import type { Smb2Body } from "./body.ts";

/** [MS-SMB2] 2.2.28 */
export function parseEchoRequest(b: Smb2Body): void {
  b.structureSize(4);
}

/** [MS-SMB2] 2.2.29 */
export function parseEchoResponse(b: Smb2Body): void {
  b.structureSize(4);
}
