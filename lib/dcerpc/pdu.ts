/**
 * Connection-oriented DCE/RPC PDUs ([C706] 12.6, [MS-RPCE] 2.2.2): the
 * common header, the bodies of bind, alter-context and their answers,
 * request, response, fault, auth3, cancel, orphaned and shutdown, and the
 * authentication verifier at the end. Pure parsing: one PDU in, one typed
 * record out, views into the input (valid only while it is).
 * @module
 */
import { toHex } from "../bytes/cursor.ts";
import { latin1 } from "../bytes/text.ts";
import { guidString } from "../bytes/wire_values.ts";

/** Bytes of the common header. [C706] 12.6.3.1 */
export const CO_HEADER_BYTES = 16;

/** Packet types. [C706] 12.6.4.1, [MS-RPCE] 2.2.2.1 */
export const PTYPE_NAMES: readonly string[] = [
  "request",
  "ping",
  "response",
  "fault",
  "working",
  "nocall",
  "reject",
  "ack",
  "cl_cancel",
  "fack",
  "cancel_ack",
  "bind",
  "bind_ack",
  "bind_nak",
  "alter_context",
  "alter_context_resp",
  "auth3",
  "shutdown",
  "co_cancel",
  "orphaned",
  "rts",
];

/** Packet type numbers used here. */
export const PType = {
  request: 0,
  response: 2,
  fault: 3,
  bind: 11,
  bind_ack: 12,
  bind_nak: 13,
  alter_context: 14,
  alter_context_resp: 15,
  auth3: 16,
  shutdown: 17,
  co_cancel: 18,
  orphaned: 19,
} as const;

/** pfc_flags bits. [C706] 12.6.3.1 */
export const PfcFlags = {
  FIRST_FRAG: 0x01,
  LAST_FRAG: 0x02,
  PENDING_CANCEL: 0x04,
  CONC_MPX: 0x10,
  DID_NOT_EXECUTE: 0x20,
  MAYBE: 0x40,
  OBJECT_UUID: 0x80,
} as const;

/** Authentication services by auth_type. [MS-RPCE] 2.2.1.1.7 */
export const AUTH_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: "none",
  1: "dce_private",
  2: "dce_public",
  4: "dec_public",
  9: "spnego",
  10: "ntlm",
  14: "schannel",
  16: "kerberos",
  17: "dpa",
  18: "msn",
  21: "digest",
  30: "negoextender",
  68: "netlogon",
  255: "default",
};

/** Authentication levels. [MS-RPCE] 2.2.1.1.8 */
export const AUTH_LEVEL_NAMES: Readonly<Record<number, string>> = {
  0: "default",
  1: "none",
  2: "connect",
  3: "call",
  4: "packet",
  5: "integrity",
  6: "privacy",
};

/** The level at which stubs are encrypted. */
export const AUTH_LEVEL_PRIVACY = 6;

/** Results of a presentation context in a bind answer. [C706] 12.6.3.1, [MS-RPCE] 2.2.2.4 */
const RESULT_NAMES = ["acceptance", "user_rejection", "provider_rejection", "negotiate_ack"];
/** Reasons of a rejected context. */
const CONTEXT_REASON_NAMES = [
  "reason_not_specified",
  "abstract_syntax_not_supported",
  "proposed_transfer_syntaxes_not_supported",
  "local_limit_exceeded",
];
/** Reasons of a bind_nak. [C706] 12.6.3.1, [MS-RPCE] 2.2.2.5 */
const REJECT_REASON_NAMES = [
  "reason_not_specified",
  "temporary_congestion",
  "local_limit_exceeded",
  "called_paddr_unknown",
  "protocol_version_not_supported",
  "default_context_not_supported",
  "user_data_not_readable",
  "no_psap_available",
  "authentication_type_not_recognized",
  "invalid_checksum",
];

/** Transfer syntaxes by UUID. [C706] 14 (NDR), [MS-RPCE] 2.2.4.12 (NDR64), 3.3.1.5.3 (bind time features). */
const SYNTAXES: Readonly<Record<string, string>> = {
  "8a885d04-1ceb-11c9-9fe8-08002b104860": "ndr",
  "71710533-beba-4937-8319-b5dbef9ccc36": "ndr64",
};
/** Bind time feature negotiation UUIDs share this prefix. [MS-RPCE] 3.3.1.5.3 */
const BIND_TIME_FEATURES_PREFIX = "6cb71c2c-9812-4540-";

/** A transfer syntax UUID as `ndr`, `ndr64`, `bind_time_features`, or the UUID itself. */
export function syntaxName(uuid: string): string {
  return SYNTAXES[uuid] ??
    (uuid.startsWith(BIND_TIME_FEATURES_PREFIX) ? "bind_time_features" : uuid);
}

/** The common header. */
export interface CoHeader {
  /** Minor version (0 or 1). */
  minor: number;
  /** Packet type number. */
  ptype: number;
  /** pfc_flags. */
  flags: number;
  /** Integers little-endian (data representation byte 0, bit 0x10). */
  littleEndian: boolean;
  /** frag_length: the whole PDU. */
  fragLength: number;
  /** auth_length: the credentials at the end. */
  authLength: number;
  /** call_id. */
  callId: number;
}

/** The authentication verifier (sec_trailer and credentials). [MS-RPCE] 2.2.2.11 */
export interface AuthVerifier {
  /** auth_type number. */
  type: number;
  /** auth_level number. */
  level: number;
  /** auth_context_id. */
  contextId: number;
  /** The credentials (a security token or a signature), a view. */
  value: Uint8Array;
}

/** A presentation context offered in a bind or alter_context. */
export interface OfferedContext {
  /** p_cont_id. */
  id: number;
  /** Abstract syntax: interface UUID, lower case. */
  uuid: string;
  /** Interface version `major.minor`. */
  version: string;
  /** Transfer syntaxes offered (named, see {@link syntaxName}). */
  syntaxes: string[];
}

/** A context's result in a bind_ack or alter_context_resp. */
export interface ContextResult {
  /** `acceptance`, `user_rejection`, `provider_rejection`, `negotiate_ack`. */
  result: string;
  /** Why it was rejected (for `negotiate_ack`: the bind time feature bits, as a number). */
  reason: string | number;
  /** The transfer syntax accepted. */
  syntax: string;
}

/** What a PDU's body holds, by packet type (only the fields this decoder uses). */
export interface CoPdu {
  header: CoHeader;
  /** Packet type name. */
  type: string;
  /** bind, alter_context. */
  contexts?: OfferedContext[];
  /** bind, alter_context, and their answers. */
  assocGroup?: number;
  /** bind_ack: the secondary address (port or pipe the server answers on). */
  secondaryAddress?: string;
  /** bind_ack, alter_context_resp. */
  results?: ContextResult[];
  /** bind_nak. */
  rejectReason?: string;
  /** request, response, fault: p_cont_id. */
  contextId?: number;
  /** request. */
  opnum?: number;
  /** request with PFC_OBJECT_UUID. */
  objectUuid?: string;
  /** request, response: alloc_hint (the whole stub's size, when the sender says). */
  allocHint?: number;
  /** request, response, fault: the stub data (a view; encrypted when the level is privacy). */
  stub?: Uint8Array;
  /** fault: the status. */
  status?: number;
  /** The verifier, when auth_length is non-zero. */
  auth?: AuthVerifier;
}

/**
 * Parse the common header at `b[at]` (at least 16 bytes there): null when it
 * is not DCE/RPC version 5 with a frag length that covers the header.
 */
export function parseCoHeader(b: Uint8Array, at = 0): CoHeader | null {
  if (b.length - at < CO_HEADER_BYTES || b[at] !== 5 || b[at + 1]! > 1) return null;
  const littleEndian = (b[at + 4]! & 0x10) !== 0;
  const u16 = (i: number) =>
    littleEndian ? b[at + i]! | (b[at + i + 1]! << 8) : (b[at + i]! << 8) | b[at + i + 1]!;
  const fragLength = u16(8), authLength = u16(10);
  const c = at + 12;
  const callId = littleEndian
    ? (b[c]! | (b[c + 1]! << 8) | (b[c + 2]! << 16) | (b[c + 3]! << 24)) >>> 0
    : ((b[c]! << 24) | (b[c + 1]! << 16) | (b[c + 2]! << 8) | b[c + 3]!) >>> 0;
  if (fragLength < CO_HEADER_BYTES) return null;
  return {
    minor: b[at + 1]!,
    ptype: b[at + 2]!,
    flags: b[at + 3]!,
    littleEndian,
    fragLength,
    authLength,
    callId,
  };
}

/**
 * Whether bytes start like a DCE/RPC connection-oriented PDU: version 5.0 or
 * 5.1, a packet type of [C706] 12.6.4.1 (0-19), and a data representation
 * of ASCII, IEEE floats, either byte order. [C706] 12.6.3.1
 */
export function looksLikeDceRpc(b: Uint8Array): boolean {
  return b.length >= 16 && b[0] === 5 && b[1]! <= 1 && b[2]! <= 19 &&
    (b[4] === 0x10 || b[4] === 0x00) && b[5] === 0 && b[6] === 0 && b[7] === 0;
}

/** Thrown by the body readers when a field runs past the PDU. */
class Short extends Error {}

/** A bounds-checked little- or big-endian reader over one PDU. */
class Fields {
  pos: number;
  constructor(readonly b: Uint8Array, readonly le: boolean, start: number, readonly end: number) {
    this.pos = start;
  }
  need(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw new Short();
    this.pos = at + n;
    return at;
  }
  u8(): number {
    return this.b[this.need(1)]!;
  }
  u16(): number {
    const at = this.need(2), b = this.b;
    return this.le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
  }
  u32(): number {
    const at = this.need(4), b = this.b;
    return this.le
      ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
      : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }
  /** A UUID: its first three fields are integers in the PDU's byte order. */
  uuid(): string {
    const at = this.need(16);
    if (this.le) return guidString(this.b, at);
    const h = toHex(this.b.subarray(at, at + 16));
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${
      h.slice(20)
    }`;
  }
  /** A syntax id: UUID and `major.minor` (u16 major, u16 minor). */
  syntax(): [string, string] {
    const uuid = this.uuid();
    const major = this.u16(), minor = this.u16();
    return [uuid, `${major}.${minor}`];
  }
}

/**
 * Parse one whole PDU (`b.length === header.fragLength`). Returns the
 * record, or a string saying what is malformed.
 */
export function parseCoPdu(b: Uint8Array, header: CoHeader): CoPdu | string {
  const type = PTYPE_NAMES[header.ptype] ?? `ptype_${header.ptype}`;
  const pdu: CoPdu = { header, type };
  let bodyEnd = b.length;
  if (header.authLength > 0) {
    // sec_trailer (8 bytes) then the credentials, at the end of the PDU.
    const trailer = b.length - header.authLength - 8;
    if (trailer < CO_HEADER_BYTES) return `auth_length ${header.authLength} exceeds the PDU`;
    const f = new Fields(b, header.littleEndian, trailer, b.length);
    const authType = f.u8(), level = f.u8(), pad = f.u8();
    f.u8();
    const contextId = f.u32();
    pdu.auth = { type: authType, level, contextId, value: b.subarray(trailer + 8) };
    bodyEnd = Math.max(CO_HEADER_BYTES, trailer - pad);
  }
  const f = new Fields(b, header.littleEndian, CO_HEADER_BYTES, bodyEnd);
  try {
    switch (header.ptype) {
      case PType.request: {
        pdu.allocHint = f.u32();
        pdu.contextId = f.u16();
        pdu.opnum = f.u16();
        if (header.flags & PfcFlags.OBJECT_UUID) pdu.objectUuid = f.uuid();
        pdu.stub = b.subarray(f.pos, bodyEnd);
        break;
      }
      case PType.response: {
        pdu.allocHint = f.u32();
        pdu.contextId = f.u16();
        f.need(2); // cancel_count, reserved
        pdu.stub = b.subarray(f.pos, bodyEnd);
        break;
      }
      case PType.fault: {
        pdu.allocHint = f.u32();
        pdu.contextId = f.u16();
        f.need(2);
        pdu.status = f.u32();
        f.need(4);
        pdu.stub = b.subarray(f.pos, bodyEnd);
        break;
      }
      case PType.bind:
      case PType.alter_context: {
        f.need(4); // max_xmit_frag, max_recv_frag
        pdu.assocGroup = f.u32();
        const n = f.u8();
        f.need(3);
        pdu.contexts = [];
        for (let i = 0; i < n; i++) {
          const id = f.u16();
          const syntaxes = f.u8();
          f.need(1);
          const [uuid, version] = f.syntax();
          const offered: OfferedContext = { id, uuid, version, syntaxes: [] };
          for (let k = 0; k < syntaxes; k++) {
            const [syntax] = f.syntax();
            offered.syntaxes.push(syntaxName(syntax));
          }
          pdu.contexts.push(offered);
        }
        break;
      }
      case PType.bind_ack:
      case PType.alter_context_resp: {
        f.need(4);
        pdu.assocGroup = f.u32();
        const length = f.u16();
        const at = f.need(length);
        // The port spec is a NUL-terminated string; alter_context_resp sends an empty one.
        if (length > 1) pdu.secondaryAddress = latin1(b.subarray(at, at + length - 1));
        f.pos = Math.min(f.end, (f.pos + 3) & ~3); // to a 4-byte boundary of the PDU
        const n = f.u8();
        f.need(3);
        pdu.results = [];
        for (let i = 0; i < n; i++) {
          const result = f.u16(), reason = f.u16();
          const [syntax] = f.syntax();
          pdu.results.push({
            result: RESULT_NAMES[result] ?? `result_${result}`,
            reason: result === 3 ? reason : CONTEXT_REASON_NAMES[reason] ?? `reason_${reason}`,
            syntax: syntaxName(syntax),
          });
        }
        break;
      }
      case PType.bind_nak: {
        const reason = f.u16();
        pdu.rejectReason = REJECT_REASON_NAMES[reason] ?? `reason_${reason}`;
        break;
      }
      default:
        // auth3, shutdown, co_cancel, orphaned: the header (and verifier) is all there is.
        break;
    }
  } catch (e) {
    if (e instanceof Short) return `${type} body shorter than its fields (${b.length} bytes)`;
    throw e;
  }
  return pdu;
}
