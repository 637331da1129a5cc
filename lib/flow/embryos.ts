/**
 * IPv4 TCP connections that have carried nothing yet (SYNs, SYN-ACKs, bare
 * ACKs), kept as rows of typed arrays instead of objects. A SYN flood or a
 * port scan fills the connection table with them: as objects they were the
 * largest live state of such a capture and, once evicted, the largest
 * garbage of V8's old generation, which V8 lets grow to several times the
 * live size. A row costs about 90 bytes and no object at all: rows are found
 * by their addresses and ports in an open-addressing index (a Map keyed by
 * strings reallocated its backing store every few ten thousand SYNs, each
 * time megabytes). A connection becomes an object at its first payload, FIN
 * or RST.
 * @module
 */

/** Bits of a row's `flags`. */
export const EmbryoFlag = {
  /** Orientation: 0 syn, 1 port, 2 first_packet (two bits). */
  ORIENTATION: 3,
  CLIENT_ISN: 4,
  SERVER_ISN: 8,
  CLIENT_ACK: 16,
  SERVER_ACK: 32,
} as const;

const NONE = -1;

/** The rows, a free list, a key index and a least-recently-active list. */
export class Embryos {
  /** Rows in use. */
  size = 0;
  #capacity = 0;
  #free: number[] = [];
  /** Open addressing, linear probing: row + 1, or 0 for an empty slot; twice the rows. */
  #index = new Int32Array(0);
  #mask = 0;
  id = new Int32Array(0);
  firstFrame = new Int32Array(0);
  lastFrame = new Int32Array(0);
  /** Client and server IPv4 addresses, signed. */
  clientIp = new Int32Array(0);
  serverIp = new Int32Array(0);
  /** Client port in the high half, server port in the low. */
  ports = new Uint32Array(0);
  clientIsn = new Int32Array(0);
  serverIsn = new Int32Array(0);
  clientAck = new Int32Array(0);
  serverAck = new Int32Array(0);
  clientPackets = new Int32Array(0);
  serverPackets = new Int32Array(0);
  flags = new Uint8Array(0);
  start = new Float64Array(0);
  lastTs = new Float64Array(0);
  #prev = new Int32Array(0);
  #next = new Int32Array(0);
  /** Least and most recently active rows, or -1. */
  oldest = NONE;
  newest = NONE;

  /** The row of the conversation between `a`:`pa` and `b`:`pb` (either way round), or -1. */
  find(a: number, b: number, pa: number, pb: number): number {
    const index = this.#index;
    if (index.length === 0) return NONE;
    for (let i = slotOf(a, b, pa, pb, this.#mask); index[i] !== 0; i = (i + 1) & this.#mask) {
      const row = index[i]! - 1, ports = this.ports[row]!;
      const c = this.clientIp[row], s = this.serverIp[row], pc = ports >>> 16, ps = ports & 0xffff;
      if (
        (c === a && s === b && pc === pa && ps === pb) ||
        (c === b && s === a && pc === pb && ps === pa)
      ) {
        return row;
      }
    }
    return NONE;
  }

  /**
   * A new row, the most recently active, for the conversation from
   * `client`:`clientPort` to `server`:`serverPort` (signed IPv4 numbers);
   * its other fields are zero.
   */
  add(client: number, server: number, clientPort: number, serverPort: number): number {
    if (this.#free.length === 0) this.#grow();
    const row = this.#free.pop()!;
    this.clientIp[row] = client;
    this.serverIp[row] = server;
    this.ports[row] = clientPort * 0x10000 + serverPort;
    this.#insert(row);
    this.size++;
    this.#link(row);
    return row;
  }

  /** Forget a row. */
  remove(row: number): void {
    this.#delete(row);
    this.#unlink(row);
    this.flags[row] = 0;
    this.clientPackets[row] = this.serverPackets[row] = 0;
    this.#free.push(row);
    this.size--;
  }

  /** Make a row the most recently active. */
  touch(row: number): void {
    if (this.newest === row) return;
    this.#unlink(row);
    this.#link(row);
  }

  /** Rows in use, in any order. */
  *rows(): Generator<number> {
    for (const slot of this.#index) if (slot !== 0) yield slot - 1;
  }

  #home(row: number): number {
    const ports = this.ports[row]!;
    return slotOf(
      this.clientIp[row]!,
      this.serverIp[row]!,
      ports >>> 16,
      ports & 0xffff,
      this.#mask,
    );
  }

  #insert(row: number): void {
    const index = this.#index;
    let i = this.#home(row);
    while (index[i] !== 0) i = (i + 1) & this.#mask;
    index[i] = row + 1;
  }

  /** Removes a row from the index, shifting later entries of its probe run back. */
  #delete(row: number): void {
    const index = this.#index, mask = this.#mask;
    let i = this.#home(row);
    while (index[i] !== row + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const home = this.#home(index[j]! - 1);
      // Move j's entry into the hole at i unless its home lies cyclically in (i, j].
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        index[i] = index[j]!;
        i = j;
      }
    }
    index[i] = 0;
  }

  #link(row: number): void {
    this.#prev[row] = this.newest;
    this.#next[row] = NONE;
    if (this.newest !== NONE) this.#next[this.newest] = row;
    else this.oldest = row;
    this.newest = row;
  }

  #unlink(row: number): void {
    const prev = this.#prev[row]!, next = this.#next[row]!;
    if (prev !== NONE) this.#next[prev] = next;
    else this.oldest = next;
    if (next !== NONE) this.#prev[next] = prev;
    else this.newest = prev;
  }

  /** Doubles the rows (starting at 1024); a table capped at 100 000 connections reaches 131 072. */
  #grow(): void {
    const old = this.#capacity, capacity = Math.max(1024, old * 2);
    const grow = <T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity);
      b.set(a);
      return b;
    };
    this.id = grow(this.id);
    this.firstFrame = grow(this.firstFrame);
    this.lastFrame = grow(this.lastFrame);
    this.clientIp = grow(this.clientIp);
    this.serverIp = grow(this.serverIp);
    this.ports = grow(this.ports);
    this.clientIsn = grow(this.clientIsn);
    this.serverIsn = grow(this.serverIsn);
    this.clientAck = grow(this.clientAck);
    this.serverAck = grow(this.serverAck);
    this.clientPackets = grow(this.clientPackets);
    this.serverPackets = grow(this.serverPackets);
    this.flags = grow(this.flags);
    this.start = grow(this.start);
    this.lastTs = grow(this.lastTs);
    this.#prev = grow(this.#prev);
    this.#next = grow(this.#next);
    for (let row = capacity - 1; row >= old; row--) this.#free.push(row);
    this.#capacity = capacity;
    const used = this.#index;
    this.#index = new Int32Array(capacity * 2);
    this.#mask = capacity * 2 - 1;
    for (const slot of used) if (slot !== 0) this.#insert(slot - 1);
  }
}

/** An index slot for a conversation, the same for both directions. */
function slotOf(a: number, b: number, pa: number, pb: number, mask: number): number {
  const ports = Math.imul(pa + pb + ((pa ^ pb) << 16), 0x85ebca6b);
  const h = Math.imul(((a + b) | 0) ^ ((a ^ b) << 5) ^ ports, 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}
