/**
 * SMB messages for hostile captures, built field by field from the specs
 * ([MS-SMB2] 2.2.1 header, 2.2.28 ECHO, 2.2.21 WRITE, 2.2.42 compression
 * transform; [MS-XCA] 2.3 LZ77; [MS-CIFS] 2.2.3.4 AndX; RFC 1002 NBSS).
 * @module
 */

/** SMB2 command codes used here. [MS-SMB2] 2.2.1.2 */
export const SMB2_WRITE = 0x09, SMB2_ECHO = 0x0d;
/** CompressionAlgorithm values. [MS-SMB2] 2.2.3.1.3 */
export const LZ77 = 0x0002, PATTERN_V1 = 0x0004;
/** The largest decompressed size smbscope accepts for one message (16 MiB). */
export const MAX_DECOMPRESSED = 16 * 1024 * 1024;

/** An NBSS session message around `body`. RFC 1002 4.3.1 */
export function nbss(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[1] = (body.length >>> 16) & 0xff;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

/** Fields of a 64-byte SMB2 sync header. [MS-SMB2] 2.2.1.2 */
export interface Smb2HeaderFields {
  command: number;
  messageId: number;
  response?: boolean;
  nextCommand?: number;
  sessionId?: number;
  treeId?: number;
}

/** A 64-byte SMB2 header. */
export function smb2Header(h: Smb2HeaderFields): Uint8Array {
  const b = new Uint8Array(64);
  const v = new DataView(b.buffer);
  b.set([0xfe, 0x53, 0x4d, 0x42]);
  v.setUint16(4, 64, true);
  v.setUint16(6, 1, true); // CreditCharge
  v.setUint16(12, h.command, true);
  v.setUint16(14, 1, true); // CreditRequest/CreditResponse
  v.setUint32(16, h.response ? 1 : 0, true); // SERVER_TO_REDIR
  v.setUint32(20, h.nextCommand ?? 0, true);
  v.setUint32(24, h.messageId, true);
  v.setUint32(36, h.treeId ?? 0, true);
  v.setUint32(40, h.sessionId ?? 0, true);
  return b;
}

/** An ECHO request or response (StructureSize 4, Reserved). [MS-SMB2] 2.2.28, 2.2.29 */
export function smb2Echo(messageId: number, response: boolean): Uint8Array {
  const b = new Uint8Array(68);
  b.set(smb2Header({ command: SMB2_ECHO, messageId, response }));
  b[64] = 4;
  return b;
}

/**
 * The header and fixed fields (112 bytes) of a WRITE request of `length`
 * bytes at file offset 0, its data at DataOffset 112. [MS-SMB2] 2.2.21
 */
export function smb2WriteHead(messageId: number, length: number, fileId: number): Uint8Array {
  const b = new Uint8Array(112);
  b.set(smb2Header({ command: SMB2_WRITE, messageId, sessionId: 1, treeId: 1 }));
  const v = new DataView(b.buffer);
  v.setUint16(64, 49, true); // StructureSize
  v.setUint16(66, 112, true); // DataOffset
  v.setUint32(68, length, true);
  v.setUint32(80, fileId, true); // FileId.Persistent (low word)
  v.setUint32(88, fileId, true); // FileId.Volatile (low word)
  return b;
}

/**
 * [MS-XCA] LZ77 of one literal byte then one match that repeats it: `size`
 * bytes of `byte` in 15 bytes. Flags 0x7fffffff (a literal, a match, then
 * ones past the end of the input), the match word 0x0007 (offset 1, length
 * code 7), then the length escapes: half byte 15, byte 255, u16 0, u32
 * `size` - 1 - 3. [MS-XCA] 2.3.4
 */
export function lz77Run(byte: number, size: number): Uint8Array {
  const b = new Uint8Array(15);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x7fffffff, true);
  b[4] = byte;
  v.setUint16(5, 0x0007, true);
  b[7] = 0x0f;
  b[8] = 0xff;
  v.setUint16(9, 0, true);
  v.setUint32(11, size - 1 - 3, true);
  return b;
}

/**
 * An unchained COMPRESSION_TRANSFORM_HEADER: `plain` sent as it is (Offset),
 * then `compressed`, which decompresses to `size` bytes. [MS-SMB2] 2.2.42.1
 */
export function unchained(
  algorithm: number,
  size: number,
  plain: Uint8Array,
  compressed: Uint8Array,
): Uint8Array {
  const b = new Uint8Array(16 + plain.length + compressed.length);
  const v = new DataView(b.buffer);
  b.set([0xfc, 0x53, 0x4d, 0x42]);
  v.setUint32(4, size, true);
  v.setUint16(8, algorithm, true);
  v.setUint32(12, plain.length, true);
  b.set(plain, 16);
  b.set(compressed, 16 + plain.length);
  return b;
}

/**
 * A chained COMPRESSION_TRANSFORM_HEADER holding one Pattern_V1 payload:
 * `size` repetitions of `byte`, in 24 bytes. [MS-SMB2] 2.2.42.2, 2.2.42.2.2
 */
export function patternBomb(byte: number, size: number): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  b.set([0xfc, 0x53, 0x4d, 0x42]);
  v.setUint32(4, size, true);
  v.setUint16(8, PATTERN_V1, true);
  v.setUint16(10, 0x0001, true); // SMB2_COMPRESSION_FLAG_CHAINED
  v.setUint32(12, 8, true);
  b[16] = byte;
  v.setUint32(20, size, true);
  return b;
}

/** The 35-byte LZ77 bomb: 31 bytes of SMB2 claiming `size` bytes of 0xfe, one match. */
export function lz77Bomb(size: number = MAX_DECOMPRESSED): Uint8Array {
  return unchained(LZ77, size, new Uint8Array(0), lz77Run(0xfe, size));
}

/**
 * A WRITE request of `length` bytes of 0x41 compressed into 143 bytes: its
 * header and fixed fields sent as they are, the data as one LZ77 run.
 */
export function compressedWrite(messageId: number, length: number, fileId: number): Uint8Array {
  return unchained(LZ77, length, smb2WriteHead(messageId, length, fileId), lz77Run(0x41, length));
}

/**
 * An SMB1 message of `count` LOGOFF_ANDX commands, each linking forward to
 * the next (the last ends the chain): a chain longer than any client sends.
 * [MS-CIFS] 2.2.4.54 (LOGOFF_ANDX: WordCount 2, AndXCommand, AndXReserved,
 * AndXOffset; ByteCount 0)
 */
export function smb1LogoffChain(count: number, mid: number): Uint8Array {
  const size = 7;
  const b = new Uint8Array(32 + count * size);
  const v = new DataView(b.buffer);
  b.set([0xff, 0x53, 0x4d, 0x42, 0x74]); // LOGOFF_ANDX
  b[13] = 0x01; // Flags2 low byte: LONG_NAMES
  v.setUint16(28, 1, true); // UID
  v.setUint16(30, mid, true);
  for (let i = 0; i < count; i++) {
    const at = 32 + i * size;
    b[at] = 2;
    b[at + 1] = i + 1 < count ? 0x74 : 0xff;
    v.setUint16(at + 3, i + 1 < count ? at + size : 0, true);
  }
  return b;
}

/**
 * The 32-byte SMB1 header of a request at the start of `b` (TID, PID and UID 1;
 * Flags2 UNICODE, NT_STATUS, EXTENDED_SECURITY, LONG_NAMES...), and its
 * WordCount. [MS-CIFS] 2.2.3.1
 */
function smb1Request(b: Uint8Array, command: number, mid: number, words: number): void {
  const v = new DataView(b.buffer, b.byteOffset);
  b.set([0xff, 0x53, 0x4d, 0x42, command]);
  b[9] = 0x18; // Flags: CASE_INSENSITIVE, CANONICALIZED_PATHS
  v.setUint16(10, 0xc803, true);
  v.setUint16(24, 1, true); // TID
  v.setUint16(26, 1, true); // PIDLow
  v.setUint16(28, 1, true); // UID
  v.setUint16(30, mid, true);
  b[32] = words;
}

/**
 * The primary NT_TRANSACT request of a transaction announcing `total` data
 * bytes and carrying the first 8 (0x42): the rest would come in
 * NT_TRANSACT_SECONDARY requests. [MS-CIFS] 2.2.4.62.1 (WordCount 19 with no
 * setup words; counts and offsets are 32-bit)
 */
export function smb1NtTransactPrimary(mid: number, total: number): Uint8Array {
  const words = 19, dataOffset = 32 + 1 + words * 2 + 2;
  const b = new Uint8Array(dataOffset + 8).fill(0x42, dataOffset);
  const v = new DataView(b.buffer);
  smb1Request(b, 0xa0, mid, words); // NT_TRANSACT
  v.setUint32(33 + 7, total, true); // TotalDataCount (MaxSetupCount, Reserved1, TotalParameterCount 0 before)
  v.setUint32(33 + 27, 8, true); // DataCount
  v.setUint32(33 + 31, dataOffset, true); // DataOffset
  v.setUint16(33 + 36, 1, true); // Function: NT_TRANSACT_CREATE
  v.setUint16(33 + 38, 8, true); // ByteCount
  return b;
}

/**
 * A WRITE_ANDX request of `data` at `offset` to `fid` (TID, PID and UID 1).
 * [MS-CIFS] 2.2.4.43.1 (WordCount 14: AndX block, FID, Offset, Timeout,
 * WriteMode, Remaining, DataLengthHigh, DataLength, DataOffset, OffsetHigh)
 */
export function smb1WriteAndx(
  mid: number,
  fid: number,
  offset: number,
  data: Uint8Array,
): Uint8Array {
  const words = 14, params = 33, dataOffset = params + words * 2 + 2;
  const b = new Uint8Array(dataOffset + data.length);
  const v = new DataView(b.buffer);
  smb1Request(b, 0x2f, mid, words); // WRITE_ANDX
  b[params] = 0xff; // AndXCommand: none
  v.setUint16(params + 4, fid, true);
  v.setUint32(params + 6, offset, true);
  v.setUint16(params + 20, data.length, true); // DataLength
  v.setUint16(params + 22, dataOffset, true); // DataOffset
  v.setUint16(params + 28, data.length, true); // ByteCount
  b.set(data, dataOffset);
  return b;
}

/** An SMB2 compound of `count` ECHO requests chained by NextCommand (72 bytes each, 8-aligned). */
export function smb2EchoCompound(count: number, firstId: number): Uint8Array {
  const size = 72;
  const b = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) {
    const h = smb2Header({
      command: SMB2_ECHO,
      messageId: firstId + i,
      nextCommand: i + 1 < count ? size : 0,
    });
    b.set(h, i * size);
    b[i * size + 64] = 4;
  }
  return b;
}

/** An SMB2 compound whose second message's NextCommand points back at the first. */
export function smb2CompoundLoop(messageId: number): Uint8Array {
  const b = smb2EchoCompound(3, messageId);
  new DataView(b.buffer).setUint32(72 + 20, 0xffff_ffb8, true); // -72: back to the first
  return b;
}
