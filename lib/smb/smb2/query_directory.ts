/**
 * QUERY_DIRECTORY. [MS-SMB2] 2.2.33 (request), 2.2.34 (response)
 *
 * Request fields: `infoClass`, `infoClassName`, `flags`, `flagNames`,
 * `fileIndex`, `fileId`, `pattern` (the search pattern, e.g. `*`),
 * `outputBufferLength`.
 * Response fields: `outputBufferOffset`, `outputBufferLength`; with the paired
 * request, `infoClass`, `infoClassName` and for the directory classes below
 * `names` (each entry's FileName, in order) and `entryCount`, walking
 * NextEntryOffset for at most `MAX_DIRECTORY_ENTRIES` entries; for every class
 * but FileNamesInformation also `sizes` (each entry's EndOfFile) and
 * `attributes` (its FileAttributes), in the same order.
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { FileInformationClass as F, fileInformationClassName } from "./info_classes.ts";
import { Cursor, flagNames, utf16 } from "./wire.ts";
import { directoryEntryFacts, ENTRY_FACTS_NAME_AT } from "../fscc.ts";

/** Entries read from one response; past this the rest are skipped with a problem. */
export const MAX_DIRECTORY_ENTRIES = 4096;

/** Flags. [MS-SMB2] 2.2.33 */
export const QueryDirectoryFlags = {
  SMB2_RESTART_SCANS: 0x01,
  SMB2_RETURN_SINGLE_ENTRY: 0x02,
  SMB2_INDEX_SPECIFIED: 0x04,
  SMB2_REOPEN: 0x10,
} as const;

/**
 * Where FileNameLength sits in each directory class's entry, and where
 * FileName starts. [MS-FSCC] 2.4.10, 2.4.17, 2.4.8, 2.4.28, 2.4.24, 2.4.21
 */
const LAYOUT: ReadonlyMap<number, { lengthAt: number; nameAt: number }> = new Map([
  [F.FileDirectoryInformation, { lengthAt: 60, nameAt: 64 }],
  [F.FileFullDirectoryInformation, { lengthAt: 60, nameAt: 68 }],
  [F.FileBothDirectoryInformation, { lengthAt: 60, nameAt: 94 }],
  [F.FileNamesInformation, { lengthAt: 8, nameAt: 12 }],
  [F.FileIdBothDirectoryInformation, { lengthAt: 60, nameAt: 104 }],
  [F.FileIdFullDirectoryInformation, { lengthAt: 60, nameAt: 80 }],
  [F.FileIdExtdDirectoryInformation, { lengthAt: 60, nameAt: 88 }],
]);

/** [MS-SMB2] 2.2.33: StructureSize 33. */
export function parseQueryDirectoryRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(33);
  const cls = c.u8();
  f.infoClass = cls;
  f.infoClassName = fileInformationClassName(cls);
  const flags = c.u8();
  f.flags = flags;
  f.flagNames = flagNames(flags, QueryDirectoryFlags);
  f.fileIndex = c.u32();
  b.fileId();
  const nameOffset = c.u16(), nameLength = c.u16();
  f.outputBufferLength = c.u32();
  const pattern = b.string(nameOffset, nameLength, "search pattern");
  if (pattern !== undefined) f.pattern = pattern;
}

/** [MS-SMB2] 2.2.34: StructureSize 9, OutputBufferOffset (2), OutputBufferLength (4). */
export function parseQueryDirectoryResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(9);
  const offset = c.u16(), length = c.u32();
  f.outputBufferOffset = offset;
  f.outputBufferLength = length;
  const cls = b.request?.fields.infoClass;
  if (typeof cls !== "number") return;
  f.infoClass = cls;
  f.infoClassName = fileInformationClassName(cls);
  const layout = LAYOUT.get(cls);
  if (layout === undefined) return;
  const output = b.region(offset, length, "output buffer");
  if (output === undefined) return;
  const names: string[] = [];
  f.names = names;
  const facts = layout.nameAt >= ENTRY_FACTS_NAME_AT;
  const sizes: number[] = [], attributes: number[] = [];
  if (facts) {
    f.sizes = sizes;
    f.attributes = attributes;
  }
  let at = 0;
  while (at < output.length) {
    if (names.length === MAX_DIRECTORY_ENTRIES) {
      b.problem(
        "malformed",
        `more than ${MAX_DIRECTORY_ENTRIES} directory entries; the rest skipped`,
      );
      break;
    }
    const entry = output.subarray(at);
    let next = 0;
    const ok = b.guard(`directory entry ${names.length + 1}`, () => {
      const e = new Cursor(entry);
      next = e.u32();
      e.seek(layout.lengthAt);
      const nameLength = e.u32();
      e.seek(layout.nameAt);
      const name = utf16(e.take(nameLength));
      if (facts) {
        const entryFacts = directoryEntryFacts(entry);
        sizes.push(entryFacts.size);
        attributes.push(entryFacts.attributes);
      }
      names.push(name);
    });
    if (!ok || next === 0) break;
    if (next < layout.nameAt) {
      b.problem(
        "loop",
        `directory entry ${names.length} NextEntryOffset ${next} does not advance past the entry`,
      );
      break;
    }
    at += next;
    if (at >= output.length) {
      b.problem(
        "malformed",
        `directory entry ${names.length} NextEntryOffset runs past the output buffer`,
      );
      break;
    }
  }
  f.entryCount = names.length;
}
