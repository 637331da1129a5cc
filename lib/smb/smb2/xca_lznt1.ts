/**
 * LZNT1 decompression. [MS-XCA] 2.5
 *
 * A sequence of chunks, each with a 16-bit header: bit 15 set for a
 * compressed chunk, bits 12-14 the signature 3, bits 0-11 the chunk's size
 * minus 3. A compressed chunk is flag bytes each followed by 8 items, a
 * literal byte or a 16-bit match whose split between offset and length bits
 * depends on how far into the 4096-byte chunk the output is.
 * @module
 */

const CHUNK = 4096;

/**
 * One compressed chunk into `out` at `base`; `size` is the declared size
 * (`out` may be a shorter prefix: decoding stops where it ends).
 */
function chunk(src: Uint8Array, out: Uint8Array, base: number, size: number): number | string {
  let inPos = 0, pos = 0; // pos: bytes produced in this chunk
  while (inPos < src.length) {
    const flags = src[inPos++]!;
    for (let bit = 0; bit < 8 && inPos < src.length; bit++) {
      if ((flags & (1 << bit)) === 0) {
        if (pos >= CHUNK || base + pos >= size) return "chunk output exceeds its size";
        if (base + pos === out.length) return pos;
        out[base + pos++] = src[inPos++]!;
        continue;
      }
      if (inPos + 2 > src.length) return "match runs past its chunk";
      const token = src[inPos]! | (src[inPos + 1]! << 8);
      inPos += 2;
      if (pos === 0) return "match at the start of a chunk";
      let lengthMask = 0x0fff, offsetShift = 12;
      for (let p = pos - 1; p >= 0x10; p >>= 1) {
        lengthMask >>= 1;
        offsetShift--;
      }
      const length = (token & lengthMask) + 3;
      const offset = (token >>> offsetShift) + 1;
      if (offset > pos) return `match offset ${offset} reaches before its chunk`;
      if (pos + length > CHUNK || base + pos + length > size) {
        return "chunk output exceeds its size";
      }
      const end = Math.min(pos + length, out.length - base);
      for (; pos < end; pos++) out[base + pos] = out[base + pos - offset]!;
      if (base + pos === out.length && out.length < size) return pos;
    }
  }
  return pos;
}

/**
 * Decompresses `input` into `out`; returns the bytes written, or a string
 * naming what was wrong. `size` is the declared size, never exceeded; an
 * `out` shorter than it receives only that prefix (decoding stops there).
 */
export function decompressLznt1(
  input: Uint8Array,
  out: Uint8Array,
  size: number = out.length,
): number | string {
  const limit = out.length;
  let inPos = 0, outPos = 0;
  while (inPos + 2 <= input.length) {
    const header = input[inPos]! | (input[inPos + 1]! << 8);
    if (header === 0) break; // end marker
    const length = (header & 0x0fff) + 1; // bytes after the header
    const start = inPos + 2, end = start + length;
    if (end > input.length) return "chunk runs past the input";
    if (header & 0x8000) {
      const produced = chunk(input.subarray(start, end), out, outPos, size);
      if (typeof produced === "string") return produced;
      outPos += produced;
    } else {
      if (outPos + length > size) return `output exceeds the declared ${size} bytes`;
      out.set(input.subarray(start, Math.min(end, start + limit - outPos)), outPos);
      outPos = Math.min(outPos + length, limit);
    }
    if (limit < size && outPos === limit) return outPos; // the prefix asked for is full
    inPos = end;
    // A chunk short of 4096 bytes that is not the last stands for 4096 (the rest zeros).
    if (inPos + 2 <= input.length && (input[inPos]! | input[inPos + 1]!) !== 0) {
      const pad = (CHUNK - (outPos % CHUNK)) % CHUNK;
      if (outPos + pad > size) return `output exceeds the declared ${size} bytes`;
      outPos = Math.min(outPos + pad, limit);
    }
  }
  return outPos;
}
