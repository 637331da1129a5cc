/**
 * The pcapng format: sections (each with its own byte order) of blocks
 * `type, total length, body, total length`. Interfaces are defined per section;
 * packets come in Enhanced (EPB), Simple (SPB) and obsolete Packet Blocks (PB).
 * @see https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/ sections 3-4
 * @module
 */
import { be16, be32, le16, le32 } from "../bytes/cursor.ts";
import type { CaptureState, FormatParser } from "./parser.ts";
import { PCAPNG_SHB } from "./sniff.ts";

/** Block types this reader acts on; every other block is skipped whole. */
export const PcapngBlock = {
  SHB: PCAPNG_SHB,
  IDB: 0x00000001,
  PB: 0x00000002,
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006,
} as const;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Type, total length and trailing length: the smallest block. */
const MIN_BLOCK = 12;
/** Smallest SHB: 12 + byte-order magic, version (2+2), section length (8). */
const MIN_SHB = 28;
/** Smallest IDB: 12 + link type, reserved, snap length. */
const MIN_IDB = 20;
/** Smallest EPB and PB: 12 + interface, timestamp (4+4), caplen, origlen. */
const MIN_EPB = 32;
/** Smallest SPB: 12 + origlen. */
const MIN_SPB = 16;

const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

const TWO_32 = 0x1_0000_0000;
/** Timestamps below 2^53 units (high word below 2^21) convert with one exact division. */
const EXACT_HIGH = 0x20_0000;
/** Units per second up to this allow the exact 16-bit long division in {@link slowTs}. */
const LONG_DIVISION_MAX = 2 ** 37;

/** One interface of the current section. */
class Interface {
  /** Timestamp units per second: 10^n or 2^n from if_tsresol, 10^6 by default. */
  unitsPerSecond = 1e6;
  /** The same for resolutions beyond {@link LONG_DIVISION_MAX}, else 0n. */
  bigUnitsPerSecond = 0n;
  /** if_tsoffset: seconds added to every timestamp. */
  offset = 0;
  constructor(readonly id: number, readonly linktype: number, readonly snaplen: number) {}
}

/** Seconds of a 64-bit timestamp (`hi`, `lo`) in the interface's units, plus its offset. */
function slowTs(f: Interface, hi: number, lo: number): number {
  const d = f.unitsPerSecond;
  if (hi < EXACT_HIGH) return (hi * TWO_32 + lo) / d + f.offset;
  if (f.bigUnitsPerSecond) {
    const v = (BigInt(hi) << 32n) | BigInt(lo), bd = f.bigUnitsPerSecond;
    return Number(v / bd) + Number(v % bd) / d + f.offset;
  }
  // Long division in 16-bit limbs keeps every step below 2^53: exact seconds and remainder.
  let q = 0, r = 0;
  for (let i = 0; i < 4; i++) {
    const limb = i === 0 ? hi >>> 16 : i === 1 ? hi & 0xffff : i === 2 ? lo >>> 16 : lo & 0xffff;
    const cur = r * 65536 + limb;
    let digit = Math.floor(cur / d);
    r = cur - digit * d;
    if (r < 0) digit--, r += d; // the float quotient rounded across an integer
    else if (r >= d) digit++, r -= d;
    q = q * 65536 + digit;
  }
  return q + r / d + f.offset;
}

/** Walks the blocks of a pcapng file. */
export class PcapngParser implements FormatParser {
  need: number = MIN_BLOCK;
  failed = false;
  #le = true;
  #sections = 0;
  #interfaces: Interface[] = [];

  /** A parser feeding `state`; the reader has checked the magic. */
  constructor(readonly state: CaptureState) {}

  /** Consume whole records of `b[start, end)`; returns the position after the last one. */
  parse(b: Uint8Array, start: number, end: number): number {
    const st = this.state, max = st.limits.maxRecordBytes, onFrame = st.onFrame;
    let p = start, le = this.#le;
    this.need = MIN_BLOCK;
    while (end - p >= MIN_BLOCK) {
      const type = le ? le32(b, p) : be32(b, p);
      if (type === PCAPNG_SHB) {
        // The section's byte order decides how to read even its own length.
        const bom = le32(b, p + 8);
        if (bom !== BYTE_ORDER_MAGIC && be32(b, p + 8) !== BYTE_ORDER_MAGIC) {
          this.#fail(
            `section header at byte ${st.consumed + (p - start)} has no byte-order ` +
              `magic (${bom.toString(16).padStart(8, "0")})`,
          );
          break;
        }
        le = bom === BYTE_ORDER_MAGIC;
      }
      const len = le ? le32(b, p + 4) : be32(b, p + 4);
      if (len < MIN_BLOCK || (len & 3) !== 0 || len > max) {
        const why = len > max
          ? `over the ${max}-byte record limit`
          : "not a multiple of 4 of at least 12";
        this.#fail(
          `block of type 0x${type.toString(16)} at byte ${st.consumed + (p - start)} ` +
            `has total length ${len}, ${why}`,
        );
        break;
      }
      if (end - p < len) {
        this.need = len;
        break;
      }
      const trailer = le ? le32(b, p + len - 4) : be32(b, p + len - 4);
      if (trailer !== len) {
        this.#fail(
          `block of type 0x${type.toString(16)} at byte ${st.consumed + (p - start)} ` +
            `has total length ${len} but trailing length ${trailer}`,
        );
        break;
      }
      if (type === PcapngBlock.EPB || type === PcapngBlock.PB) {
        // EPB: interface u32; PB: interface u16, drops u16. Then the same layout.
        const at = st.consumed + (p - start);
        const id = type === PcapngBlock.EPB
          ? (le ? le32(b, p + 8) : be32(b, p + 8))
          : (le ? le16(b, p + 8) : be16(b, p + 8));
        const f = this.#interfaces[id];
        const caplen = len < MIN_EPB ? -1 : le ? le32(b, p + 20) : be32(b, p + 20);
        if (f === undefined) this.#noInterface(type, at, id);
        else if (caplen < 0 || caplen > len - MIN_EPB) this.#caplenTooLong(type, at, len, caplen);
        else {
          const hi = le ? le32(b, p + 12) : be32(b, p + 12);
          const lo = le ? le32(b, p + 16) : be32(b, p + 16);
          const ts = f.unitsPerSecond === 1e6 && hi < EXACT_HIGH
            ? (hi * TWO_32 + lo) / 1e6 + f.offset
            : slowTs(f, hi, lo);
          if (st.frames === 0) st.firstTs = ts;
          st.lastTs = ts;
          onFrame({
            index: ++st.frames,
            ts,
            linktype: f.linktype,
            interfaceId: id,
            origlen: le ? le32(b, p + 24) : be32(b, p + 24),
            bytes: b.subarray(p + 28, p + 28 + caplen),
          });
        }
      } else if (type === PcapngBlock.SPB) {
        this.#simplePacket(b, p, len, le, st.consumed + (p - start));
      } else if (type === PcapngBlock.IDB) {
        this.#interface(b, p, len, le, st.consumed + (p - start));
      } else if (type === PCAPNG_SHB) {
        this.#le = le;
        this.#section(b, p, len, le, st.consumed + (p - start));
        if (this.failed) break;
      }
      // Anything else (NRB, ISB, DSB, custom, unknown) is skipped whole.
      p += len;
    }
    st.consumed += p - start;
    return p;
  }

  /** Describe `have` bytes left unconsumed at the end of the input. */
  incomplete(have: number): string {
    if (have < MIN_BLOCK) {
      return `last pcapng block header cut short: ${have} of ${MIN_BLOCK} bytes`;
    }
    return `last pcapng block cut short: ${have} of ${this.need} bytes`;
  }

  #fail(detail: string): void {
    this.state.anomaly("malformed", `${detail}: block framing is lost, reading stops`);
    this.failed = true;
  }

  #section(b: Uint8Array, p: number, len: number, le: boolean, at: number): void {
    this.#sections++;
    this.#interfaces = [];
    if (len < MIN_SHB) return this.#fail(`section header at byte ${at} is only ${len} bytes`);
    const major = le ? le16(b, p + 12) : be16(b, p + 12);
    const minor = le ? le16(b, p + 14) : be16(b, p + 14);
    if (major !== 1) {
      this.state.anomaly(
        "unsupported",
        `section ${this.#sections} at byte ${at} is pcapng version ${major}.${minor}; ` +
          `only 1.x is read, reading stops`,
      );
      this.failed = true;
    }
  }

  #interface(b: Uint8Array, p: number, len: number, le: boolean, at: number): void {
    const id = this.#interfaces.length;
    if (len < MIN_IDB) {
      // Keep numbering the section's interfaces so later ones keep their ids.
      this.#interfaces.push(new Interface(id, 0, 0));
      this.state.anomaly(
        "malformed",
        `interface description ${id} at byte ${at} is only ${len} bytes`,
      );
      return;
    }
    const linktype = le ? le16(b, p + 8) : be16(b, p + 8);
    const snaplen = le ? le32(b, p + 12) : be32(b, p + 12);
    const f = new Interface(id, linktype, snaplen);
    this.#interfaces.push(f);
    this.state.linkTypes.add(linktype);
    const optEnd = p + len - 4;
    for (let q = p + 16; q + 4 <= optEnd;) {
      const code = le ? le16(b, q) : be16(b, q);
      const olen = le ? le16(b, q + 2) : be16(b, q + 2);
      if (code === OPT_ENDOFOPT) break;
      if (q + 4 + olen > optEnd) {
        this.state.anomaly(
          "malformed",
          `interface ${id} at byte ${at}: option ${code} runs past the end of its block`,
        );
        break;
      }
      if (code === IF_TSRESOL) this.#resolution(f, olen === 1 ? b[q + 4]! : -1, at);
      else if (code === IF_TSOFFSET) {
        if (olen !== 8) {
          this.state.anomaly(
            "malformed",
            `interface ${id} at byte ${at}: if_tsoffset of ${olen} bytes`,
          );
        } else {
          const first = le ? le32(b, q + 4) : be32(b, q + 4);
          const second = le ? le32(b, q + 8) : be32(b, q + 8);
          const [high, low] = le ? [second, first] : [first, second];
          f.offset = (high | 0) * TWO_32 + low; // signed 64-bit seconds
        }
      }
      q += 4 + ((olen + 3) & ~3);
    }
  }

  /** if_tsresol: top bit clear, 10^-n seconds; set, 2^-n seconds. */
  #resolution(f: Interface, value: number, at: number): void {
    if (value < 0) {
      this.state.anomaly("malformed", `interface ${f.id} at byte ${at}: if_tsresol is not 1 byte`);
      return;
    }
    const n = value & 0x7f, pow2 = (value & 0x80) !== 0;
    const units = pow2 ? 2 ** n : 10 ** n;
    f.unitsPerSecond = units;
    f.bigUnitsPerSecond = units > LONG_DIVISION_MAX
      ? (pow2 ? 1n << BigInt(n) : 10n ** BigInt(n))
      : 0n;
  }

  /** SPB: no interface field (it is interface 0) and no timestamp. */
  #simplePacket(b: Uint8Array, p: number, len: number, le: boolean, at: number): void {
    const st = this.state, f = this.#interfaces[0];
    if (f === undefined) return this.#noInterface(PcapngBlock.SPB, at, 0);
    if (len < MIN_SPB) return this.#caplenTooLong(PcapngBlock.SPB, at, len, -1);
    const origlen = le ? le32(b, p + 8) : be32(b, p + 8);
    let caplen = Math.min(origlen, len - MIN_SPB);
    if (f.snaplen > 0 && f.snaplen < caplen) caplen = f.snaplen;
    // An SPB has no timestamp: it takes the previous frame's time (0 before any).
    const ts = st.lastTs;
    if (st.frames === 0) st.firstTs = ts;
    st.onFrame({
      index: ++st.frames,
      ts,
      linktype: f.linktype,
      interfaceId: 0,
      origlen,
      bytes: b.subarray(p + 12, p + 12 + caplen),
    });
  }

  #noInterface(type: number, at: number, id: number): void {
    this.state.anomaly(
      "malformed",
      `${blockName(type)} at byte ${at} refers to interface ${id}, but section ${this.#sections} ` +
        `defines ${this.#interfaces.length}: packet skipped`,
    );
  }

  #caplenTooLong(type: number, at: number, len: number, caplen: number): void {
    const what = caplen < 0 ? "is too short for its fields" : `claims ${caplen} captured bytes`;
    this.state.anomaly(
      "malformed",
      `${blockName(type)} at byte ${at} of ${len} bytes ${what}: packet skipped`,
    );
  }
}

function blockName(type: number): string {
  return type === PcapngBlock.EPB
    ? "enhanced packet block"
    : type === PcapngBlock.SPB
    ? "simple packet block"
    : "packet block";
}
