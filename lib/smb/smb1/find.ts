/**
 * The entries a TRANS2_FIND_FIRST2 / FIND_NEXT2 response returns in its data
 * block, [MS-CIFS] 2.2.8.1 and [MS-SMB] 2.2.8.1. Only the names are taken.
 *
 * - SMB_INFO_STANDARD (1) and SMB_INFO_QUERY_EA_SIZE (2), packed one after
 *   another: [ResumeKey u32 when the request set SMB_FIND_RETURN_RESUME_KEYS],
 *   three SMB_DATE/SMB_TIME pairs (12), FileDataSize u32, AllocationSize u32,
 *   Attributes u16, [EaSize u32 for level 2], FileNameLength u8, FileName
 *   (FileNameLength bytes, then a NUL).
 * - The NT levels are chained by NextEntryOffset (0 ends the list) and give
 *   FileNameLength u32 (bytes) and FileName at a fixed offset in the entry:
 *   SMB_FIND_FILE_DIRECTORY_INFO 0x101 (60, 64), FULL_DIRECTORY 0x102 (60, 68),
 *   NAMES 0x103 (8, 12), BOTH_DIRECTORY 0x104 (60, 94), ID_FULL_DIRECTORY
 *   0x105 (60, 80), ID_BOTH_DIRECTORY 0x106 (60, 104).
 * @module
 */
import { directoryEntryFacts, ENTRY_FACTS_NAME_AT } from "../fscc.ts";
import { Cursor } from "../../bytes/cursor.ts";
import { FindInfoLevel } from "./commands.ts";
import { decodeFixed } from "./strings.ts";

/** Names taken from one response at most; SearchCount is reported in full. */
export const MAX_FIND_NAMES = 4096;

/** Request flag: each SMB_INFO_STANDARD entry starts with a ResumeKey. */
export const SMB_FIND_RETURN_RESUME_KEYS = 0x0004;

/** [offset of FileNameLength, offset of FileName] in an entry of each NT level. */
const NT_LAYOUT: ReadonlyMap<number, readonly [number, number]> = new Map([
  [FindInfoLevel.SMB_FIND_FILE_DIRECTORY_INFO, [60, 64]],
  [FindInfoLevel.SMB_FIND_FILE_FULL_DIRECTORY_INFO, [60, 68]],
  [FindInfoLevel.SMB_FIND_FILE_NAMES_INFO, [8, 12]],
  [FindInfoLevel.SMB_FIND_FILE_BOTH_DIRECTORY_INFO, [60, 94]],
  [FindInfoLevel.SMB_FIND_FILE_ID_FULL_DIRECTORY_INFO, [60, 80]],
  [FindInfoLevel.SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO, [60, 104]],
]);

/** Whether `readFindNames` knows the entry layout of this level. */
export function isFindLevelDecoded(level: number): boolean {
  return NT_LAYOUT.has(level) || level === 1 || level === 2;
}

/** What was read: the names and, when the list was cut short, why. */
export interface FindNames {
  names: string[];
  /** Each entry's EndOfFile and ExtFileAttributes, for the NT levels that carry them. */
  sizes?: number[];
  attributes?: number[];
  problem?: string;
}

/**
 * Names of at most `count` (SearchCount) entries of `level` in `data`.
 * Never reads outside `data`; an entry that runs past it, a NextEntryOffset
 * that does not advance or a list longer than MAX_FIND_NAMES stops the walk.
 */
export function readFindNames(
  data: Uint8Array,
  level: number,
  unicode: boolean,
  count: number,
  resumeKeys: boolean,
): FindNames {
  const names: string[] = [];
  const limit = Math.min(count, MAX_FIND_NAMES);
  const layout = NT_LAYOUT.get(level);
  if (layout) {
    const [lengthAt, nameAt] = layout;
    // The same layouts as [MS-FSCC]'s directory classes: facts at the same places.
    const sizes: number[] = [], attributes: number[] = [];
    const facts = nameAt >= ENTRY_FACTS_NAME_AT ? { sizes, attributes } : {};
    let pos = 0;
    while (names.length < limit) {
      if (pos + nameAt > data.length) {
        return {
          names,
          ...facts,
          problem: `entry ${names.length} at ${pos} runs past the data block`,
        };
      }
      const c = new Cursor(data.subarray(pos));
      const next = c.u32();
      c.seek(lengthAt);
      const length = c.u32();
      if (length > data.length - pos - nameAt) {
        return {
          names,
          problem: `entry ${names.length}: FileNameLength ${length} runs past the data block`,
        };
      }
      names.push(decodeFixed(data.subarray(pos + nameAt, pos + nameAt + length), unicode));
      if (nameAt >= ENTRY_FACTS_NAME_AT) {
        const f = directoryEntryFacts(data.subarray(pos));
        sizes.push(f.size);
        attributes.push(f.attributes);
      }
      if (next === 0) break;
      if (next < nameAt) {
        return {
          names,
          problem: `entry ${names.length - 1}: NextEntryOffset ${next} does not pass the entry`,
        };
      }
      pos += next;
    }
    if (names.length === MAX_FIND_NAMES && count > MAX_FIND_NAMES) {
      return {
        names,
        ...facts,
        problem: `only the first ${MAX_FIND_NAMES} of ${count} names are listed`,
      };
    }
    return { names, ...facts };
  }
  // SMB_INFO_STANDARD / SMB_INFO_QUERY_EA_SIZE: packed entries.
  const fixed = (resumeKeys ? 4 : 0) + 22 + (level === 2 ? 4 : 0);
  const c = new Cursor(data);
  while (names.length < limit) {
    if (c.remaining < fixed + 1) {
      return { names, problem: `entry ${names.length} runs past the data block` };
    }
    c.skip(fixed);
    const length = c.u8();
    if (length > c.remaining) {
      return {
        names,
        problem: `entry ${names.length}: FileNameLength ${length} runs past the data block`,
      };
    }
    names.push(decodeFixed(c.take(length), unicode));
    const nul = unicode ? 2 : 1;
    if (c.remaining >= nul && c.bytes[c.pos] === 0) c.skip(nul);
  }
  return { names };
}
