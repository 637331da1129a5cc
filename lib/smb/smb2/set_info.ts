/**
 * SET_INFO. [MS-SMB2] 2.2.39 (request), 2.2.40 (response)
 *
 * Request fields: `infoType`, `infoTypeName`, `infoClass`, `infoClassName`,
 * `bufferLength`, `additionalInformation` (and for SECURITY
 * `additionalInformationNames`), `fileId`, and the decoded buffer for
 * FileRenameInformation (`replaceIfExists`, `newFileName`),
 * FileDispositionInformation (`deletePending`), FileEndOfFileInformation
 * (`endOfFile`), FileAllocationInformation (`allocationSize`),
 * FileBasicInformation (times, `fileAttributes`) and the others file_info.ts
 * lists. Response: none (StructureSize 2).
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { readFileInfo } from "./file_info.ts";
import { infoClassName, InfoType, infoTypeName, SecurityInformation } from "./info_classes.ts";
import type { Smb2Record } from "./types.ts";
import { flagNames } from "./wire.ts";

/** [MS-SMB2] 2.2.39: StructureSize 33. */
export function parseSetInfoRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(33);
  const type = c.u8(), cls = c.u8();
  f.infoType = type;
  f.infoTypeName = infoTypeName(type);
  f.infoClass = cls;
  f.infoClassName = infoClassName(type, cls);
  const length = c.u32();
  f.bufferLength = length;
  const offset = c.u16();
  c.skip(2); // Reserved
  const additional = c.u32();
  f.additionalInformation = additional;
  if (type === InfoType.SECURITY) {
    f.additionalInformationNames = flagNames(additional, SecurityInformation);
  }
  b.fileId();
  const buffer = b.region(offset, length, "buffer");
  if (buffer === undefined || buffer.length === 0) return;
  b.guard(`${f.infoClassName} buffer`, () => {
    const stopped = readFileInfo(type, cls, buffer, f);
    if (stopped !== undefined) b.problem("malformed", `${f.infoClassName}: ${stopped}`);
  });
  if (type === InfoType.FILE) {
    const record: Smb2Record = {
      kind: "set_info_request",
      infoClassName: infoClassName(type, cls),
    };
    if (typeof f.newFileName === "string") record.renameTo = f.newFileName;
    if (typeof f.deletePending === "boolean") record.deletePending = f.deletePending;
    if (typeof f.endOfFile === "number") record.endOfFile = f.endOfFile;
    b.out.record = record;
  }
}

/** [MS-SMB2] 2.2.40: StructureSize 2. */
export function parseSetInfoResponse(b: Smb2Body): void {
  b.structureSize(2);
}
