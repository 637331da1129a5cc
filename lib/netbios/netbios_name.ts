/**
 * NetBIOS names in their first-level encoding, as NBSS session requests
 * carry them. [RFC 1001] 14.1, [RFC 1002] 4.1
 * @module
 */

/**
 * Decode the encoded name at `at`: returns the name as `NAME<xx>` (15
 * characters trimmed, then the suffix byte in hex, as Wireshark shows it)
 * and the offset after it, or undefined when it cannot be framed. A name
 * whose characters are outside the encoding reads `(illegal NetBIOS name)`.
 */
export function decodeNetbiosName(
  b: Uint8Array,
  at: number,
): { name: string; next: number } | undefined {
  const length = b[at];
  if (length !== 32 || at + 1 + 32 > b.length) return undefined;
  const bytes: number[] = [];
  let legal = true;
  for (let i = 0; i < 16; i++) {
    const hi = b[at + 1 + 2 * i]! - 0x41, lo = b[at + 2 + 2 * i]! - 0x41;
    // Outside 'A'..'P' the encoding is illegal; the length still frames it, so go on.
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) legal = false;
    bytes.push(((hi & 15) << 4) | (lo & 15));
  }
  let next = at + 33;
  // Scope labels follow, ended by a zero length; bounded by the buffer.
  const labels: string[] = [];
  while (next < b.length && b[next] !== 0) {
    const n = b[next]!;
    if (n > 63 || next + 1 + n > b.length) return undefined;
    labels.push(String.fromCharCode(...b.subarray(next + 1, next + 1 + n)));
    next += 1 + n;
  }
  next += 1;
  if (!legal) return { name: "(illegal NetBIOS name)", next };
  const text = String.fromCharCode(...bytes.slice(0, 15)).replace(/ +$/, "");
  const suffix = bytes[15]!.toString(16).padStart(2, "0");
  const scope = labels.length ? `.${labels.join(".")}` : "";
  return { name: `${text}<${suffix}>${scope}`, next };
}
