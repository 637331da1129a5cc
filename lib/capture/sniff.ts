/**
 * Telling a capture file from anything else by its first bytes, and naming
 * the anything else for the person who fed it to us.
 * @module
 */
import { describeBytes } from "../bytes/cursor.ts";

/** How a pcap file says its byte order, timestamp unit and record header size. */
export interface PcapMagic {
  /** Always `pcap`. */
  format: "pcap";
  /** Byte order of every header field. */
  littleEndian: boolean;
  /** Fraction field in nanoseconds (magic a1b23c4d) rather than microseconds. */
  nanoseconds: boolean;
  /** 16, or 24 for Alexey Kuznetzov's "modified" pcap (magic a1b2cd34). */
  recordHeaderBytes: 16 | 24;
}

/** The outcome of sniffing the first bytes of an input. */
export type Sniffed =
  | PcapMagic
  | { format: "pcapng" }
  | { format: "unknown"; detail: string };

/** Bytes the sniffer reads, when they are there, to name input that is not a capture. */
export const SNIFF_BYTES = 64;

/** pcapng Section Header Block type; the same in both byte orders. */
export const PCAPNG_SHB = 0x0a0d0d0a;

const PCAP_MAGICS: ReadonlyMap<number, PcapMagic> = new Map([
  // Magic as read big-endian from the first four bytes of the file.
  [0xa1b2c3d4, pcap(false, false, 16)],
  [0xd4c3b2a1, pcap(true, false, 16)],
  [0xa1b23c4d, pcap(false, true, 16)],
  [0x4d3cb2a1, pcap(true, true, 16)],
  [0xa1b2cd34, pcap(false, false, 24)],
  [0x34cdb2a1, pcap(true, false, 24)],
]);

function pcap(littleEndian: boolean, nanoseconds: boolean, recordHeaderBytes: 16 | 24): PcapMagic {
  return Object.freeze({ format: "pcap", littleEndian, nanoseconds, recordHeaderBytes });
}

/**
 * Decide what `head` (the first bytes of the input) is. Returns `undefined`
 * while more bytes would change the answer; with `final` (the input ended)
 * it always answers.
 */
export function sniff(head: Uint8Array, final: boolean): Sniffed | undefined {
  if (head.length >= 4) {
    const magic = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
    const p = PCAP_MAGICS.get(magic);
    if (p) return p;
    if (magic === PCAPNG_SHB) return { format: "pcapng" };
  }
  if (!final && head.length < SNIFF_BYTES) return undefined;
  return { format: "unknown", detail: describeInput(head) };
}

/** Whether `bytes` start with the gzip magic (RFC 1952: 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Magics of things people mistake for, or convert from, captures. */
const OTHER_MAGICS: readonly [string, string][] = [
  ["504b0304", "ZIP archive: extract the capture first"],
  ["504b0506", "empty ZIP archive"],
  ["425a68", "bzip2-compressed data: decompress it first"],
  ["fd377a585a00", "xz-compressed data: decompress it first"],
  ["28b52ffd", "zstd-compressed data: decompress it first"],
  ["377abcaf271c", "7-Zip archive: extract the capture first"],
  ["736e6f6f70000000", "Sun snoop capture: convert it to pcap (editcap -F pcap)"],
  ["52545353", "Microsoft Network Monitor 1.x capture: convert it to pcap (editcap -F pcap)"],
  ["474d4255", "Microsoft Network Monitor 2.x capture: convert it to pcap (editcap -F pcap)"],
  ["6274736e6f6f7000", "btsnoop capture: convert it to pcap (editcap -F pcap)"],
  ["25504446", "PDF document"],
  ["7f454c46", "ELF executable"],
];

const hexHead = (b: Uint8Array, n: number) =>
  Array.from(b.subarray(0, n), (c) => c.toString(16).padStart(2, "0")).join("");

/** One phrase naming what the first bytes of a non-capture input are. */
export function describeInput(head: Uint8Array): string {
  if (head.length === 0) return "empty input";
  const seen = describeBytes(head, 8);
  if (isGzip(head)) return `gzip-compressed data: inflate it first (${seen})`;
  const hex = hexHead(head, 8);
  for (const [magic, name] of OTHER_MAGICS) {
    if (hex.startsWith(magic)) return `${name} (${seen})`;
  }
  const text = asText(head);
  if (text !== undefined) {
    const start = text.trimStart().slice(0, 16).toLowerCase();
    const firstLine = JSON.stringify(text.trim().split(/\r?\n/, 1)[0]!.slice(0, 40));
    if (/^<(!doctype html|html|head|body)\b/.test(start)) {
      return `HTML document, perhaps an error page or a download link: ${firstLine}`;
    }
    if (start.startsWith("<?xml")) return `XML document: ${firstLine}`;
    if (/^[{[]/.test(start)) return `JSON or other text: ${firstLine}`;
    return `text: ${firstLine}`;
  }
  if (head.length < 4) return `only ${head.length} bytes, too short for a capture header: ${seen}`;
  return `unknown first bytes ${describeBytes(head, 16)}`;
}

/** `head` as text when it looks like UTF-8 text (a cut multi-byte tail allowed), else undefined. */
function asText(head: Uint8Array): string | undefined {
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3; // UTF-8 BOM
  for (let i = start; i < head.length; i++) {
    const c = head[i]!;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return undefined;
    if (c === 0x7f) return undefined;
  }
  const body = head.subarray(start);
  if (body.length === 0) return undefined;
  try {
    // stream: true lets a multi-byte character cut at the end of the head pass.
    return new TextDecoder("utf-8", { fatal: true }).decode(body, { stream: true });
  } catch {
    return undefined;
  }
}
