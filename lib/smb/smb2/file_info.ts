/**
 * The file and file system information structures QUERY_INFO returns and
 * SET_INFO sends, for the classes worth decoding. [MS-FSCC] 2.4, 2.5
 *
 * Fields written, by class:
 * - FileBasicInformation (2.4.7): `creationTime`, `lastAccessTime`,
 *   `lastWriteTime`, `changeTime` (ISO 8601 or null), `fileAttributes`, `fileAttributeNames`
 * - FileStandardInformation (2.4.47): `allocationSize`, `endOfFile` (decimal
 *   strings), `numberOfLinks`, `deletePending`, `directory`
 * - FileInternalInformation (2.4.26): `indexNumber`
 * - FileNetworkOpenInformation (2.4.34): Basic's times, `allocationSize`,
 *   `endOfFile`, `fileAttributes`, `fileAttributeNames`
 * - FileAllInformation (2.4.2): Basic + Standard + `indexNumber`, `eaSize`,
 *   `accessFlags`, `currentByteOffset`, `mode`, `alignmentRequirement`, `fileName`
 * - FileNameInformation (2.4.30): `fileName`
 * - FileStreamInformation (2.4.49): `streams` ({`name`, `size`})
 * - FileRenameInformation / FileLinkInformation (2.4.42.2, 2.4.27.2 - the SMB2
 *   forms): `replaceIfExists`, `newFileName`
 * - FileDispositionInformation (2.4.11): `deletePending`;
 *   FileDispositionInformationEx (2.4.12): `dispositionFlags`, `dispositionFlagNames`, `deletePending`
 * - FileEndOfFileInformation (2.4.14): `endOfFile`; FileAllocationInformation (2.4.4): `allocationSize`
 * - FileFsVolumeInformation (2.5.9): `volumeCreationTime`, `volumeSerialNumber`, `volumeLabel`
 * - FileFsAttributeInformation (2.5.1): `fileSystemAttributes`,
 *   `maximumComponentNameLength`, `fileSystemName`
 * - FileFsSizeInformation (2.5.8) / FileFsFullSizeInformation (2.5.4):
 *   `totalAllocationUnits`, `availableAllocationUnits` (or `callerAvailableAllocationUnits`
 *   and `actualAvailableAllocationUnits`), `sectorsPerAllocationUnit`, `bytesPerSector`
 * - FileFsDeviceInformation (2.5.10): `deviceType`, `characteristics`
 * @module
 */
import type { Fields, JsonValue } from "../json.ts";
import { fileAttributeNames } from "./file_attributes.ts";
import { FileInformationClass as F, FsInformationClass as Fs, InfoType } from "./info_classes.ts";
import { Cursor, flagNames, readFiletime, readU64, readU64Number, utf16 } from "./wire.ts";

/** Streams listed from one FileStreamInformation. */
export const MAX_STREAMS = 256;

/** FileDispositionInformationEx Flags. [MS-FSCC] 2.4.12 */
export const DispositionFlags = {
  FILE_DISPOSITION_DELETE: 0x0000_0001,
  FILE_DISPOSITION_POSIX_SEMANTICS: 0x0000_0002,
  FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK: 0x0000_0004,
  FILE_DISPOSITION_ON_CLOSE: 0x0000_0008,
  FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE: 0x0000_0010,
} as const;

function times(c: Cursor, f: Fields): void {
  f.creationTime = readFiletime(c);
  f.lastAccessTime = readFiletime(c);
  f.lastWriteTime = readFiletime(c);
  f.changeTime = readFiletime(c);
}

function attributes(c: Cursor, f: Fields): void {
  const a = c.u32();
  f.fileAttributes = a;
  f.fileAttributeNames = fileAttributeNames(a);
}

function basic(c: Cursor, f: Fields): void {
  times(c, f);
  attributes(c, f);
  c.skip(4); // Reserved
}

function standard(c: Cursor, f: Fields): void {
  f.allocationSize = readU64Number(c);
  f.endOfFile = readU64Number(c);
  f.numberOfLinks = c.u32();
  f.deletePending = c.u8() !== 0;
  f.directory = c.u8() !== 0;
  c.skip(2);
}

function streams(b: Uint8Array, f: Fields): string | undefined {
  const list: JsonValue[] = [];
  f.streams = list;
  let at = 0;
  for (let i = 0; i < MAX_STREAMS; i++) {
    const c = new Cursor(b.subarray(at));
    const next = c.u32(), nameLength = c.u32();
    const size = readU64Number(c);
    c.skip(8); // StreamAllocationSize
    list.push({ name: utf16(c.take(nameLength)), size });
    if (next === 0) return undefined;
    if (next < 24) return `stream entry ${i + 1} NextEntryOffset ${next} does not advance`;
    at += next;
    if (at >= b.length) return `stream entry ${i + 1} NextEntryOffset runs past the buffer`;
  }
  return `more than ${MAX_STREAMS} streams; the rest skipped`;
}

/**
 * Decodes a QUERY_INFO output buffer or SET_INFO input buffer of a known
 * class into `f`. Returns a problem detail for a list that stopped early.
 * Throws TRUNCATED when the buffer is shorter than its structure.
 */
export function readFileInfo(
  infoType: number,
  infoClass: number,
  b: Uint8Array,
  f: Fields,
): string | undefined {
  const c = new Cursor(b);
  if (infoType === InfoType.FILE) {
    switch (infoClass) {
      case F.FileBasicInformation:
        basic(c, f);
        break;
      case F.FileStandardInformation:
        standard(c, f);
        break;
      case F.FileInternalInformation:
        f.indexNumber = readU64(c);
        break;
      case F.FileNetworkOpenInformation:
        times(c, f);
        f.allocationSize = readU64Number(c);
        f.endOfFile = readU64Number(c);
        attributes(c, f);
        break;
      case F.FileAllInformation: {
        basic(c, f);
        standard(c, f);
        f.indexNumber = readU64(c);
        f.eaSize = c.u32();
        f.accessFlags = c.u32();
        f.currentByteOffset = readU64Number(c);
        f.mode = c.u32();
        f.alignmentRequirement = c.u32();
        f.fileName = utf16(c.take(c.u32()));
        break;
      }
      case F.FileNameInformation:
        f.fileName = utf16(c.take(c.u32()));
        break;
      case F.FileStreamInformation:
        return b.length === 0 ? undefined : streams(b, f);
      case F.FileRenameInformation:
      case F.FileLinkInformation: {
        f.replaceIfExists = c.u8() !== 0;
        c.skip(7 + 8); // Reserved, RootDirectory
        f.newFileName = utf16(c.take(c.u32()));
        break;
      }
      case F.FileDispositionInformation:
        f.deletePending = c.u8() !== 0;
        break;
      case F.FileDispositionInformationEx: {
        const flags = c.u32();
        f.dispositionFlags = flags;
        f.dispositionFlagNames = flagNames(flags, DispositionFlags);
        f.deletePending = (flags & DispositionFlags.FILE_DISPOSITION_DELETE) !== 0;
        break;
      }
      case F.FileEndOfFileInformation:
        f.endOfFile = readU64Number(c);
        break;
      case F.FileAllocationInformation:
        f.allocationSize = readU64Number(c);
        break;
    }
  } else if (infoType === InfoType.FILESYSTEM) {
    switch (infoClass) {
      case Fs.FileFsVolumeInformation: {
        f.volumeCreationTime = readFiletime(c);
        f.volumeSerialNumber = c.u32();
        const labelLength = c.u32();
        c.skip(2); // SupportsObjects, Reserved
        f.volumeLabel = utf16(c.take(labelLength));
        break;
      }
      case Fs.FileFsAttributeInformation: {
        f.fileSystemAttributes = c.u32();
        f.maximumComponentNameLength = c.u32();
        f.fileSystemName = utf16(c.take(c.u32()));
        break;
      }
      case Fs.FileFsSizeInformation:
        f.totalAllocationUnits = readU64Number(c);
        f.availableAllocationUnits = readU64Number(c);
        f.sectorsPerAllocationUnit = c.u32();
        f.bytesPerSector = c.u32();
        break;
      case Fs.FileFsFullSizeInformation:
        f.totalAllocationUnits = readU64Number(c);
        f.callerAvailableAllocationUnits = readU64Number(c);
        f.actualAvailableAllocationUnits = readU64Number(c);
        f.sectorsPerAllocationUnit = c.u32();
        f.bytesPerSector = c.u32();
        break;
      case Fs.FileFsDeviceInformation:
        f.deviceType = c.u32();
        f.characteristics = c.u32();
        break;
    }
  }
  return undefined;
}
