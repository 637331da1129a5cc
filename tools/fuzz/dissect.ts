/**
 * Where the fields a structure-aware mutation aims at lie in one frame: IP
 * lengths and fragment offsets, TCP flags, sequence numbers and data offset,
 * UDP lengths, the NBSS length, SMB1 WordCount/ByteCount/AndX offsets and
 * parameter words, SMB2 NextCommand, StructureSize and the offset/length
 * words of each body, compression-transform sizes, NTLMSSP security buffers,
 * DER (SPNEGO, Kerberos) lengths, DCE/RPC fragment and auth lengths, alloc
 * hints and the NDR counts of stubs. A light walk, not a decoder: it guesses,
 * and a wrong guess is just another mutation.
 * @module
 */

/** One field: where, how wide, its byte order, and what it is (for the report). */
export interface Field {
  at: number;
  size: 1 | 2 | 4;
  le: boolean;
  kind: string;
}

const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32le = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** SMB1 commands whose words start with an AndX block. [MS-CIFS] 2.2.3.4 */
const ANDX = new Set([0x24, 0x2d, 0x2e, 0x2f, 0x73, 0x74, 0x75, 0xa2]);

/** Fields of a frame of link type `linktype`, at most a few hundred. */
export function fieldsOf(frame: Uint8Array, linktype: number): Field[] {
  const out: Field[] = [];
  const ip = ipStart(frame, linktype, out);
  if (ip !== undefined) ipFields(frame, ip, out);
  return out;
}

function ipStart(b: Uint8Array, linktype: number, out: Field[]): number | undefined {
  switch (linktype) {
    case 1: { // Ethernet, with 802.1Q/QinQ tags
      let at = 12;
      while (at + 2 <= b.length && (u16be(b, at) === 0x8100 || u16be(b, at) === 0x88a8)) {
        at += 4;
      }
      if (at + 2 > b.length) return undefined;
      out.push({ at, size: 2, le: false, kind: "ethertype" });
      return at + 2;
    }
    case 113: // Linux SLL
      return b.length >= 16 ? 16 : undefined;
    case 276: // Linux SLL2
      return b.length >= 20 ? 20 : undefined;
    case 0:
    case 108: // BSD null / loopback
      return b.length >= 4 ? 4 : undefined;
    case 12:
    case 14:
    case 101:
    case 228:
    case 229: // raw IP
      return 0;
    default:
      return undefined;
  }
}

function ipFields(b: Uint8Array, ip: number, out: Field[]): void {
  if (ip >= b.length) return;
  const version = b[ip]! >> 4;
  if (version === 4 && ip + 20 <= b.length) {
    out.push({ at: ip, size: 1, le: false, kind: "ipv4.version_ihl" });
    out.push({ at: ip + 2, size: 2, le: false, kind: "ipv4.total_length" });
    out.push({ at: ip + 6, size: 2, le: false, kind: "ipv4.flags_fragment_offset" });
    out.push({ at: ip + 9, size: 1, le: false, kind: "ipv4.protocol" });
    const ihl = (b[ip]! & 15) * 4;
    const fragment = u16be(b, ip + 6) & 0x1fff;
    if (fragment === 0 && ihl >= 20) transport(b, b[ip + 9]!, ip + ihl, out);
  } else if (version === 6 && ip + 40 <= b.length) {
    out.push({ at: ip + 4, size: 2, le: false, kind: "ipv6.payload_length" });
    out.push({ at: ip + 6, size: 1, le: false, kind: "ipv6.next_header" });
    let next = b[ip + 6]!, at = ip + 40;
    for (let i = 0; i < 4 && at + 8 <= b.length; i++) {
      if (next === 44) {
        out.push({ at: at + 2, size: 2, le: false, kind: "ipv6.fragment_offset" });
        if ((u16be(b, at + 2) & 0xfff8) !== 0) return;
        next = b[at]!;
        at += 8;
      } else if (next === 0 || next === 43 || next === 60) {
        out.push({ at: at + 1, size: 1, le: false, kind: "ipv6.ext_length" });
        const len = (b[at + 1]! + 1) * 8;
        next = b[at]!;
        at += len;
      } else break;
    }
    transport(b, next, at, out);
  }
}

function transport(b: Uint8Array, protocol: number, at: number, out: Field[]): void {
  if (protocol === 6 && at + 20 <= b.length) {
    out.push({ at: at + 4, size: 4, le: false, kind: "tcp.seq" });
    out.push({ at: at + 8, size: 4, le: false, kind: "tcp.ack" });
    out.push({ at: at + 12, size: 1, le: false, kind: "tcp.data_offset" });
    out.push({ at: at + 13, size: 1, le: false, kind: "tcp.flags" });
    const payload = at + (b[at + 12]! >> 4) * 4;
    if (payload < b.length) application(b, payload, b.length, out);
  } else if (protocol === 17 && at + 8 <= b.length) {
    out.push({ at: at + 4, size: 2, le: false, kind: "udp.length" });
    if (at + 8 < b.length) application(b, at + 8, b.length, out);
  } else if (protocol === 4 || protocol === 41) {
    ipFields(b, at, out); // tunnelled IP
  }
}

/** What a TCP or UDP payload may hold: NBSS/SMB, DCE/RPC, NTLMSSP, DER. */
function application(b: Uint8Array, start: number, end: number, out: Field[]): void {
  let at = start;
  // NBSS messages, each perhaps SMB.
  for (let i = 0; i < 8 && at + 4 <= end; i++) {
    const type = b[at]!;
    if (type !== 0x00 && type !== 0x81 && type !== 0x82 && type !== 0x85) break;
    out.push({ at: at + 2, size: 2, le: false, kind: "nbss.length" });
    const length = ((b[at + 1]! & 1) << 16) | u16be(b, at + 2);
    const body = at + 4;
    if (body + 4 <= end && b[body + 1] === 0x53 && b[body + 2] === 0x4d && b[body + 3] === 0x42) {
      smb(b, body, Math.min(end, body + length), out);
    }
    at = body + length;
  }
  dcerpc(b, start, end, out);
  ntlmssp(b, start, end, out);
  der(b, start, end, out);
}

function smb(b: Uint8Array, s: number, end: number, out: Field[]): void {
  switch (b[s]) {
    case 0xff: {
      if (s + 35 > end) return;
      const wc = b[s + 32]!;
      out.push({ at: s + 32, size: 1, le: true, kind: "smb1.word_count" });
      const words = s + 33;
      for (let w = 0; w < wc && words + 2 * w + 2 <= end && w < 24; w++) {
        out.push({ at: words + 2 * w, size: 2, le: true, kind: "smb1.word" });
      }
      if (words + 2 * wc + 2 <= end) {
        out.push({ at: words + 2 * wc, size: 2, le: true, kind: "smb1.byte_count" });
      }
      if (ANDX.has(b[s + 4]!) && wc >= 2 && words + 4 <= end) {
        out.push({ at: words, size: 1, le: true, kind: "smb1.andx_command" });
        out.push({ at: words + 2, size: 2, le: true, kind: "smb1.andx_offset" });
      }
      return;
    }
    case 0xfe: {
      let m = s;
      for (let i = 0; i < 8 && m + 64 <= end; i++) {
        out.push({ at: m + 4, size: 2, le: true, kind: "smb2.header_structure_size" });
        out.push({ at: m + 12, size: 2, le: true, kind: "smb2.command" });
        out.push({ at: m + 20, size: 4, le: true, kind: "smb2.next_command" });
        out.push({ at: m + 16, size: 1, le: true, kind: "smb2.flags" });
        if (m + 66 <= end) {
          out.push({ at: m + 64, size: 2, le: true, kind: "smb2.structure_size" });
        }
        // The body's fixed part: its offset/length pairs are 2- and 4-byte words.
        for (let at = m + 66; at + 4 <= Math.min(end, m + 64 + 56); at += 2) {
          out.push({ at, size: 2, le: true, kind: "smb2.body_word" });
          if (at % 4 === m % 4) out.push({ at, size: 4, le: true, kind: "smb2.body_dword" });
        }
        const next = u32le(b, m + 20);
        if (next === 0 || next > end - m) break;
        m += next;
      }
      return;
    }
    case 0xfc: {
      if (s + 16 > end) return;
      out.push({ at: s + 4, size: 4, le: true, kind: "smb2.compression.original_size" });
      out.push({ at: s + 8, size: 2, le: true, kind: "smb2.compression.algorithm" });
      out.push({ at: s + 10, size: 2, le: true, kind: "smb2.compression.flags" });
      out.push({ at: s + 12, size: 4, le: true, kind: "smb2.compression.offset_length" });
      if (b[s + 10]! & 1) {
        // Chained: payload headers one after another.
        let at = s + 8;
        for (let i = 0; i < 8 && at + 12 <= end; i++) {
          out.push({ at: at + 4, size: 4, le: true, kind: "smb2.compression.payload_length" });
          out.push({ at: at + 8, size: 4, le: true, kind: "smb2.compression.payload_size" });
          at += 8 + u32le(b, at + 4);
        }
      }
      return;
    }
    case 0xfd:
      if (s + 52 <= end) {
        out.push({ at: s + 36, size: 4, le: true, kind: "smb2.transform.original_size" });
      }
      return;
  }
}

/** DCE/RPC connection-oriented PDU headers (version 5.0) anywhere in the payload. [C706] 12.6 */
function dcerpc(b: Uint8Array, start: number, end: number, out: Field[]): void {
  let found = 0;
  for (let r = start; r + 24 <= end && found < 4; r++) {
    if (b[r] !== 5 || b[r + 1] !== 0 || b[r + 2]! > 20 || b[r + 4] !== 0x10) continue;
    const fragLength = u16le(b, r + 8);
    if (fragLength < 16 || fragLength > end - r + 65536) continue;
    found++;
    out.push({ at: r + 3, size: 1, le: true, kind: "dcerpc.pfc_flags" });
    out.push({ at: r + 8, size: 2, le: true, kind: "dcerpc.frag_length" });
    out.push({ at: r + 10, size: 2, le: true, kind: "dcerpc.auth_length" });
    const ptype = b[r + 2]!;
    if (ptype === 0 || ptype === 2) {
      out.push({ at: r + 16, size: 4, le: true, kind: "dcerpc.alloc_hint" });
      if (ptype === 0) out.push({ at: r + 22, size: 2, le: true, kind: "dcerpc.opnum" });
      // NDR counts: aligned words of the stub that hold small numbers.
      const stub = r + 24, stubEnd = Math.min(end, r + fragLength, stub + 512);
      for (let at = stub; at + 4 <= stubEnd; at += 4) {
        const v = u32le(b, at);
        if (v > 0 && v < 0x10000) out.push({ at, size: 4, le: true, kind: "ndr.count" });
      }
    } else if (ptype === 11 || ptype === 14) {
      out.push({ at: r + 24, size: 1, le: true, kind: "dcerpc.bind.contexts" });
    }
  }
}

/** NTLMSSP messages: their type and security buffers. [MS-NLMP] 2.2.1 */
function ntlmssp(b: Uint8Array, start: number, end: number, out: Field[]): void {
  for (let q = start; q + 16 <= end; q++) {
    if (b[q] !== 0x4e || b[q + 1] !== 0x54 || b[q + 7] !== 0) continue;
    if (String.fromCharCode(...b.subarray(q, q + 7)) !== "NTLMSSP") continue;
    out.push({ at: q + 8, size: 4, le: true, kind: "ntlmssp.message_type" });
    const type = u32le(b, q + 8);
    const buffers = type === 1 ? [16, 24] : type === 2 ? [12, 40] : [12, 20, 28, 36, 44, 52];
    for (const off of buffers) {
      if (q + off + 8 > end) break;
      out.push({ at: q + off, size: 2, le: true, kind: "ntlmssp.buffer_length" });
      out.push({ at: q + off + 4, size: 4, le: true, kind: "ntlmssp.buffer_offset" });
    }
    return;
  }
}

/** DER tag-length pairs (SPNEGO, Kerberos) in the payload: the short and the 0x81/0x82 forms. */
function der(b: Uint8Array, start: number, end: number, out: Field[]): void {
  let found = 0;
  for (let at = start; at + 2 < end && found < 24; at++) {
    const tag = b[at]!;
    if (tag !== 0x30 && tag !== 0x60 && tag !== 0x04 && tag !== 0x06 && (tag & 0xe0) !== 0xa0) {
      continue;
    }
    const len = b[at + 1]!;
    if (len > 0 && len < 0x80 && at + 2 + len <= end) {
      out.push({ at: at + 1, size: 1, le: false, kind: "der.length" });
      found++;
    } else if (len === 0x82 && at + 4 <= end && at + 4 + u16be(b, at + 2) <= end) {
      out.push({ at: at + 2, size: 2, le: false, kind: "der.length" });
      found++;
    }
  }
}
