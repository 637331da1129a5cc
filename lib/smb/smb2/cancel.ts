/**
 * CANCEL. [MS-SMB2] 2.2.30: StructureSize 4 and a reserved field; no fields.
 * The request to cancel is named by the header alone (MessageId, or AsyncId
 * when the ASYNC flag is set). CANCEL has no response.
 * @module
 */
import type { Smb2Body } from "./body.ts";

/** [MS-SMB2] 2.2.30 */
export function parseCancelRequest(b: Smb2Body): void {
  b.structureSize(4);
}
