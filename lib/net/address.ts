/**
 * Text forms of IP addresses.
 * @module
 */

/**
 * An IPv4 (4 bytes) or IPv6 (16 bytes) address as text: dotted decimal, or
 * RFC 5952 section 4 for IPv6 (lower-case hex without leading zeros, the longest
 * run of two or more zero groups shortened to `::`, the first such run on a tie,
 * and `::ffff:a.b.c.d` for IPv4-mapped addresses). Any other length gives hex
 * bytes separated by `:` (never throws).
 */
export function formatIp(bytes: Uint8Array): string {
  // Joined, not templated: a template of 13 characters or more is a string of pieces, which
  // `JSON.stringify` writes on its slow path (every event carries its addresses).
  if (bytes.length === 4) return [bytes[0], bytes[1], bytes[2], bytes[3]].join(".");
  if (bytes.length !== 16) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(":");
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952 section 5: IPv4-mapped addresses keep their dotted tail.
  if (
    groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 &&
    groups[4] === 0 && groups[5] === 0xffff
  ) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  let bestAt = -1, bestLen = 1; // a single zero group is never shortened (4.2.2)
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i]; // strictly longer: first run wins ties (4.2.3)
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups.slice(from, to).map((g) => g.toString(16)).join(":");
  if (bestAt < 0) return hex(0, 8);
  return `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}
