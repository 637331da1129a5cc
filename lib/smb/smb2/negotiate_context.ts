/**
 * SMB 3.1.1 negotiate contexts. [MS-SMB2] 2.2.3.1 (request), 2.2.4.1 (response)
 *
 * Each context is ContextType (2), DataLength (2), Reserved (4), Data, and the
 * next starts at the following 8-byte boundary. The walk stops at the declared
 * count, at the end of the message, or at a context whose DataLength runs past
 * the end; counts inside a context are read within its DataLength only.
 *
 * Fields of each element of `negotiateContexts`: `type`, `typeName`,
 * `dataLength`, and by type:
 * - PREAUTH_INTEGRITY_CAPABILITIES: `hashAlgorithms`, `hashAlgorithmNames`, `saltLength`, `salt` (hex)
 * - ENCRYPTION_CAPABILITIES: `ciphers`, `cipherNames`
 * - COMPRESSION_CAPABILITIES: `compressionAlgorithms`, `compressionAlgorithmNames`,
 *   `compressionFlags`, `compressionFlagNames`
 * - NETNAME_NEGOTIATE_CONTEXT_ID: `netName`
 * - TRANSPORT_CAPABILITIES: `transportFlags`, `transportFlagNames`
 * - RDMA_TRANSFORM_CAPABILITIES: `rdmaTransforms`, `rdmaTransformNames`
 * - SIGNING_CAPABILITIES: `signingAlgorithms`, `signingAlgorithmNames`
 * @module
 */
import type { JsonValue } from "../json.ts";
import type { Smb2Body } from "./body.ts";
import { align8, Cursor, enumLookup, flagNames, toHex, utf16 } from "./wire.ts";

/** Context types. [MS-SMB2] 2.2.3.1 ContextType */
export const NegotiateContextType = {
  PREAUTH_INTEGRITY_CAPABILITIES: 0x0001,
  ENCRYPTION_CAPABILITIES: 0x0002,
  COMPRESSION_CAPABILITIES: 0x0003,
  NETNAME_NEGOTIATE_CONTEXT_ID: 0x0005,
  TRANSPORT_CAPABILITIES: 0x0006,
  RDMA_TRANSFORM_CAPABILITIES: 0x0007,
  SIGNING_CAPABILITIES: 0x0008,
  CONTEXTTYPE_RESERVED: 0x0100,
} as const;
export const negotiateContextTypeName: (t: number) => string = enumLookup(
  NegotiateContextType,
  4,
);

/** Preauth integrity hash algorithms. [MS-SMB2] 2.2.3.1.1 */
export const HashAlgorithm = { "SHA-512": 0x0001 } as const;
export const hashAlgorithmName: (v: number) => string = enumLookup(HashAlgorithm, 4);

/** Ciphers. [MS-SMB2] 2.2.3.1.2 */
export const Cipher = {
  "AES-128-CCM": 0x0001,
  "AES-128-GCM": 0x0002,
  "AES-256-CCM": 0x0003,
  "AES-256-GCM": 0x0004,
} as const;
export const cipherName: (v: number) => string = enumLookup(Cipher, 4);

/** Compression algorithms, also used by the compression transform. [MS-SMB2] 2.2.3.1.3 */
export const CompressionAlgorithm = {
  NONE: 0x0000,
  LZNT1: 0x0001,
  LZ77: 0x0002,
  "LZ77+Huffman": 0x0003,
  Pattern_V1: 0x0004,
  LZ4: 0x0005,
} as const;
export const compressionAlgorithmName: (v: number) => string = enumLookup(
  CompressionAlgorithm,
  4,
);

/** COMPRESSION_CAPABILITIES Flags. [MS-SMB2] 2.2.3.1.3 */
export const CompressionCapabilityFlags = { CHAINED: 0x0000_0001 } as const;

/** TRANSPORT_CAPABILITIES Flags. [MS-SMB2] 2.2.3.1.5 */
export const TransportCapabilityFlags = { ACCEPT_TRANSPORT_LEVEL_SECURITY: 0x0000_0001 } as const;

/** RDMA transform ids. [MS-SMB2] 2.2.3.1.6 */
export const RdmaTransform = { NONE: 0x0000, ENCRYPTION: 0x0001, SIGNING: 0x0002 } as const;
export const rdmaTransformName: (v: number) => string = enumLookup(RdmaTransform, 4);

/** Signing algorithms. [MS-SMB2] 2.2.3.1.7 */
export const SigningAlgorithm = {
  "HMAC-SHA256": 0x0000,
  "AES-CMAC": 0x0001,
  "AES-GMAC": 0x0002,
} as const;
export const signingAlgorithmName: (v: number) => string = enumLookup(SigningAlgorithm, 4);

/** Reads `count` 16-bit ids, within the context's data. */
function ids(c: Cursor, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(c.u16());
  return out;
}

function decodeData(type: number, data: Uint8Array, ctx: { [key: string]: JsonValue }): void {
  const c = new Cursor(data);
  switch (type) {
    case NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES: {
      const count = c.u16(), saltLength = c.u16();
      const hashes = ids(c, count);
      ctx.hashAlgorithms = hashes;
      ctx.hashAlgorithmNames = hashes.map(hashAlgorithmName);
      ctx.saltLength = saltLength;
      ctx.salt = toHex(c.take(saltLength));
      break;
    }
    case NegotiateContextType.ENCRYPTION_CAPABILITIES: {
      const ciphers = ids(c, c.u16());
      ctx.ciphers = ciphers;
      ctx.cipherNames = ciphers.map(cipherName);
      break;
    }
    case NegotiateContextType.COMPRESSION_CAPABILITIES: {
      const count = c.u16();
      c.skip(2); // Padding
      const flags = c.u32();
      ctx.compressionFlags = flags;
      ctx.compressionFlagNames = flagNames(flags, CompressionCapabilityFlags);
      const algorithms = ids(c, count);
      ctx.compressionAlgorithms = algorithms;
      ctx.compressionAlgorithmNames = algorithms.map(compressionAlgorithmName);
      break;
    }
    case NegotiateContextType.NETNAME_NEGOTIATE_CONTEXT_ID:
      ctx.netName = utf16(data);
      break;
    case NegotiateContextType.TRANSPORT_CAPABILITIES: {
      const flags = c.u32();
      ctx.transportFlags = flags;
      ctx.transportFlagNames = flagNames(flags, TransportCapabilityFlags);
      break;
    }
    case NegotiateContextType.RDMA_TRANSFORM_CAPABILITIES: {
      const count = c.u16();
      c.skip(6); // Reserved1, Reserved2
      const transforms = ids(c, count);
      ctx.rdmaTransforms = transforms;
      ctx.rdmaTransformNames = transforms.map(rdmaTransformName);
      break;
    }
    case NegotiateContextType.SIGNING_CAPABILITIES: {
      const algorithms = ids(c, c.u16());
      ctx.signingAlgorithms = algorithms;
      ctx.signingAlgorithmNames = algorithms.map(signingAlgorithmName);
      break;
    }
  }
}

/**
 * Walks `count` contexts from `offset` (from the header start) into
 * `fields.negotiateContexts`. Never reads outside the message.
 */
export function readNegotiateContexts(b: Smb2Body, offset: number, count: number): void {
  const list: JsonValue[] = [];
  b.fields.negotiateContexts = list;
  if (count === 0) return;
  if (offset < 64 || offset >= b.msg.length) {
    b.problem(
      "malformed",
      `NegotiateContextOffset ${offset} with ${count} contexts lies outside the ${b.msg.length}-byte message`,
    );
    return;
  }
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 8 > b.msg.length) {
      b.problem(
        "malformed",
        `negotiate context ${i + 1} of ${count} at offset ${at} runs past the end of the message`,
      );
      return;
    }
    const head = new Cursor(b.msg.subarray(at, at + 8));
    const type = head.u16(), dataLength = head.u16();
    const typeName = negotiateContextTypeName(type);
    const ctx: { [key: string]: JsonValue } = { type, typeName, dataLength };
    list.push(ctx);
    const start = at + 8;
    if (start + dataLength > b.msg.length) {
      b.problem(
        "malformed",
        `negotiate context ${typeName} DataLength ${dataLength} runs past the end of the message`,
      );
      return;
    }
    b.guard(`negotiate context ${typeName}`, () => {
      decodeData(type, b.msg.subarray(start, start + dataLength), ctx);
    });
    // The server's choice of cipher, for encrypted messages (and their decryption).
    const record = b.out.record;
    if (
      record?.kind === "negotiate_response" && Array.isArray(ctx.ciphers) &&
      typeof ctx.ciphers[0] === "number"
    ) {
      record.cipher = ctx.ciphers[0];
      record.cipherName = cipherName(ctx.ciphers[0]);
    }
    if (
      record?.kind === "negotiate_response" && Array.isArray(ctx.signingAlgorithms) &&
      typeof ctx.signingAlgorithms[0] === "number"
    ) record.signingAlgorithmName = signingAlgorithmName(ctx.signingAlgorithms[0]);
    at = align8(start + dataLength);
  }
}
