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
 * declared size.
 * @module
 */
import type { ParseProblem } from "../types.ts";
import { CompressionAlgorithm as A, compressionAlgorithmName } from "./negotiate_context.ts";
import type { Smb2Compression } from "./types.ts";
import { Cursor } from "./wire.ts";
import { decompressLz77 } from "./xca_lz77.ts";
import { decompressLz77Huffman } from "./xca_lz77_huffman.ts";
import { decompressLznt1 } from "./xca_lznt1.ts";

/** The largest decompressed message we allocate (16 MiB, twice the usual 8 MiB MaxTransactSize). */
export const MAX_DECOMPRESSED_SIZE = 16 * 1024 * 1024;
/** Payloads read from one chained message. */
export const MAX_CHAINED_PAYLOADS = 1024;

const UNCHAINED_HEADER = 16, CHAINED_HEADER = 8, PAYLOAD_HEADER = 8;
const FLAG_CHAINED = 0x0001;

type Out = ParseProblem[];

function problem(
  out: Out,
  kind: ParseProblem["kind"],
  detail: string,
  code = `smb2_compression_${kind}`,
): void {
  out.push({ kind, detail: `SMB2 COMPRESSION_TRANSFORM_HEADER: ${detail}`, code });
}

/** Fills `out` from `input` with `algorithm`; a string names what went wrong. */
function decompress(algorithm: number, input: Uint8Array, out: Uint8Array): string | undefined {
  let written: number | string;
  switch (algorithm) {
    case A.NONE:
      if (input.length !== out.length) {
        return `NONE payload of ${input.length} bytes for ${out.length}`;
      }
      out.set(input);
      return undefined;
    case A.Pattern_V1: {
      if (input.length < 8) return `Pattern_V1 payload of ${input.length} bytes, expected 8`;
      const c = new Cursor(input);
      const pattern = c.u8();
      c.skip(3);
      const repetitions = c.u32();
      if (repetitions !== out.length) {
        return `Pattern_V1 Repetitions ${repetitions} for ${out.length} bytes`;
      }
      out.fill(pattern);
      return undefined;
    }
    case A.LZ77:
      written = decompressLz77(input, out);
      break;
    case A.LZNT1:
      written = decompressLznt1(input, out);
      break;
    case A["LZ77+Huffman"]:
      written = decompressLz77Huffman(input, out);
      break;
    default:
      return undefined; // the caller checked `supported`
  }
  if (typeof written === "string") return `${compressionAlgorithmName(algorithm)}: ${written}`;
  if (written !== out.length) {
    return `${
      compressionAlgorithmName(algorithm)
    } gave ${written} of the declared ${out.length} bytes`;
  }
  return undefined;
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

function unchained(msg: Uint8Array, problems: Out, cap: number, result: Smb2Compression): void {
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
  const whole = new Uint8Array(offset + size);
  whole.set(msg.subarray(UNCHAINED_HEADER, UNCHAINED_HEADER + offset));
  const wrong = decompress(
    algorithm,
    msg.subarray(UNCHAINED_HEADER + offset),
    whole.subarray(offset),
  );
  if (wrong !== undefined) return problem(problems, "malformed", wrong);
  result.decompressed = whole;
}

function chained(msg: Uint8Array, problems: Out, cap: number, result: Smb2Compression): void {
  const size = result.originalCompressedSegmentSize;
  if (tooBig(problems, "OriginalCompressedSegmentSize", size, cap)) return;
  const whole = new Uint8Array(size);
  let at = CHAINED_HEADER, written = 0;
  for (let i = 0; at < msg.length; i++) {
    if (i === MAX_CHAINED_PAYLOADS) {
      return problem(problems, "malformed", `more than ${MAX_CHAINED_PAYLOADS} chained payloads`);
    }
    if (at + PAYLOAD_HEADER > msg.length) {
      return problem(problems, "truncated", `payload header ${i + 1} runs past the message`);
    }
    const c = new Cursor(msg.subarray(at, at + PAYLOAD_HEADER));
    const algorithm = c.u16();
    c.skip(2); // Flags
    const length = c.u32();
    const start = at + PAYLOAD_HEADER;
    if (length > msg.length - start) {
      return problem(
        problems,
        "malformed",
        `payload ${i + 1} Length ${length} runs past the message`,
      );
    }
    let data = msg.subarray(start, start + length);
    let payloadSize: number;
    if (algorithm === A.NONE) payloadSize = length;
    else if (algorithm === A.Pattern_V1) {
      payloadSize = data.length >= 8 ? new Cursor(data.subarray(4)).u32() : 0;
    } else {
      if (length < 4) {
        return problem(problems, "malformed", `payload ${i + 1} too short for OriginalPayloadSize`);
      }
      payloadSize = new Cursor(data).u32();
      data = data.subarray(4);
    }
    if (payloadSize > size - written) {
      return problem(
        problems,
        "malformed",
        `payload ${i + 1} (${
          compressionAlgorithmName(algorithm)
        }, ${payloadSize} bytes) runs past ` +
          `OriginalCompressedSegmentSize ${size}`,
      );
    }
    if (!supported(algorithm)) return unsupported(problems, algorithm);
    const wrong = decompress(algorithm, data, whole.subarray(written, written + payloadSize));
    if (wrong !== undefined) return problem(problems, "malformed", `payload ${i + 1}: ${wrong}`);
    written += payloadSize;
    at = start + length;
  }
  if (written !== size) {
    return problem(problems, "malformed", `payloads gave ${written} of ${size} bytes`);
  }
  result.decompressed = whole;
}

/**
 * Reads the header and, when the algorithm is supported and every size is
 * sane and within `cap`, decompresses the message. Undefined (with a
 * problem) when the header itself is cut short.
 */
export function readCompression(
  msg: Uint8Array,
  problems: ParseProblem[],
  cap: number = MAX_DECOMPRESSED_SIZE,
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
  if (result.chained) chained(msg, problems, cap, result);
  else unchained(msg, problems, cap, result);
  return result;
}
