/**
 * NTLMSSP AV_PAIR lists: a CHALLENGE's TargetInfo and the pairs inside an
 * NTLMv2 client challenge. The only place the AvId values live.
 * @see [MS-NLMP] 2.2.2.1 AV_PAIR
 * @module
 */
import { le16, le32 } from "../bytes/cursor.ts";
import { filetimeToIso, utf16le } from "./text.ts";
import type { NtlmTargetInfo } from "./types.ts";

export const AvId = {
  MsvAvEOL: 0x0000,
  MsvAvNbComputerName: 0x0001,
  MsvAvNbDomainName: 0x0002,
  MsvAvDnsComputerName: 0x0003,
  MsvAvDnsDomainName: 0x0004,
  MsvAvDnsTreeName: 0x0005,
  MsvAvFlags: 0x0006,
  MsvAvTimestamp: 0x0007,
  MsvAvSingleHost: 0x0008,
  MsvAvTargetName: 0x0009,
  MsvAvChannelBindings: 0x000a,
} as const;
export type AvId = (typeof AvId)[keyof typeof AvId];

const NAMES = new Map<number, string>(Object.entries(AvId).map(([n, id]) => [id, n]));

/** `MsvAvTimestamp`, or `UNKNOWN_0x000b`. */
export function avIdName(id: number): string {
  return NAMES.get(id) ?? `UNKNOWN_0x${id.toString(16).padStart(4, "0")}`;
}

/** Most ids kept in `NtlmTargetInfo.other`; the walk itself is bounded by the bytes. */
const MAX_OTHER = 32;

const STRING_FIELDS: Partial<Record<number, keyof NtlmTargetInfo>> = {
  [AvId.MsvAvNbComputerName]: "nbComputerName",
  [AvId.MsvAvNbDomainName]: "nbDomainName",
  [AvId.MsvAvDnsComputerName]: "dnsComputerName",
  [AvId.MsvAvDnsDomainName]: "dnsDomainName",
  [AvId.MsvAvDnsTreeName]: "dnsTreeName",
  [AvId.MsvAvTargetName]: "targetName",
};

/**
 * Walks an AV_PAIR list: each pair is AvId (LE16), AvLen (LE16), AvLen bytes.
 * Stops at MsvAvEOL, at the end of `bytes`, or at a pair whose AvLen runs
 * past the end (a problem). Names are UTF-16LE whatever the negotiated
 * charset. A repeated id keeps its first value.
 */
export function parseAvPairs(bytes: Uint8Array, problems: string[], where: string): NtlmTargetInfo {
  const info: NtlmTargetInfo = {};
  let at = 0, ended = false;
  while (bytes.length - at >= 4) {
    const id = le16(bytes, at), len = le16(bytes, at + 2);
    if (id === AvId.MsvAvEOL) {
      ended = true;
      break;
    }
    at += 4;
    if (len > bytes.length - at) {
      problems.push(
        `${where}: ${avIdName(id)} declares ${len} bytes, ${bytes.length - at} left`,
      );
      return info;
    }
    const value = bytes.subarray(at, at + len);
    at += len;
    const field = STRING_FIELDS[id];
    if (field !== undefined) {
      if (info[field] === undefined) (info as Record<string, string>)[field] = utf16le(value);
    } else if (id === AvId.MsvAvFlags) {
      if (len !== 4) problems.push(`${where}: MsvAvFlags is ${len} bytes, not 4`);
      else info.flags ??= le32(value, 0);
    } else if (id === AvId.MsvAvTimestamp) {
      if (len !== 8) problems.push(`${where}: MsvAvTimestamp is ${len} bytes, not 8`);
      else info.timestamp ??= filetimeToIso(le32(value, 0), le32(value, 4));
    } else {
      const other = (info.other ??= []);
      if (other.length < MAX_OTHER) other.push(id);
    }
  }
  if (!ended) problems.push(`${where}: AV pair list ends without MsvAvEOL`);
  return info;
}
