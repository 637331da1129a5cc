/**
 * Plain LZ77 decompression. [MS-XCA] 2.4 (format in 2.3)
 *
 * 32-bit flag words (read most significant bit first) say whether each item
 * is a literal byte or a match: a 16-bit word with the offset - 1 in its top
 * 13 bits and a length code in its low 3, extended by a shared half-byte, a
 * byte, then 16 or 32 bits.
 * @module
 */

/**
 * Decompresses `input` into `out`; returns the bytes written, or a string
 * naming what was wrong. `size` is the declared size, never exceeded; an
 * `out` shorter than it receives only that prefix (decoding stops there).
 */
export function decompressLz77(
  input: Uint8Array,
  out: Uint8Array,
  size: number = out.length,
): number | string {
  const limit = out.length;
  let inPos = 0, outPos = 0;
  let flags = 0, flagCount = 0;
  let lastHalfByte = -1;
  const u16 = (at: number) => input[at]! | (input[at + 1]! << 8);
  for (;;) {
    if (flagCount === 0) {
      if (inPos + 4 > input.length) return outPos;
      flags = (input[inPos]! | (input[inPos + 1]! << 8) | (input[inPos + 2]! << 16) |
        (input[inPos + 3]! << 24)) >>> 0;
      inPos += 4;
      flagCount = 32;
    }
    flagCount--;
    if ((flags & (1 << flagCount)) === 0) {
      if (inPos >= input.length) return outPos;
      if (outPos >= size) return `output exceeds the declared ${size} bytes`;
      if (outPos === limit) return outPos; // a prefix was asked for, and it is full
      out[outPos++] = input[inPos++]!;
      continue;
    }
    if (inPos === input.length) return outPos;
    if (inPos + 2 > input.length) return "match runs past the input";
    const matchBytes = u16(inPos);
    inPos += 2;
    let length = matchBytes & 7;
    const offset = (matchBytes >>> 3) + 1;
    if (length === 7) {
      if (lastHalfByte < 0) {
        if (inPos >= input.length) return "match length runs past the input";
        length = input[inPos]! & 0x0f;
        lastHalfByte = inPos++;
      } else {
        length = input[lastHalfByte]! >>> 4;
        lastHalfByte = -1;
      }
      if (length === 15) {
        if (inPos >= input.length) return "match length runs past the input";
        length = input[inPos++]!;
        if (length === 255) {
          if (inPos + 2 > input.length) return "match length runs past the input";
          length = u16(inPos);
          inPos += 2;
          if (length === 0) {
            if (inPos + 4 > input.length) return "match length runs past the input";
            length = (u16(inPos) | (u16(inPos + 2) << 16)) >>> 0;
            inPos += 4;
          }
          if (length < 15 + 7) return `match length ${length} is below its minimum`;
          length -= 15 + 7;
        }
        length += 15;
      }
      length += 7;
    }
    length += 3;
    if (offset > outPos) return `match offset ${offset} reaches before the output's start`;
    if (length > size - outPos) return `output exceeds the declared ${size} bytes`;
    const end = Math.min(outPos + length, limit);
    for (; outPos < end; outPos++) out[outPos] = out[outPos - offset]!;
    if (end < size && end === limit) return outPos;
  }
}
