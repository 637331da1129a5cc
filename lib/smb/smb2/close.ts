/**
 * CLOSE. [MS-SMB2] 2.2.15 (request), 2.2.16 (response)
 *
 * Request fields: `flags`, `flagNames` (POSTQUERY_ATTRIB), `fileId`.
 * Response fields: `flags`, `flagNames`, `creationTime`, `lastAccessTime`,
 * `lastWriteTime`, `changeTime` (ISO 8601, null unless POSTQUERY_ATTRIB was
 * asked), `allocationSize`, `endOfFile` (decimal strings), `fileAttributes`,
 * `fileAttributeNames`.
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { fileAttributeNames } from "./file_attributes.ts";
import { flagNames } from "./wire.ts";

/** Flags. [MS-SMB2] 2.2.15 */
export const CloseFlags = { POSTQUERY_ATTRIB: 0x0001 } as const;

/** [MS-SMB2] 2.2.15: StructureSize 24, Flags (2), Reserved (4), FileId (16). */
export function parseCloseRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(24);
  const flags = c.u16();
  f.flags = flags;
  f.flagNames = flagNames(flags, CloseFlags);
  c.skip(4);
  b.fileId();
}

/** [MS-SMB2] 2.2.16: StructureSize 60. */
export function parseCloseResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(60);
  const flags = c.u16();
  f.flags = flags;
  f.flagNames = flagNames(flags, CloseFlags);
  c.skip(4);
  f.creationTime = b.time();
  f.lastAccessTime = b.time();
  f.lastWriteTime = b.time();
  f.changeTime = b.time();
  f.allocationSize = b.u64Number();
  const endOfFile = b.u64Number();
  f.endOfFile = endOfFile;
  b.out.record = {
    kind: "close_response",
    endOfFile: (flags & CloseFlags.POSTQUERY_ATTRIB) !== 0 ? endOfFile : undefined,
  };
  const attributes = c.u32();
  f.fileAttributes = attributes;
  f.fileAttributeNames = fileAttributeNames(attributes);
}
