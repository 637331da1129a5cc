/**
 * The COMPRESSION_TRANSFORM_HEADER (0xFC 'SMB'), unchained and chained.
 * [MS-SMB2] 2.2.42.1, 2.2.42.2, 2.2.42.2.1 (payload header), 2.2.42.2.2
 * (Pattern_V1 payload); decompressors in xca_*.ts ([MS-XCA]).
 *
 * Unchained: ProtocolId (4), OriginalCompressedSegmentSize (4),
 * CompressionAlgorithm (2), Flags (2) = 0, Offset (4); then Offset bytes sent
 * as they are, then the compressed rest, which decompresses to
 * OriginalCompressedSegmentSize bytes. The message is the two joined.
 *
 * Chained: ProtocolId (4), OriginalCompressedSegmentSize (4, the whole
 * message), then payloads: CompressionAlgorithm (2), Flags (2), Length (4),
 * OriginalPayloadSize (4, for LZNT1, LZ77, LZ77+Huffman and LZ4; counted in
 * Length), data.
 *
 * Every size from the wire is checked against `MAX_DECOMPRESSED_SIZE` (or the
 * caller's cap) before anything is allocated; the output never exceeds the
 * declared size. A caller's {@link DecompressionGate} is asked before any
 * work: it may refuse (a budget spent), and when nobody wants READ/WRITE data
 * a lone READ response or WRITE request is decompressed only as far as its
 * headers (`partial`), so a claimed 16 MiB costs 256 bytes.
 * @module
 */
import type { ParseProblem } from "../types.ts";
import { CompressionAlgorithm as A, compressionAlgorithmName } from "./negotiate_context.ts";
import type { Smb2Compression } from "./types.ts";
import { isSmb2BulkMessage } from "./header.ts";
import { Cursor } from "./wire.ts";
import { decompressLz77 } from "./xca_lz77.ts";
import { decompressLz77Huffman } from "./xca_lz77_huffman.ts";
import { decompressLznt1 } from "./xca_lznt1.ts";

/** The largest decompressed message we allocate (16 MiB, twice the usual 8 MiB MaxTransactSize). */
export const MAX_DECOMPRESSED_SIZE = 16 * 1024 * 1024;
/** Payloads read from one chained message. */
export const MAX_CHAINED_PAYLOADS = 1024;

/** Bytes decompressed first when nobody wants bulk data: a READ/WRITE's headers and fixed fields. */
export const LAZY_PREFIX = 256;

const UNCHAINED_HEADER = 16, CHAINED_HEADER = 8, PAYLOAD_HEADER = 8;
const FLAG_CHAINED = 0x0001;

type Out = ParseProblem[];

/** What a caller lets decompression spend; asked before the work is done. */
export interface DecompressionGate {
  /** Whether anyone wants READ/WRITE data; false: such a message is decompressed only as far as its headers. */
  readonly wantsBulk: boolean;
  /**
   * May `produced` bytes be decompressed from a message of `consumed` bytes?
   * False refuses (the gate has reported why): the message is not decompressed.
   */
  grant(produced: number, consumed: number): boolean;
}

/** What went wrong while filling: a string is `malformed`. */
type Wrong = string | { kind: ParseProblem["kind"]; detail: string } | undefined;

/** Fills `out` (the whole message, or a prefix of it). */
type Fill = (out: Uint8Array) => Wrong;

function report(problems: Out, wrong: Wrong): void {
  if (typeof wrong === "string") problem(problems, "malformed", wrong);
  else if (wrong !== undefined) problem(problems, wrong.kind, wrong.detail);
}

function problem(
  out: Out,
  kind: ParseProblem["kind"],
  detail: string,
  code = `smb2_compression_${kind}`,
): void {
  out.push({ kind, detail: `SMB2 COMPRESSION_TRANSFORM_HEADER: ${detail}`, code });
}

/**
 * Fills `out` from `input` with `algorithm`; `declared` is the payload's size,
 * of which `out` may be a prefix. A string names what went wrong.
 */
function decompress(
  algorithm: number,
  input: Uint8Array,
  out: Uint8Array,
  declared: number = out.length,
): string | undefined {
  let written: number | string;
  switch (algorithm) {
    case A.NONE:
      if (input.length !== declared) {
        return `NONE payload of ${input.length} bytes for ${declared}`;
      }
      out.set(input.subarray(0, out.length));
      return undefined;
    case A.Pattern_V1: {
      if (input.length < 8) return `Pattern_V1 payload of ${input.length} bytes, expected 8`;
      const c = new Cursor(input);
      const pattern = c.u8();
      c.skip(3);
      const repetitions = c.u32();
      if (repetitions !== declared) {
        return `Pattern_V1 Repetitions ${repetitions} for ${declared} bytes`;
      }
      out.fill(pattern);
      return undefined;
    }
    case A.LZ77:
      written = decompressLz77(input, out, declared);
      break;
    case A.LZNT1:
      written = decompressLznt1(input, out, declared);
      break;
    case A["LZ77+Huffman"]:
      written = decompressLz77Huffman(input, out, declared);
      break;
    default:
      return undefined; // the caller checked `supported`
  }
  if (typeof written === "string") return `${compressionAlgorithmName(algorithm)}: ${written}`;
  if (written !== out.length) {
    return `${
      compressionAlgorithmName(algorithm)
    } gave ${written} of the declared ${declared} bytes`;
  }
  return undefined;
}

/**
 * Decompresses a message of `size` bytes through `fill`, within what `gate`
 * allows: first only a prefix when nobody wants bulk data and the message
 * may be bulk, then (unless that prefix shows a READ/WRITE) the whole.
 * Undefined when refused or wrong (a problem added).
 */
function inflate(
  msg: Uint8Array,
  size: number,
  gate: DecompressionGate | undefined,
  problems: Out,
  result: Smb2Compression,
  fill: Fill,
): void {
  let consumed = msg.length;
  if (gate !== undefined && !gate.wantsBulk && size > LAZY_PREFIX) {
    if (!gate.grant(LAZY_PREFIX, consumed)) return;
    consumed = 0;
    const head = new Uint8Array(LAZY_PREFIX);
    const wrong = fill(head);
    if (wrong !== undefined) return report(problems, wrong);
    if (isSmb2BulkMessage(head)) {
      result.decompressed = head;
      result.partial = true;
      return;
    }
  }
  if (gate !== undefined && !gate.grant(size, consumed)) return;
  const whole = new Uint8Array(size);
  const wrong = fill(whole);
  if (wrong !== undefined) return report(problems, wrong);
  result.decompressed = whole;
}

function supported(algorithm: number): boolean {
  return algorithm === A.NONE || algorithm === A.Pattern_V1 || algorithm === A.LZ77 ||
    algorithm === A.LZNT1 || algorithm === A["LZ77+Huffman"];
}

function unsupported(out: Out, algorithm: number): void {
  problem(
    out,
    "unsupported",
    `${compressionAlgorithmName(algorithm)} decompression not implemented`,
  );
}

function tooBig(out: Out, what: string, size: number, cap: number): boolean {
  if (size <= cap) return false;
  problem(
    out,
    "malformed",
    `${what} ${size} exceeds the ${cap}-byte cap; not decompressed`,
    "smb2_compression_too_large",
  );
  return true;
}

function unchained(
  msg: Uint8Array,
  problems: Out,
  cap: number,
  result: Smb2Compression,
  gate: DecompressionGate | undefined,
): void {
  const size = result.originalCompressedSegmentSize, offset = result.offset;
  const algorithm = msg[8]! | (msg[9]! << 8);
  if (size + offset > 0xffff_ffff) {
    // The smbghost rule (lib/detect/rules/smbghost.ts) reads the two numbers from this text.
    problem(
      problems,
      "malformed",
      `Offset ${offset} + OriginalCompressedSegmentSize ${size} overflows 32 bits ` +
        `(the SMBGhost CVE-2020-0796 pattern); not decompressed`,
      "smb2_compression_size_overflow",
    );
    return;
  }
  if (tooBig(problems, "Offset + OriginalCompressedSegmentSize", size + offset, cap)) return;
  if (offset > msg.length - UNCHAINED_HEADER) {
    problem(problems, "malformed", `Offset ${offset} runs past the ${msg.length}-byte message`);
    return;
  }
  if (algorithm === A.NONE) {
    problem(problems, "malformed", "unchained header with algorithm NONE");
  }
  if (!supported(algorithm)) return unsupported(problems, algorithm);
  inflate(msg, offset + size, gate, problems, result, (out) => {
    out.set(msg.subarray(UNCHAINED_HEADER, UNCHAINED_HEADER + Math.min(offset, out.length)));
    const rest = out.subarray(Math.min(offset, out.length));
    return decompress(algorithm, msg.subarray(UNCHAINED_HEADER + offset), rest, size);
  });
}

function chained(
  msg: Uint8Array,
  problems: Out,
  cap: number,
  result: Smb2Compression,
  gate: DecompressionGate | undefined,
): void {
  const size = result.originalCompressedSegmentSize;
  if (tooBig(problems, "OriginalCompressedSegmentSize", size, cap)) return;
  inflate(msg, size, gate, problems, result, (out) => chainedFill(msg, size, out));
}

/** The payloads of a chained message into `out` (all `size` bytes, or a prefix). */
function chainedFill(msg: Uint8Array, size: number, out: Uint8Array): Wrong {
  let at = CHAINED_HEADER, written = 0;
  for (let i = 0; at < msg.length && written < out.length; i++) {
    if (i === MAX_CHAINED_PAYLOADS) return `more than ${MAX_CHAINED_PAYLOADS} chained payloads`;
    if (at + PAYLOAD_HEADER > msg.length) {
      return { kind: "truncated", detail: `payload header ${i + 1} runs past the message` };
    }
    const c = new Cursor(msg.subarray(at, at + PAYLOAD_HEADER));
    const algorithm = c.u16();
    c.skip(2); // Flags
    const length = c.u32();
    const start = at + PAYLOAD_HEADER;
    if (length > msg.length - start) {
      return `payload ${i + 1} Length ${length} runs past the message`;
    }
    let data = msg.subarray(start, start + length);
    let payloadSize: number;
    if (algorithm === A.NONE) payloadSize = length;
    else if (algorithm === A.Pattern_V1) {
      payloadSize = data.length >= 8 ? new Cursor(data.subarray(4)).u32() : 0;
    } else {
      if (length < 4) return `payload ${i + 1} too short for OriginalPayloadSize`;
      payloadSize = new Cursor(data).u32();
      data = data.subarray(4);
    }
    if (payloadSize > size - written) {
      return `payload ${i + 1} (${
        compressionAlgorithmName(algorithm)
      }, ${payloadSize} bytes) runs past OriginalCompressedSegmentSize ${size}`;
    }
    if (!supported(algorithm)) {
      return {
        kind: "unsupported",
        detail: `${compressionAlgorithmName(algorithm)} decompression not implemented`,
      };
    }
    const into = out.subarray(written, Math.min(written + payloadSize, out.length));
    const wrong = decompress(algorithm, data, into, payloadSize);
    if (wrong !== undefined) return `payload ${i + 1}: ${wrong}`;
    written += payloadSize;
    at = start + length;
  }
  if (written < out.length) return `payloads gave ${written} of ${size} bytes`;
  return undefined;
}

/**
 * Reads the header and, when the algorithm is supported, every size is sane
 * and within `cap`, and `gate` (if any) allows it, decompresses the message.
 * Undefined (with a problem) when the header itself is cut short.
 */
export function readCompression(
  msg: Uint8Array,
  problems: ParseProblem[],
  cap: number = MAX_DECOMPRESSED_SIZE,
  gate?: DecompressionGate,
): Smb2Compression | undefined {
  if (msg.length < UNCHAINED_HEADER) {
    problem(problems, "truncated", `${msg.length} of its ${UNCHAINED_HEADER} bytes present`);
    return undefined;
  }
  const c = new Cursor(msg);
  c.skip(4);
  const size = c.u32();
  const algorithm = c.u16();
  const flags = c.u16();
  const offset = c.u32(); // unchained: Offset; chained: the first payload's Length
  const result: Smb2Compression = {
    kind: "compression",
    originalCompressedSegmentSize: size,
    algorithm: compressionAlgorithmName(algorithm),
    chained: (flags & FLAG_CHAINED) !== 0,
    offset,
  };
  if (result.chained) chained(msg, problems, cap, result, gate);
  else unchained(msg, problems, cap, result, gate);
  return result;
}
