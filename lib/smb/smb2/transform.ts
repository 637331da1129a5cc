/**
 * The TRANSFORM_HEADER of an encrypted message (0xFD 'SMB'). Reported, never
 * decrypted. [MS-SMB2] 2.2.41
 *
 * ```
 * 0 ProtocolId (4)  4 Signature (16)  20 Nonce (16)  36 OriginalMessageSize (4)
 * 40 Reserved (2)   42 Flags/EncryptionAlgorithm (2)  44 SessionId (8)   52 ciphertext
 * ```
 * @module
 */
import type { ParseProblem } from "../types.ts";
import type { Smb2Transform } from "./types.ts";
import { Cursor, readU64, toHex } from "./wire.ts";

/** Size of the transform header. */
export const TRANSFORM_HEADER_SIZE = 52;

/** Flags (3.1.1) / EncryptionAlgorithm (3.0, 3.0.2). [MS-SMB2] 2.2.41 */
export const TransformFlags = { ENCRYPTED: 0x0001 } as const;

/** Reads the header; undefined (with a `truncated` problem) when fewer than 52 bytes are present. */
export function readTransform(
  msg: Uint8Array,
  problems: ParseProblem[],
): Smb2Transform | undefined {
  if (msg.length < TRANSFORM_HEADER_SIZE) {
    problems.push({
      kind: "truncated",
      detail: `SMB2 TRANSFORM_HEADER: ${msg.length} of its ${TRANSFORM_HEADER_SIZE} bytes present`,
    });
    return undefined;
  }
  const c = new Cursor(msg);
  c.skip(4);
  const signature = toHex(c.take(16));
  const nonce = toHex(c.take(16));
  const originalMessageSize = c.u32();
  c.skip(2);
  const flags = c.u16();
  const sessionId = readU64(c);
  const encryptedLength = msg.length - TRANSFORM_HEADER_SIZE;
  if (encryptedLength !== originalMessageSize) {
    problems.push({
      kind: encryptedLength < originalMessageSize ? "truncated" : "malformed",
      detail: `SMB2 TRANSFORM_HEADER: OriginalMessageSize ${originalMessageSize} but ` +
        `${encryptedLength} encrypted bytes follow`,
    });
  }
  return {
    kind: "transform",
    signature,
    nonce,
    originalMessageSize,
    flags,
    sessionId,
    encryptedLength,
  };
}
