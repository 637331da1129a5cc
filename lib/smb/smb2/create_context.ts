/**
 * CREATE contexts. [MS-SMB2] 2.2.13.2 (request), 2.2.14.2 (response)
 *
 * Each context: Next (4), NameOffset (2), NameLength (2), Reserved (2),
 * DataOffset (2), DataLength (4), then Name and Data; offsets count from the
 * start of the context, and Next (0 for the last) from it to the next one.
 * The walk stops at a Next that does not advance, leaves the contexts' area
 * or exceeds `MAX_CREATE_CONTEXTS`.
 *
 * Each element of `createContexts`: `name` (the 4-character tag such as
 * "MxAc", or the hex of a 16-byte GUID name), `contextName` (e.g.
 * QUERY_MAXIMAL_ACCESS), `dataLength`, and for some, decoded data:
 * - MxAc response: `queryStatus`, `maximalAccess`; request: `timestamp` when present
 * - QFid response: `diskFileId`, `volumeId` (hex)
 * - RqLs: `leaseKey`, `leaseState`, `leaseStateNames`, `leaseFlags`, and for
 *   version 2 (52 bytes) `parentLeaseKey`, `epoch`
 * - DH2Q: `timeout`, `flags`; request also `createGuid`
 * - DH2C: `fileId`, `createGuid`, `flags`;  DHnC: `fileId`
 * - AlSi: `allocationSize`;  TWrp: `timestamp`;  APP_INSTANCE_ID: `appInstanceId`
 * @module
 */
import type { JsonValue } from "../json.ts";
import type { Smb2Body } from "./body.ts";
import { leaseStateNames } from "./oplock_break.ts";
import { Cursor, readFiletime, readGuid, readU64, toHex } from "./wire.ts";

/** Contexts decoded per CREATE; past this the rest is skipped with a problem. */
export const MAX_CREATE_CONTEXTS = 64;

/** Context names (tags, or GUIDs as the hex of their 16 bytes) and what they are. [MS-SMB2] 2.2.13.2 */
export const CREATE_CONTEXT_NAMES: ReadonlyMap<string, string> = new Map([
  ["ExtA", "EA_BUFFER"],
  ["SecD", "SD_BUFFER"],
  ["DHnQ", "DURABLE_HANDLE_REQUEST"],
  ["DHnC", "DURABLE_HANDLE_RECONNECT"],
  ["AlSi", "ALLOCATION_SIZE"],
  ["MxAc", "QUERY_MAXIMAL_ACCESS"],
  ["TWrp", "TIMEWARP_TOKEN"],
  ["QFid", "QUERY_ON_DISK_ID"],
  ["RqLs", "REQUEST_LEASE"],
  ["DH2Q", "DURABLE_HANDLE_REQUEST_V2"],
  ["DH2C", "DURABLE_HANDLE_RECONNECT_V2"],
  ["AAPL", "APPLE"],
  ["9ccbcf9e04c1e643980e158da1f6ec83", "SVHDX_OPEN_DEVICE_CONTEXT"],
  ["45bca66aefa7f74a9008fa462e144d74", "APP_INSTANCE_ID"],
  ["b982d0b73b56074fa07b524a8116a010", "APP_INSTANCE_VERSION"],
]);

/** Printable ASCII as a string, anything else as hex. */
function nameOf(b: Uint8Array): string {
  for (const ch of b) if (ch < 0x20 || ch > 0x7e) return toHex(b);
  return String.fromCharCode(...b);
}

type Ctx = { [key: string]: JsonValue };

function decodeData(name: string, data: Uint8Array, response: boolean, ctx: Ctx): void {
  const c = new Cursor(data);
  switch (name) {
    case "MxAc":
      if (response) {
        ctx.queryStatus = c.u32();
        ctx.maximalAccess = c.u32();
      } else if (data.length >= 8) ctx.timestamp = readFiletime(c);
      break;
    case "QFid":
      if (response) {
        ctx.diskFileId = toHex(c.take(8));
        ctx.volumeId = toHex(c.take(8));
      }
      break;
    case "RqLs": {
      ctx.leaseKey = toHex(c.take(16));
      const state = c.u32();
      ctx.leaseState = state;
      ctx.leaseStateNames = leaseStateNames(state);
      ctx.leaseFlags = c.u32();
      c.skip(8); // LeaseDuration
      if (data.length >= 52) {
        ctx.leaseVersion = 2;
        ctx.parentLeaseKey = toHex(c.take(16));
        ctx.epoch = c.u16();
      } else ctx.leaseVersion = 1;
      break;
    }
    case "DH2Q":
      ctx.timeout = c.u32();
      ctx.flags = c.u32();
      if (!response) {
        c.skip(8);
        ctx.createGuid = readGuid(c);
      }
      break;
    case "DH2C":
      ctx.fileId = toHex(c.take(16));
      ctx.createGuid = readGuid(c);
      ctx.flags = c.u32();
      break;
    case "DHnC":
      ctx.fileId = toHex(c.take(16));
      break;
    case "AlSi":
      ctx.allocationSize = readU64(c);
      break;
    case "TWrp":
      ctx.timestamp = readFiletime(c);
      break;
    case "45bca66aefa7f74a9008fa462e144d74": // APP_INSTANCE_ID: StructureSize, Reserved, GUID
      c.skip(4);
      ctx.appInstanceId = readGuid(c);
      break;
  }
}

/**
 * Walks the contexts at `offset` (from the header start), `length` bytes, into
 * `createContexts` and `createContextNames`.
 */
export function readCreateContexts(b: Smb2Body, offset: number, length: number): void {
  if (length === 0) return;
  const area = b.region(offset, length, "create contexts");
  if (area === undefined) return;
  const list: JsonValue[] = [], names: string[] = [];
  b.fields.createContexts = list;
  b.fields.createContextNames = names;
  const response = b.header.response;
  let at = 0;
  for (let i = 0;; i++) {
    if (i === MAX_CREATE_CONTEXTS) {
      b.problem("malformed", `more than ${MAX_CREATE_CONTEXTS} create contexts; the rest skipped`);
      return;
    }
    let next = 0;
    const ok = b.guard(`create context ${i + 1}`, () => {
      const c = new Cursor(area.subarray(at));
      next = c.u32();
      const nameOffset = c.u16(), nameLength = c.u16();
      c.skip(2);
      const dataOffset = c.u16(), dataLength = c.u32();
      const rawName = area.subarray(at + nameOffset, at + nameOffset + nameLength);
      if (nameLength === 0 || at + nameOffset + nameLength > area.length) {
        b.problem("malformed", `create context ${i + 1} name lies outside its contexts`);
        next = 0;
        return;
      }
      const name = nameOf(rawName);
      names.push(name);
      const ctx: Ctx = {
        name,
        contextName: CREATE_CONTEXT_NAMES.get(name) ?? "UNKNOWN",
        dataLength,
      };
      list.push(ctx);
      if (dataLength > 0) {
        if (at + dataOffset + dataLength > area.length) {
          b.problem("malformed", `create context ${name} data runs past its contexts`);
        } else {
          const data = area.subarray(at + dataOffset, at + dataOffset + dataLength);
          b.guard(`create context ${name} data`, () => decodeData(name, data, response, ctx));
        }
      }
    });
    if (!ok || next === 0) return;
    if (next < 16 || at + next >= area.length) {
      b.problem(
        next < 16 ? "loop" : "malformed",
        `create context ${i + 1} Next ${next} ${
          next < 16 ? "does not advance past its header" : "runs past the contexts"
        }`,
      );
      return;
    }
    at += next;
  }
}
