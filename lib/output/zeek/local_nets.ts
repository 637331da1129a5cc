/**
 * Zeek's default `Site::local_nets` (private address space is local), for
 * `local_orig` and `local_resp`.
 * @module
 */

/** IPv4 private and local ranges: [first octet, second octet low, high] ([RFC 1918], [RFC 6598], [RFC 3927], loopback). */
const V4: readonly (readonly [number, number, number])[] = [
  [10, 0, 255],
  [127, 0, 255],
  [172, 16, 31],
  [192, 168, 168],
  [169, 254, 254],
  [100, 64, 127],
];

/** Whether an address (dotted IPv4 or IPv6 text) is in private or local address space. */
export function isLocalAddress(ip: string): boolean {
  if (ip.includes(":")) {
    const v = ip.toLowerCase();
    // ::1, fc00::/7 (unique local), fe80::/10 (link local)
    return v === "::1" || /^f[cd]/.test(v) || /^fe[89ab]/.test(v);
  }
  const [a, b] = ip.split(".").map(Number);
  return V4.some(([first, low, high]) => a === first && b! >= low && b! <= high);
}
