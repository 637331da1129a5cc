/**
 * Link layers: finds the network-layer payload of a frame and its EtherType.
 * Sources: https://www.tcpdump.org/linktypes.html (LINKTYPE_ values and headers),
 * IEEE 802.1Q (tags), RFC 3032 (MPLS), RFC 2516 (PPPoE), RFC 1661 (PPP).
 * @module
 */
import { be16, be32, le32, TRUNCATED } from "../bytes/cursor.ts";

/** LINKTYPE_ values decoded here (names and numbers live in lib/capture/linktypes.ts too). */
const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_PPP = 9;
/** libpcap reads 12 and 14 in a file as DLT_RAW (12 on most systems, 14 on OpenBSD). */
const LINKTYPE_RAW_12 = 12;
const LINKTYPE_RAW_14 = 14;
const LINKTYPE_PPP_HDLC = 50;
const LINKTYPE_RAW = 101;
const LINKTYPE_LOOP = 108;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const LINKTYPE_LINUX_SLL2 = 276;

/** EtherTypes the network layer acts on. */
export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  MPLS: 0x8847,
  MPLS_MULTICAST: 0x8848,
  PPPOE_SESSION: 0x8864,
  QINQ: 0x88a8,
  TEB: 0x6558, // transparent Ethernet bridging (GRE)
  QINQ_OLD: 0x9100,
} as const;

/** `etherType` when the frame has none (802.3/LLC frame, unknown address family, ...). */
export const NO_ETHERTYPE = -1;
/** `etherType` when a tag stack was deeper than {@link MAX_TAGS}. */
export const TOO_MANY_TAGS = -2;
/** VLAN and MPLS tags popped at most, per frame. */
export const MAX_TAGS = 16;

/** Where the network layer of a frame starts (a reusable result, no allocation per frame). */
export interface LinkResult {
  etherType: number;
  offset: number;
}

/**
 * Decode the link header of `b` (a frame of type `linktype`) into `r`.
 * Returns false for an unsupported link type; throws `TRUNCATED` for a short header.
 */
export function decodeLink(linktype: number, b: Uint8Array, r: LinkResult): boolean {
  switch (linktype) {
    case LINKTYPE_ETHERNET:
      ethernet(b, 0, r);
      return true;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_12:
    case LINKTYPE_RAW_14:
      if (b.length < 1) throw TRUNCATED;
      r.offset = 0;
      r.etherType = versionEtherType(b[0]! >> 4);
      return true;
    case LINKTYPE_IPV4:
      r.offset = 0;
      r.etherType = EtherType.IPV4;
      return true;
    case LINKTYPE_IPV6:
      r.offset = 0;
      r.etherType = EtherType.IPV6;
      return true;
    case LINKTYPE_NULL: {
      // The address family in the byte order of the host that wrote the file.
      if (b.length < 4) throw TRUNCATED;
      const le = le32(b, 0);
      r.offset = 4;
      r.etherType = familyEtherType(le & 0xffff0000 ? be32(b, 0) : le);
      return true;
    }
    case LINKTYPE_LOOP:
      if (b.length < 4) throw TRUNCATED;
      r.offset = 4;
      r.etherType = familyEtherType(be32(b, 0));
      return true;
    case LINKTYPE_LINUX_SLL:
      // packet type 2, ARPHRD 2, address length 2, address 8, protocol 2.
      if (b.length < 16) throw TRUNCATED;
      tags(b, be16(b, 14), 16, r);
      return true;
    case LINKTYPE_LINUX_SLL2:
      // protocol 2, reserved 2, ifindex 4, ARPHRD 2, packet type 1, address length 1, address 8.
      if (b.length < 20) throw TRUNCATED;
      tags(b, be16(b, 0), 20, r);
      return true;
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC:
      ppp(b, 0, r);
      return true;
    default:
      return false;
  }
}

/** Ethernet II from `off`: MAC addresses, then an EtherType (or an 802.3 length: no EtherType). */
export function ethernet(b: Uint8Array, off: number, r: LinkResult): void {
  if (b.length - off < 14) throw TRUNCATED;
  const type = be16(b, off + 12);
  if (type === EtherType.IPV4) { // the common case, first
    r.etherType = type;
    r.offset = off + 14;
    return;
  }
  if (type < 0x0600) { // 802.3 length field: LLC follows, no IP here
    r.etherType = NO_ETHERTYPE;
    r.offset = off + 14;
    return;
  }
  tags(b, type, off + 14, r);
}

/** Pop VLAN tags (802.1Q, 802.1ad, 0x9100), MPLS labels and a PPPoE session header. */
function tags(b: Uint8Array, type: number, off: number, r: LinkResult): void {
  for (let n = 0;; n++) {
    if (n > MAX_TAGS) {
      r.etherType = TOO_MANY_TAGS;
      r.offset = off;
      return;
    }
    if (type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD) {
      if (b.length - off < 4) throw TRUNCATED;
      type = be16(b, off + 2); // TCI 2, then the next EtherType
      off += 4;
    } else if (type === EtherType.MPLS || type === EtherType.MPLS_MULTICAST) {
      if (b.length - off < 4) throw TRUNCATED;
      const bottom = b[off + 2]! & 1;
      off += 4;
      if (bottom) { // no protocol field: guess from the first nibble, as tcpdump does
        if (b.length - off < 1) throw TRUNCATED;
        r.etherType = versionEtherType(b[off]! >> 4);
        r.offset = off;
        return;
      }
    } else if (type === EtherType.PPPOE_SESSION) {
      // version/type 1, code 1, session id 2, length 2, then the PPP protocol.
      if (b.length - off < 8) throw TRUNCATED;
      r.etherType = pppEtherType(be16(b, off + 6));
      r.offset = off + 8;
      return;
    } else {
      r.etherType = type;
      r.offset = off;
      return;
    }
  }
}

/** PPP with or without HDLC address/control bytes, with a 1- or 2-byte protocol. */
function ppp(b: Uint8Array, off: number, r: LinkResult): void {
  if (b.length - off < 2) throw TRUNCATED;
  if (b[off] === 0xff && b[off + 1] === 0x03) off += 2;
  if (b.length - off < 1) throw TRUNCATED;
  if (b[off]! & 1) { // protocol field compression: one byte
    r.etherType = pppEtherType(b[off]!);
    r.offset = off + 1;
    return;
  }
  if (b.length - off < 2) throw TRUNCATED;
  r.etherType = pppEtherType(be16(b, off));
  r.offset = off + 2;
}

function pppEtherType(protocol: number): number {
  return protocol === 0x0021 ? EtherType.IPV4 : protocol === 0x0057 ? EtherType.IPV6 : NO_ETHERTYPE;
}

function versionEtherType(version: number): number {
  return version === 4 ? EtherType.IPV4 : version === 6 ? EtherType.IPV6 : NO_ETHERTYPE;
}

/** BSD address families: AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (Darwin). */
function familyEtherType(family: number): number {
  if (family === 2) return EtherType.IPV4;
  if (family === 24 || family === 28 || family === 30) return EtherType.IPV6;
  return NO_ETHERTYPE;
}
