/**
 * TREE_DISCONNECT. [MS-SMB2] 2.2.11 (request), 2.2.12 (response): StructureSize
 * 4 and a reserved field each; no fields (the tree is the header's TreeId).
 * @module
 */
import type { Smb2Body } from "./body.ts";

/** [MS-SMB2] 2.2.11 */
export function parseTreeDisconnectRequest(b: Smb2Body): void {
  b.structureSize(4);
}

/** [MS-SMB2] 2.2.12 */
export function parseTreeDisconnectResponse(b: Smb2Body): void {
  b.structureSize(4);
}
