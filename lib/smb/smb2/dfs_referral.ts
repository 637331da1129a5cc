/**
 * DFS referral request and response, as FSCTL_DFS_GET_REFERRALS(_EX) carry
 * them. [MS-DFSC] 2.2.2 (REQ_GET_DFS_REFERRAL), 2.2.3
 * (REQ_GET_DFS_REFERRAL_EX), 2.2.4 (RESP_GET_DFS_REFERRAL), 2.2.5 (entries V1-V4)
 *
 * Request fields: `maxReferralLevel`, `requestFileName`; EX also
 * `requestFlags`, `siteName`. Response fields: `pathConsumed`,
 * `numberOfReferrals`, `referralHeaderFlags`, `referralHeaderFlagNames`,
 * `referrals` (each `version`, `serverType`, `entryFlags`, and `dfsPath`,
 * `dfsAlternatePath`, `networkAddress` - or for a name-list referral
 * `specialName`, `expandedNames`), at most `MAX_DFS_REFERRALS`.
 * @module
 */
import type { Fields, JsonValue } from "../json.ts";
import { Cursor, flagNames, utf16, utf16z } from "./wire.ts";

/** Referral entries decoded per response; more is a problem, the rest skipped. */
export const MAX_DFS_REFERRALS = 64;
/** Expanded names listed per name-list referral. */
const MAX_EXPANDED_NAMES = 64;

/** ReferralHeaderFlags. [MS-DFSC] 2.2.4 */
export const ReferralHeaderFlags = {
  ReferralServers: 0x0000_0001,
  StorageServers: 0x0000_0002,
  TargetFailback: 0x0000_0004,
} as const;

/** ReferralEntryFlags: name-list referral (V3/V4). [MS-DFSC] 2.2.5.3 */
const NAME_LIST_REFERRAL = 0x0002;

/** REQ_GET_DFS_REFERRAL: MaxReferralLevel (2), RequestFileName (NUL-terminated UTF-16LE). */
export function readDfsReferralRequest(input: Uint8Array, f: Fields): void {
  const c = new Cursor(input);
  f.maxReferralLevel = c.u16();
  f.requestFileName = utf16z(input.subarray(2));
}

/** REQ_GET_DFS_REFERRAL_EX: MaxReferralLevel, RequestFlags, RequestDataLength, then lengths and names. */
export function readDfsReferralRequestEx(input: Uint8Array, f: Fields): void {
  const c = new Cursor(input);
  f.maxReferralLevel = c.u16();
  const flags = c.u16();
  f.requestFlags = flags;
  c.skip(4); // RequestDataLength
  f.requestFileName = utf16(c.take(c.u16()));
  if (flags & 0x0001) f.siteName = utf16(c.take(c.u16()));
}

/** A NUL-terminated UTF-16LE string at `offset` within `b` ("" when outside). */
function stringAt(b: Uint8Array, offset: number): string {
  return offset > 0 && offset < b.length ? utf16z(b.subarray(offset)) : "";
}

/**
 * RESP_GET_DFS_REFERRAL. Returns a problem detail when the entries stop early,
 * or undefined. Offsets inside V2-V4 entries count from the entry's start.
 */
export function readDfsReferralResponse(output: Uint8Array, f: Fields): string | undefined {
  const c = new Cursor(output);
  f.pathConsumed = c.u16();
  const count = c.u16();
  f.numberOfReferrals = count;
  const headerFlags = c.u32();
  f.referralHeaderFlags = headerFlags;
  f.referralHeaderFlagNames = flagNames(headerFlags, ReferralHeaderFlags);
  const referrals: JsonValue[] = [];
  f.referrals = referrals;
  let at = 8;
  for (let i = 0; i < count; i++) {
    if (i === MAX_DFS_REFERRALS) {
      return `more than ${MAX_DFS_REFERRALS} referrals; the rest skipped`;
    }
    const entry = output.subarray(at);
    const e = new Cursor(entry);
    const version = e.u16(), size = e.u16(), serverType = e.u16(), entryFlags = e.u16();
    const r: { [key: string]: JsonValue } = { version, serverType, entryFlags };
    referrals.push(r);
    if (version === 1) {
      r.shareName = utf16z(entry.subarray(8, size));
    } else if (version === 2) {
      e.skip(8); // Proximity, TimeToLive
      r.dfsPath = stringAt(entry, e.u16());
      r.dfsAlternatePath = stringAt(entry, e.u16());
      r.networkAddress = stringAt(entry, e.u16());
    } else if (version === 3 || version === 4) {
      e.skip(4); // TimeToLive
      if (entryFlags & NAME_LIST_REFERRAL) {
        const special = e.u16(), expandedCount = e.u16(), expanded = e.u16();
        r.specialName = stringAt(entry, special);
        const names: string[] = [];
        let pos = expanded;
        for (let n = 0; n < Math.min(expandedCount, MAX_EXPANDED_NAMES); n++) {
          if (pos <= 0 || pos >= entry.length) break;
          const name = utf16z(entry.subarray(pos));
          names.push(name);
          pos += name.length * 2 + 2;
        }
        r.expandedNames = names;
      } else {
        r.dfsPath = stringAt(entry, e.u16());
        r.dfsAlternatePath = stringAt(entry, e.u16());
        r.networkAddress = stringAt(entry, e.u16());
      }
    }
    if (size < 8) return `referral ${i + 1} Size ${size} does not advance`;
    at += size;
    if (at > output.length) return `referral ${i + 1} runs past the output`;
  }
  return undefined;
}
