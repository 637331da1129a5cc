/**
 * LZ77+Huffman decompression. [MS-XCA] 2.2 (format in 2.1)
 *
 * The output comes in blocks of 65536 bytes. Each block starts with 256 bytes
 * holding the 4-bit code lengths of 512 symbols (0-255 literals, 256-511
 * matches: low 4 bits a length code, high 4 bits the offset's bit count);
 * then a bit stream read most significant bit first from 16-bit
 * little-endian words. Decoding stops when the declared size is reached.
 * @module
 */

const SYMBOLS = 512, TABLE_BITS = 15, BLOCK = 65536;

/** The canonical code: a 2^15-entry table from the next 15 bits to a symbol. */
function decodingTable(lengths: Uint8Array): Uint16Array | string {
  const table = new Uint16Array(1 << TABLE_BITS);
  let entry = 0;
  for (let bits = 1; bits <= TABLE_BITS; bits++) {
    for (let symbol = 0; symbol < SYMBOLS; symbol++) {
      if (lengths[symbol] !== bits) continue;
      const count = 1 << (TABLE_BITS - bits);
      if (entry + count > table.length) return "Huffman code lengths overflow the table";
      table.fill(symbol, entry, entry + count);
      entry += count;
    }
  }
  if (entry !== table.length) return "Huffman code lengths do not fill the table";
  return table;
}

/**
 * Decompresses `input` into `out`; returns the bytes written, or a string
 * naming what was wrong. `size` is the declared size, which ends the stream;
 * an `out` shorter than it receives only that prefix (decoding stops there).
 */
export function decompressLz77Huffman(
  input: Uint8Array,
  out: Uint8Array,
  size: number = out.length,
): number | string {
  const limit = out.length;
  let inPos = 0, outPos = 0;
  const lengths = new Uint8Array(SYMBOLS);
  // Reads past the end give zeros: the stream's last words are read ahead.
  const u16 = (at: number) => (input[at] ?? 0) | ((input[at + 1] ?? 0) << 8);
  while (outPos < limit) {
    if (inPos + 256 > input.length) return "block's Huffman table runs past the input";
    for (let i = 0; i < 256; i++) {
      const b = input[inPos + i]!;
      lengths[2 * i] = b & 0x0f;
      lengths[2 * i + 1] = b >>> 4;
    }
    const table = decodingTable(lengths);
    if (typeof table === "string") return table;
    let pos = inPos + 256;
    let bits = ((u16(pos) << 16) | u16(pos + 2)) >>> 0;
    pos += 4;
    let extra = 16;
    const refill = () => {
      if (extra < 0) {
        bits = (bits | (u16(pos) << -extra)) >>> 0;
        extra += 16;
        pos += 2;
      }
    };
    const blockEnd = Math.min(outPos + BLOCK, limit);
    while (outPos < blockEnd) {
      if (pos > input.length + 4) return "bit stream runs past the input";
      const symbol = table[bits >>> (32 - TABLE_BITS)]!;
      const length = lengths[symbol]!;
      bits = (bits << length) >>> 0;
      extra -= length;
      refill();
      if (symbol < 256) {
        out[outPos++] = symbol;
        continue;
      }
      let matchLength = (symbol - 256) & 15;
      const offsetBits = (symbol - 256) >>> 4;
      if (matchLength === 15) {
        if (pos >= input.length) return "match length runs past the input";
        matchLength = input[pos++]!;
        if (matchLength === 255) {
          if (pos + 2 > input.length) return "match length runs past the input";
          matchLength = u16(pos);
          pos += 2;
          if (matchLength < 15) return `match length ${matchLength} is below its minimum`;
          matchLength -= 15;
        }
        matchLength += 15;
      }
      matchLength += 3;
      const offset = (offsetBits === 0 ? 0 : bits >>> (32 - offsetBits)) + (1 << offsetBits);
      bits = offsetBits === 0 ? bits : (bits << offsetBits) >>> 0;
      extra -= offsetBits;
      refill();
      if (offset > outPos) return `match offset ${offset} reaches before the output's start`;
      if (matchLength > size - outPos) return `output exceeds the declared ${size} bytes`;
      const end = Math.min(outPos + matchLength, limit);
      for (; outPos < end; outPos++) out[outPos] = out[outPos - offset]!;
    }
    inPos = pos;
  }
  return outPos;
}
