/**
 * Arguments of the endpoint mapper (epm): which interfaces a host offers on
 * which endpoints (ept_lookup, as rpcdump and scanners use it) and where one
 * interface listens (ept_map, the first call of most DCE/RPC over TCP).
 * Towers are decoded into protocol, port, host and pipe, and
 * {@link decodeTower} is exported for the transport, which learns dynamic
 * TCP ports from ept_map answers. C706 Appendix O (the IDL), Appendix L
 * (towers), Appendix I (protocol identifiers); [MS-RPCE] 2.2.1.2.
 * @module
 */
import { NdrError, type NdrReader } from "../ndr.ts";
import { toHex } from "../../bytes/cursor.ts";
import { latin1 } from "../../bytes/text.ts";
import { guidString } from "../../bytes/wire_values.ts";
import { handleOnly, handleResponse, named, pointerArray, varyingCount } from "./common.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";

/** One decoded protocol tower. */
export interface Tower {
  /** The interface UUID (floor 1), lower case. */
  interface: string;
  /** Its version, `major.minor`. */
  version: string;
  /** The transfer syntax UUID (floor 2). */
  transferSyntax: string;
  /** Its version, `major.minor`. */
  transferSyntaxVersion: string;
  /** The protocol sequence (`ncacn_ip_tcp`, ...), or `UNKNOWN_0x...` after the floor ids. */
  protocol: string;
  /** TCP, UDP or HTTP port (floor 4). */
  port?: number;
  /** IPv4 address (floor 5), or a NetBIOS name for named pipes. */
  host?: string;
  /** Named pipe (`\PIPE\...`) or LRPC endpoint name (floor 4). */
  pipe?: string;
}

/** Floor protocol identifiers, C706 Appendix I and [MS-RPCE] 2.1.1. */
const FLOOR = {
  RPC_CL: 0x0a,
  RPC_CO: 0x0b,
  LRPC: 0x0c,
  UUID: 0x0d,
  TCP_PORT: 0x07,
  UDP_PORT: 0x08,
  IP: 0x09,
  NAMED_PIPE: 0x0f,
  LRPC_ENDPOINT: 0x10,
  NETBIOS_NAME: 0x11,
  HTTP_PORT: 0x1f,
} as const;

/** Protocol sequences by floor-3 and floor-4 identifiers. */
const PROTOCOL: Readonly<Record<string, string>> = {
  [`${FLOOR.RPC_CO}/${FLOOR.TCP_PORT}`]: "ncacn_ip_tcp",
  [`${FLOOR.RPC_CL}/${FLOOR.UDP_PORT}`]: "ncadg_ip_udp",
  [`${FLOOR.RPC_CO}/${FLOOR.NAMED_PIPE}`]: "ncacn_np",
  [`${FLOOR.LRPC}/${FLOOR.LRPC_ENDPOINT}`]: "ncalrpc",
  [`${FLOOR.RPC_CO}/${FLOOR.HTTP_PORT}`]: "ncacn_http",
};

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

/** A NUL-terminated 8-bit string (pipe, LRPC endpoint, NetBIOS name). */
const cString = (b: Uint8Array): string => {
  const nul = b.indexOf(0);
  return latin1(nul < 0 ? b : b.subarray(0, nul));
};

/**
 * A protocol tower's octets (`tower_octet_string`, C706 Appendix L): a
 * little-endian floor count, then per floor a left-hand side (length,
 * protocol identifier, data) and a right-hand side (length, address data).
 * UUIDs and versions are little-endian, ports and IPv4 addresses
 * big-endian. Throws {@link NdrError} on a floor that runs past the end.
 *
 * @example
 * ```ts
 * import { decodeTower } from "./epm.ts";
 * // decodeTower(bytes) -> { interface: "367abb81-...", version: "2.0",
 * //   transferSyntax: "8a885d04-...", protocol: "ncacn_ip_tcp", port: 49667, host: "0.0.0.0" }
 * ```
 */
export function decodeTower(b: Uint8Array): Tower {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  const take = (n: number): number => {
    if (at + n > b.length) throw new NdrError(`tower ends at ${b.length}, floor needs ${at + n}`);
    const from = at;
    at += n;
    return from;
  };
  const floorCount = v.getUint16(take(2), true);
  if (floorCount * 4 > b.length - at) throw new NdrError(`tower: ${floorCount} floors do not fit`);
  const floors: { id: number; lhs: Uint8Array; rhs: Uint8Array }[] = [];
  for (let i = 0; i < floorCount; i++) {
    const lhsLength = v.getUint16(take(2), true);
    if (lhsLength < 1) throw new NdrError("tower: empty floor");
    const lhs = b.subarray(take(lhsLength), at);
    const rhsLength = v.getUint16(take(2), true);
    const rhs = b.subarray(take(rhsLength), at);
    floors.push({ id: lhs[0]!, lhs: lhs.subarray(1), rhs });
  }
  const syntax = (i: number): [string, string] => {
    const f = floors[i];
    if (!f || f.id !== FLOOR.UUID || f.lhs.length < 18 || f.rhs.length < 2) {
      throw new NdrError(`tower: floor ${i + 1} is not a UUID floor`);
    }
    const major = f.lhs[16]! | (f.lhs[17]! << 8);
    const minor = f.rhs[0]! | (f.rhs[1]! << 8);
    return [guidString(f.lhs.subarray(0, 16)), `${major}.${minor}`];
  };
  const [iface, version] = syntax(0);
  const [transferSyntax, transferSyntaxVersion] = syntax(1);
  const rpc = floors[2]?.id ?? -1;
  const transport = floors[3]?.id ?? -1;
  const tower: Tower = {
    interface: iface,
    version,
    transferSyntax,
    transferSyntaxVersion,
    protocol: PROTOCOL[`${rpc}/${transport}`] ?? `UNKNOWN_${hex2(rpc)}_${hex2(transport)}`,
  };
  for (const f of floors.slice(3)) {
    const r = f.rhs;
    switch (f.id) {
      case FLOOR.TCP_PORT:
      case FLOOR.UDP_PORT:
      case FLOOR.HTTP_PORT:
        if (r.length >= 2) tower.port = (r[0]! << 8) | r[1]!;
        break;
      case FLOOR.IP:
        if (r.length >= 4) tower.host = `${r[0]}.${r[1]}.${r[2]}.${r[3]}`;
        break;
      case FLOOR.NAMED_PIPE:
      case FLOOR.LRPC_ENDPOINT:
        tower.pipe = cString(r);
        break;
      case FLOOR.NETBIOS_NAME:
        tower.host = cString(r);
        break;
    }
  }
  return tower;
}

/**
 * A twr_t pointee ([MS-RPCE] 2.2.1.2.2): its conformance, tower_length and
 * the octets, decoded; a tower that does not decode is given as hex.
 */
function tower(r: NdrReader): Tower | { raw: string } {
  const size = r.count(1);
  const length = r.u32();
  if (length > size) throw new NdrError(`twr_t: length ${length} > size ${size}`);
  const octets = r.bytesView(size);
  try {
    return decodeTower(octets.subarray(0, length));
  } catch (e) {
    if (!(e instanceof NdrError)) throw e;
    return { raw: toHex(octets.subarray(0, Math.min(length, 512))) };
  }
}

/** `[in, ptr] UUID*`. */
const optionalUuid = (r: NdrReader): string | null => r.pointer() ? r.guid() : null;

/** ept_lookup's inquiry types and version options, [MS-RPCE] 2.2.1.2.4. */
const INQUIRY: Readonly<Record<number, string>> = {
  0: "RPC_C_EP_ALL_ELTS",
  1: "RPC_C_EP_MATCH_BY_IF",
  2: "RPC_C_EP_MATCH_BY_OBJ",
  3: "RPC_C_EP_MATCH_BY_BOTH",
};
const VERS_OPTION: Readonly<Record<number, string>> = {
  1: "RPC_C_VERS_ALL",
  2: "RPC_C_VERS_COMPATIBLE",
  3: "RPC_C_VERS_EXACT",
  4: "RPC_C_VERS_MAJOR_ONLY",
  5: "RPC_C_VERS_UPTO",
};

/**
 * The endpoint mapper, C706 Appendix O with [MS-RPCE] 2.2.1.2. Opnums
 * decoded: 2 ept_lookup (entries: object, tower, annotation), 3 ept_map
 * (the tower asked for; the towers answered), 4 ept_lookup_handle_free.
 * The [out] error_status is the `returnValue` (0, or 0x16c9a0d6 when
 * nothing matched).
 */
export const epm: InterfaceDecoder = {
  uuids: ["e1af8308-5d1f-11c9-91a4-08002b14a0fa"],
  returns: "win32",
  ops: {
    2: {
      request(r) {
        const inquiryType = named(INQUIRY, r.u32());
        const object = optionalUuid(r);
        let ifId: RpcArguments | null = null;
        if (r.pointer() !== 0) {
          const uuid = r.guid();
          const major = r.u16();
          ifId = { uuid, version: `${major}.${r.u16()}` };
        }
        return {
          inquiryType,
          object,
          ifId,
          versOption: named(VERS_OPTION, r.u32()),
          handle: r.contextHandle(),
          maxEnts: r.u32(),
        };
      },
      response(r) {
        const handle = r.contextHandle();
        const count = r.u32();
        const size = 16 + (r.ndr64 ? 8 : 4) + 8;
        const n = varyingCount(r, size);
        const entries = r.array(n, size, () => {
          if (r.ndr64) r.align(8);
          const entry: RpcArguments = { object: r.guid(), tower: null, annotation: "" };
          if (r.pointer() !== 0) r.defer(() => void (entry.tower = tower(r)));
          // [string] char annotation[64]: a varying array (offset, count, characters).
          r.count(0);
          const chars = r.count(1);
          entry.annotation = cString(r.bytesView(chars));
          if (r.ndr64) r.align(8);
          return entry;
        });
        r.flush();
        return { handle, count, entries, returnValue: r.u32() };
      },
    },
    3: {
      request(r) {
        const object = optionalUuid(r);
        const mapTower = r.pointer() !== 0 ? tower(r) : null;
        return { object, mapTower, handle: r.contextHandle(), maxTowers: r.u32() };
      },
      response(r) {
        const handle = r.contextHandle();
        const count = r.u32();
        const towers = pointerArray(r, () => tower(r), varyingCount(r, r.ndr64 ? 8 : 4));
        r.flush();
        return { handle, count, towers, returnValue: r.u32() };
      },
    },
    4: { request: handleOnly, response: handleResponse },
  },
};
