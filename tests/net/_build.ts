/**
 * Test-only builders for hand-made hostile packets (real captures are in fixtures/net/).
 * @module
 */
import { concat } from "../_support/bytes.ts";

export { concat };

export const A4 = new Uint8Array([10, 0, 0, 1]);
export const B4 = new Uint8Array([10, 0, 0, 2]);
export const A6 = new Uint8Array([0xfd, 0, ...new Array(13).fill(0), 1]);
export const B6 = new Uint8Array([0xfd, 0, ...new Array(13).fill(0), 2]);

export interface V4 {
  protocol?: number;
  id?: number;
  /** Fragment offset in bytes (a multiple of 8). */
  offset?: number;
  more?: boolean;
  ihl?: number;
  totalLength?: number;
  src?: Uint8Array;
  dst?: Uint8Array;
}

/** An IPv4 datagram (checksum left 0: nobody checks it). */
export function ipv4(payload: Uint8Array, o: V4 = {}): Uint8Array {
  const ihl = o.ihl ?? 5;
  const h = new Uint8Array(Math.max(20, ihl * 4));
  const total = o.totalLength ?? h.length + payload.length;
  const frag = ((o.offset ?? 0) >> 3) | (o.more ? 0x2000 : 0);
  h.set([
    0x40 | ihl,
    0,
    total >> 8,
    total & 0xff,
    (o.id ?? 1) >> 8,
    (o.id ?? 1) & 0xff,
    frag >> 8,
    frag & 0xff,
  ]);
  h[8] = 64;
  h[9] = o.protocol ?? 17;
  h.set(o.src ?? A4, 12);
  h.set(o.dst ?? B4, 16);
  return concat(h, payload);
}

/** An IPv6 datagram whose payload starts with next header `nh`. */
export function ipv6(nh: number, payload: Uint8Array, src = A6, dst = B6): Uint8Array {
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h[4] = payload.length >> 8;
  h[5] = payload.length & 0xff;
  h[6] = nh;
  h[7] = 64;
  h.set(src, 8);
  h.set(dst, 24);
  return concat(h, payload);
}

/** An IPv6 fragment header. */
export function frag6(nh: number, offset: number, more: boolean, id: number): Uint8Array {
  const fo = offset | (more ? 1 : 0);
  return new Uint8Array([
    nh,
    0,
    fo >> 8,
    fo & 0xff,
    id >>> 24,
    (id >> 16) & 0xff,
    (id >> 8) & 0xff,
    id & 0xff,
  ]);
}

/** A generic IPv6 extension header (options, routing) of `units` 8-byte units. */
export function ext(nh: number, units = 1): Uint8Array {
  const h = new Uint8Array(units * 8);
  h[0] = nh;
  h[1] = units - 1;
  return h;
}

/** An Ethernet II frame. */
export function eth(etherType: number, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(14);
  h.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, etherType >> 8, etherType & 0xff]);
  return concat(h, payload);
}

/** Bytes 0, 1, 2, ... (mod 251) of length n: every offset distinguishable. */
export function pattern(n: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i + seed) % 251);
}

/** Split `payload` into IPv4 fragments of `size` bytes (a multiple of 8). */
export function fragments4(payload: Uint8Array, size: number, o: V4 = {}): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += size) {
    const part = payload.subarray(off, off + size);
    out.push(ipv4(part, { ...o, offset: off, more: off + size < payload.length }));
  }
  return out;
}

/** Split `payload` (upper layer `nh`) into IPv6 fragments of `size` bytes. */
export function fragments6(nh: number, payload: Uint8Array, size: number, id = 7): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += size) {
    const part = payload.subarray(off, off + size);
    out.push(ipv6(44, concat(frag6(nh, off, off + size < payload.length, id), part)));
  }
  return out;
}

/** Every permutation of 0..n-1 (n small). */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])
  );
}
