/**
 * The classic pcap format: a 24-byte file header, then records of a 16-byte
 * header (24 in the "modified" variant) and the captured bytes.
 * @see https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/ sections 4-5
 * @module
 */
import { be32, le32 } from "../bytes/cursor.ts";
import type { CaptureState, FormatParser } from "./parser.ts";
import type { PcapMagic } from "./sniff.ts";

/** Magic, version (2+2), thiszone, sigfigs, snaplen, link type and FCS bits. */
export const PCAP_FILE_HEADER_BYTES = 24;

/** The link type is the low 16 bits of the header's last field; FCS length and flags sit above. */
const LINKTYPE_MASK = 0xffff;

/** Walks the records of one pcap file. */
export class PcapParser implements FormatParser {
  need: number = PCAP_FILE_HEADER_BYTES;
  failed = false;
  #header = false;
  #snaplen = 0;
  #overSnapReported = false;
  #linktype = 0;
  /** Largest caplen taken without a second look: the snap length (when set) and the record cap. */
  #maxCaplen = 0;
  readonly #le: boolean;
  readonly #ns: boolean;
  readonly #recordHeader: number;

  /** A parser feeding `state`; the reader has checked the magic. */
  constructor(readonly state: CaptureState, magic: PcapMagic) {
    this.#le = magic.littleEndian;
    this.#ns = magic.nanoseconds;
    this.#recordHeader = magic.recordHeaderBytes;
  }

  /** Consume whole records of `b[start, end)`; returns the position after the last one. */
  parse(b: Uint8Array, start: number, end: number): number {
    let p = start;
    const st = this.state;
    if (!this.#header) {
      if (end - p < PCAP_FILE_HEADER_BYTES) return p;
      this.#readHeader(b, p);
      p += PCAP_FILE_HEADER_BYTES;
    }
    const le = this.#le, ns = this.#ns, hdr = this.#recordHeader, max = this.#maxCaplen;
    const linktype = this.#linktype, onFrame = st.onFrame;
    let frames = st.frames;
    this.need = hdr;
    while (end - p >= hdr) {
      const caplen = le ? le32(b, p + 8) : be32(b, p + 8);
      if (caplen > max && !this.#overSnapLength(caplen, st.consumed + (p - start), frames + 1)) {
        break;
      }
      const next = p + hdr + caplen;
      if (next > end) {
        this.need = hdr + caplen;
        break;
      }
      const sec = le ? le32(b, p) : be32(b, p);
      const frac = le ? le32(b, p + 4) : be32(b, p + 4);
      const origlen = le ? le32(b, p + 12) : be32(b, p + 12);
      // us: one rounding of an exact integer; ns: the integer would pass 2^53.
      const ts = ns ? sec + frac / 1e9 : (sec * 1e6 + frac) / 1e6;
      if (frames === 0) st.firstTs = ts;
      st.frames = ++frames;
      st.lastTs = ts;
      p = next;
      onFrame({
        index: frames,
        ts,
        linktype,
        interfaceId: 0,
        origlen,
        bytes: b.subarray(next - caplen, next),
      });
    }
    st.consumed += p - start;
    return p;
  }

  /** Describe `have` bytes left unconsumed at the end of the input. */
  incomplete(have: number): string {
    if (!this.#header) {
      return `pcap file header cut short: ${have} of ${PCAP_FILE_HEADER_BYTES} bytes`;
    }
    if (have < this.#recordHeader) {
      return `last pcap record header cut short: ${have} of ${this.#recordHeader} bytes`;
    }
    return `last pcap record cut short: ${have} of ${this.need} bytes`;
  }

  #readHeader(b: Uint8Array, p: number): void {
    const le = this.#le;
    this.#snaplen = le ? le32(b, p + 16) : be32(b, p + 16);
    const network = le ? le32(b, p + 20) : be32(b, p + 20);
    this.#linktype = network & LINKTYPE_MASK;
    const cap = this.state.limits.maxRecordBytes;
    // A snap length of 0 says nothing; some writers leave it unset.
    this.#maxCaplen = this.#snaplen > 0 ? Math.min(this.#snaplen, cap) : cap;
    this.#header = true;
    this.state.linkTypes.add(this.#linktype);
  }

  /**
   * A record longer than the snap length: like Wireshark, keep it (writers
   * get the snap length wrong) unless it passes the record cap, where the
   * framing is surely lost. Returns whether to go on.
   */
  #overSnapLength(caplen: number, offset: number, frame: number): boolean {
    const cap = this.state.limits.maxRecordBytes;
    if (caplen <= cap) {
      if (!this.#overSnapReported) {
        this.#overSnapReported = true;
        this.state.anomaly(
          "malformed",
          `pcap record for frame ${frame} at byte ${offset} holds ${caplen} bytes, more than the ` +
            `file's snap length of ${this.#snaplen}; kept (reported once per file)`,
        );
      }
      return true;
    }
    this.state.anomaly(
      "malformed",
      `pcap record for frame ${frame} at byte ${offset} claims ${caplen} captured bytes, ` +
        `more than the ${cap}-byte record limit: record framing is lost, reading stops`,
    );
    this.failed = true;
    return false;
  }
}
