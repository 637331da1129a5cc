/**
 * QUERY_INFO. [MS-SMB2] 2.2.37 (request), 2.2.38 (response)
 *
 * Request fields: `infoType`, `infoTypeName` (FILE, FILESYSTEM, SECURITY,
 * QUOTA), `infoClass`, `infoClassName`, `outputBufferLength`,
 * `inputBufferLength`, `additionalInformation` (and for SECURITY
 * `additionalInformationNames`), `flags`, `fileId`.
 * Response fields: `outputBufferOffset`, `outputBufferLength`; with the paired
 * request, `infoType`, `infoTypeName`, `infoClass`, `infoClassName` and, for
 * the classes file_info.ts lists (FileAllInformation, FileStandardInformation,
 * FileBasicInformation, FileNetworkOpenInformation and others), their fields.
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { readFileInfo } from "./file_info.ts";
import { infoClassName, InfoType, infoTypeName, SecurityInformation } from "./info_classes.ts";
import { flagNames } from "./wire.ts";

/** Flags (EA and quota queries). [MS-SMB2] 2.2.37 */
export const QueryInfoFlags = {
  SL_RESTART_SCAN: 0x0000_0001,
  SL_RETURN_SINGLE_ENTRY: 0x0000_0002,
  SL_INDEX_SPECIFIED: 0x0000_0004,
} as const;

/** [MS-SMB2] 2.2.37: StructureSize 41. */
export function parseQueryInfoRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(41);
  const type = c.u8(), cls = c.u8();
  f.infoType = type;
  f.infoTypeName = infoTypeName(type);
  f.infoClass = cls;
  f.infoClassName = infoClassName(type, cls);
  f.outputBufferLength = c.u32();
  c.skip(4); // InputBufferOffset (2), Reserved (2)
  f.inputBufferLength = c.u32();
  const additional = c.u32();
  f.additionalInformation = additional;
  if (type === InfoType.SECURITY) {
    f.additionalInformationNames = flagNames(additional, SecurityInformation);
  }
  const flags = c.u32();
  f.flags = flags;
  f.flagNames = flagNames(flags, QueryInfoFlags);
  b.fileId();
}

/** [MS-SMB2] 2.2.38: StructureSize 9, OutputBufferOffset (2), OutputBufferLength (4). */
export function parseQueryInfoResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(9);
  const offset = c.u16(), length = c.u32();
  f.outputBufferOffset = offset;
  f.outputBufferLength = length;
  const req = b.request?.fields;
  const type = req?.infoType, cls = req?.infoClass;
  if (typeof type !== "number" || typeof cls !== "number") return;
  f.infoType = type;
  f.infoTypeName = infoTypeName(type);
  f.infoClass = cls;
  f.infoClassName = infoClassName(type, cls);
  const output = b.region(offset, length, "output buffer");
  if (output === undefined || output.length === 0) return;
  b.guard(`${f.infoClassName} output`, () => {
    const stopped = readFileInfo(type, cls, output, f);
    if (stopped !== undefined) b.problem("malformed", `${f.infoClassName}: ${stopped}`);
  });
}
