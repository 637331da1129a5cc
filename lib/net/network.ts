/**
 * The link and network layers: frame -> link header -> IPv4/IPv6 (fragment
 * reassembly, IPv6 extension headers, IP-in-IP, 6in4, GRE) -> one `IpPacket`
 * per complete datagram that is not itself a tunnel.
 *
 * Hot path (Ethernet -> IPv4, not fragmented): no Cursor, DataView or closure;
 * direct byte reads and three subarrays per packet; the `IpPacket` object is
 * reused, so like its views it is valid only during the handler call. The
 * single `try` is in {@link NetworkLayer.frame}: a header cut short throws
 * `TRUNCATED`, which becomes `truncated` when the snap length cut the bytes
 * and `malformed` when a length field lies.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { Layer } from "../events.ts";
import type { Limits } from "../options.ts";
import type { Reporter } from "../report.ts";
import { be16, be32, TRUNCATED } from "../bytes/cursor.ts";
import { Defragmenter } from "./defrag.ts";
import {
  decodeLink,
  ethernet,
  EtherType,
  type LinkResult,
  MAX_TAGS,
  TOO_MANY_TAGS,
} from "./link.ts";
import type { IpHandler, IpPacket } from "./packet.ts";

/** Tunnels (IP-in-IP, 6in4, GRE) decoded inside one another at most. */
export const MAX_TUNNEL_DEPTH = 4;
/** IPv6 extension headers walked at most per datagram. */
export const MAX_EXTENSION_HEADERS = 16;

/** IP protocol numbers acted on here. */
export const IpProtocol = {
  HOP_BY_HOP: 0,
  IPV4: 4, // IP-in-IP (RFC 2003)
  IPV6: 41, // IPv6 in IP (RFC 4213, 6to4)
  ROUTING: 43,
  FRAGMENT: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  NO_NEXT_HEADER: 59,
  DESTINATION_OPTIONS: 60,
  MOBILITY: 135,
  HIP: 139,
  SHIM6: 140,
} as const;

const NO_FRAME: Frame = {
  index: 0,
  ts: 0,
  linktype: -1,
  interfaceId: 0,
  origlen: 0,
  bytes: new Uint8Array(0),
};

/** Decodes frames down to IP datagrams; synchronous, never throws on input. */
export class NetworkLayer {
  readonly #onIp: IpHandler;
  readonly #reporter: Reporter;
  readonly #defrag: Defragmenter;
  readonly #link: LinkResult = { etherType: 0, offset: 0 };
  readonly #src4 = new Uint8Array(4);
  readonly #dst4 = new Uint8Array(4);
  readonly #unsupported = new Set<number>();
  readonly #packet: IpPacket = {
    frame: NO_FRAME,
    version: 4,
    src: NO_FRAME.bytes,
    dst: NO_FRAME.bytes,
    protocol: 0,
    payload: NO_FRAME.bytes,
    payloadLength: 0,
    reassembled: false,
  };
  #ipPackets = 0;
  #ipFragments = 0;
  #nonIpFrames = 0;

  // State of the frame being decoded.
  #frame: Frame = NO_FRAME;
  /** An IP header was decoded in this frame. */
  #sawIp = false;
  /** A fragment was seen in this frame. */
  #fragment = false;
  /** Fragment frames of the datagram reassembled in this frame, if any. */
  #frags: number[] | null = null;
  /** What is being read when a `TRUNCATED` comes, and whether that view was cut by the snap length. */
  #layer: Layer = "link";
  #what = "";
  #viewCut = false;

  constructor(onIp: IpHandler, reporter: Reporter, limits: Limits) {
    this.#onIp = onIp;
    this.#reporter = reporter;
    this.#defrag = new Defragmenter(reporter, limits);
  }

  /** Datagrams handed to the IP handler. */
  get ipPackets(): number {
    return this.#ipPackets;
  }

  /** Frames that carried an IP fragment (at any tunnel depth). */
  get ipFragments(): number {
    return this.#ipFragments;
  }

  /** Frames without a decodable IP header: ARP, LLDP, STP, LLC, unsupported link types, broken headers. */
  get nonIpFrames(): number {
    return this.#nonIpFrames;
  }

  /** Decode one frame; calls the IP handler at most once. Never throws. */
  frame(frame: Frame): void {
    this.#frame = frame;
    this.#sawIp = false;
    this.#fragment = false;
    this.#frags = null;
    if (this.#defrag.busy) this.#defrag.tick(frame.ts);
    const b = frame.bytes;
    const cut = frame.origlen > b.length;
    this.#layer = "link";
    this.#what = "link header";
    this.#viewCut = cut;
    try {
      const link = this.#link;
      if (decodeLink(frame.linktype, b, link)) {
        this.#network(link.etherType, b, link.offset, cut, 0);
      } else if (!this.#unsupported.has(frame.linktype)) {
        this.#unsupported.add(frame.linktype);
        this.#reporter.anomaly(
          "link",
          "unsupported",
          `Link type ${frame.linktype} is not decoded; its frames count as non-IP`,
          frame.index,
          frame.ts,
        );
      }
    } catch (e) {
      this.#fail(e);
    }
    if (this.#fragment) this.#ipFragments++;
    if (!this.#sawIp) this.#nonIpFrames++;
  }

  /** Report datagrams whose fragments never all arrived (`ip/gap`) and free their state. */
  end(): void {
    this.#defrag.end();
    // Drop the last frame's views so they do not pin its chunk.
    const q = this.#packet;
    q.frame = this.#frame = NO_FRAME;
    q.src = q.dst = q.payload = NO_FRAME.bytes;
  }

  #network(etherType: number, b: Uint8Array, off: number, cut: boolean, depth: number): void {
    if (etherType === EtherType.IPV4) this.#ipv4(b, off, cut, depth);
    else if (etherType === EtherType.IPV6) this.#ipv6(b, off, cut, depth);
    else if (etherType === TOO_MANY_TAGS) {
      this.#anomaly("link", "malformed", `More than ${MAX_TAGS} VLAN/MPLS tags; frame skipped`);
    }
  }

  #ipv4(b: Uint8Array, off: number, cut: boolean, depth: number): void {
    this.#layer = "ip";
    this.#what = "IPv4 header";
    this.#viewCut = cut;
    const avail = b.length - off;
    if (avail < 20) throw TRUNCATED;
    const vihl = b[off]!;
    if (vihl >> 4 !== 4) return this.#malformed(`IPv4 header with version ${vihl >> 4}`);
    const hl = (vihl & 15) << 2;
    if (hl < 20) return this.#malformed(`IPv4 header length ${hl} is below 20`);
    if (avail < hl) throw TRUNCATED;
    let total = be16(b, off + 2);
    if (total === 0) total = avail; // segmentation offload leaves 0 here: take what is there
    else if (total < hl) {
      return this.#malformed(`IPv4 total length ${total} is below its header length ${hl}`);
    }
    this.#sawIp = true;
    let declared = total - hl;
    let end = off + total;
    let payloadCut = false;
    if (total > avail) {
      end = b.length;
      if (cut) payloadCut = true;
      else {
        this.#malformed(`IPv4 total length ${total} exceeds the ${avail} bytes present`);
        declared = avail - hl;
      }
    }
    const protocol = b[off + 9]!;
    const frag = be16(b, off + 6);
    const payload = b.subarray(off + hl, end);
    if ((frag & 0x3fff) === 0) {
      // The addresses are copied into two reused arrays, not viewed: two views per packet
      // were a fifth of all the bytes a dense decode allocated. Valid during the call only,
      // like the packet object; a tunnel's inner header overwrites them after the outer is done.
      const src = this.#src4, dst = this.#dst4;
      src[0] = b[off + 12]!;
      src[1] = b[off + 13]!;
      src[2] = b[off + 14]!;
      src[3] = b[off + 15]!;
      dst[0] = b[off + 16]!;
      dst[1] = b[off + 17]!;
      dst[2] = b[off + 18]!;
      dst[3] = b[off + 19]!;
      return this.#deliver(4, src, dst, protocol, payload, declared, payloadCut, depth);
    }
    this.#fragment = true;
    // The defragmenter keeps the addresses with the datagram's pieces: views of their own.
    const r = this.#defrag.add(
      4,
      b.subarray(off + 12, off + 16),
      b.subarray(off + 16, off + 20),
      be16(b, off + 4),
      protocol,
      (frag & 0x1fff) << 3,
      (frag & 0x2000) !== 0,
      payload,
      declared,
      this.#frame,
    );
    if (r === null) return;
    this.#frags = r.frames;
    this.#deliver(4, r.src, r.dst, r.protocol, r.payload, r.payload.length, false, depth);
  }

  #ipv6(b: Uint8Array, off: number, cut: boolean, depth: number): void {
    this.#layer = "ip";
    this.#what = "IPv6 header";
    this.#viewCut = cut;
    const avail = b.length - off;
    if (avail < 40) throw TRUNCATED;
    if (b[off]! >> 4 !== 6) return this.#malformed(`IPv6 header with version ${b[off]! >> 4}`);
    this.#sawIp = true;
    let plen = be16(b, off + 4);
    if (plen === 0) plen = avail - 40; // jumbogram or segmentation offload: take what is there
    let end = off + 40 + plen;
    let payloadCut = false;
    if (end > b.length) {
      if (cut) payloadCut = true;
      else {
        this.#malformed(`IPv6 payload length ${plen} exceeds the ${avail - 40} bytes present`);
        plen = avail - 40;
      }
      end = b.length;
    }
    const src = b.subarray(off + 8, off + 24);
    const dst = b.subarray(off + 24, off + 40);
    this.#walk(src, dst, b[off + 6]!, b, off + 40, end, off + 40 + plen, payloadCut, depth, 0);
  }

  /** Walk IPv6 extension headers from `p` (`end`: captured end, `declaredEnd`: what the header says). */
  #walk(
    src: Uint8Array,
    dst: Uint8Array,
    nh: number,
    b: Uint8Array,
    p: number,
    end: number,
    declaredEnd: number,
    cut: boolean,
    depth: number,
    n: number,
  ): void {
    this.#what = "IPv6 extension header";
    this.#viewCut = cut;
    for (;; n++) {
      let len: number;
      switch (nh) {
        case IpProtocol.HOP_BY_HOP:
        case IpProtocol.ROUTING:
        case IpProtocol.DESTINATION_OPTIONS:
        case IpProtocol.MOBILITY:
        case IpProtocol.HIP:
        case IpProtocol.SHIM6:
        case IpProtocol.AH:
          if (p + 2 > end) throw TRUNCATED;
          len = nh === IpProtocol.AH ? (b[p + 1]! + 2) << 2 : (b[p + 1]! + 1) << 3;
          break;
        case IpProtocol.FRAGMENT: {
          if (p + 8 > end) throw TRUNCATED;
          const next = b[p]!, fo = be16(b, p + 2), id = be32(b, p + 4);
          const offset = fo & 0xfff8, more = (fo & 1) !== 0;
          p += 8;
          if (offset === 0 && !more) { // an atomic fragment (RFC 6946): not fragmented at all
            nh = next;
            if (n >= MAX_EXTENSION_HEADERS) return this.#chainTooLong();
            continue;
          }
          this.#fragment = true;
          const r = this.#defrag.add(
            6,
            src,
            dst,
            id,
            next,
            offset,
            more,
            b.subarray(p, end),
            declaredEnd - p,
            this.#frame,
          );
          if (r === null) return;
          this.#frags = r.frames;
          const whole = r.payload;
          return this.#walk(
            r.src,
            r.dst,
            r.protocol,
            whole,
            0,
            whole.length,
            whole.length,
            false,
            depth,
            n + 1,
          );
        }
        default: // the upper layer, ESP (opaque) or no next header
          return this.#deliver(6, src, dst, nh, b.subarray(p, end), declaredEnd - p, cut, depth);
      }
      if (n >= MAX_EXTENSION_HEADERS) return this.#chainTooLong();
      nh = b[p]!;
      p += len;
      if (p > end) throw TRUNCATED;
    }
  }

  #deliver(
    version: 4 | 6,
    src: Uint8Array,
    dst: Uint8Array,
    protocol: number,
    payload: Uint8Array,
    payloadLength: number,
    cut: boolean,
    depth: number,
  ): void {
    if (protocol === IpProtocol.IPV4 || protocol === IpProtocol.IPV6) {
      if (depth >= MAX_TUNNEL_DEPTH) return this.#tooDeep();
      if (protocol === IpProtocol.IPV4) this.#ipv4(payload, 0, cut, depth + 1);
      else this.#ipv6(payload, 0, cut, depth + 1);
      return;
    }
    if (protocol === IpProtocol.GRE && this.#gre(payload, cut, depth)) return;
    this.#ipPackets++;
    const frags = this.#frags;
    if (frags !== null) { // rare: a fresh object with the fragment frames
      this.#onIp({
        frame: this.#frame,
        version,
        src,
        dst,
        protocol,
        payload,
        payloadLength,
        reassembled: true,
        fragmentFrames: frags,
      });
      return;
    }
    // The common case reuses one object (measured: allocating it here more than doubled the
    // cost per packet); like the views it holds, it is valid only during the call.
    const q = this.#packet;
    q.frame = this.#frame;
    q.version = version;
    q.src = src;
    q.dst = dst;
    q.protocol = protocol;
    q.payload = payload;
    q.payloadLength = payloadLength;
    this.#onIp(q);
  }

  /** GRE (RFC 2784, 2890) carrying IPv4, IPv6, Ethernet (0x6558), VLAN or MPLS. False: not decoded here. */
  #gre(b: Uint8Array, cut: boolean, depth: number): boolean {
    this.#what = "GRE header";
    this.#viewCut = cut;
    if (b.length < 4) throw TRUNCATED;
    const flags = be16(b, 0);
    // Version 1 (PPTP) and the obsolete source routing are left to the IP handler as protocol 47.
    if ((flags & 0x4007) !== 0) return false;
    const off = 4 + (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) + (flags & 0x1000 ? 4 : 0);
    if (b.length < off) throw TRUNCATED;
    const type = be16(b, 2);
    if (type !== EtherType.IPV4 && type !== EtherType.IPV6 && type !== EtherType.TEB) return false;
    if (depth >= MAX_TUNNEL_DEPTH) {
      this.#tooDeep();
      return true;
    }
    if (type === EtherType.TEB) {
      this.#layer = "link";
      this.#what = "Ethernet header in GRE";
      const link = this.#link;
      ethernet(b, off, link);
      this.#network(link.etherType, b, link.offset, cut, depth + 1);
    } else this.#network(type, b, off, cut, depth + 1);
    return true;
  }

  #chainTooLong(): void {
    this.#anomaly(
      "ip",
      "loop",
      `More than ${MAX_EXTENSION_HEADERS} IPv6 extension headers; datagram skipped`,
    );
  }

  #tooDeep(): void {
    this.#anomaly(
      "ip",
      "loop",
      `Tunnels nested more than ${MAX_TUNNEL_DEPTH} deep; inner datagram skipped`,
    );
  }

  #malformed(detail: string): void {
    this.#anomaly("ip", "malformed", detail);
  }

  #anomaly(layer: Layer, kind: "malformed" | "loop", detail: string): void {
    this.#reporter.anomaly(layer, kind, detail, this.#frame.index, this.#frame.ts);
  }

  #fail(e: unknown): void {
    const f = this.#frame;
    if (e === TRUNCATED) {
      const truncated = this.#viewCut;
      this.#reporter.anomaly(
        this.#layer,
        truncated ? "truncated" : "malformed",
        truncated
          ? `${this.#what} cut by the snap length`
          : `${this.#what} runs past the end of its packet`,
        f.index,
        f.ts,
      );
    } else {
      this.#reporter.anomaly(
        this.#layer,
        "bug",
        `Cannot decode frame ${f.index}: ${String(e)}`,
        f.index,
        f.ts,
      );
    }
  }
}
