/**
 * `export N FILE.pcap` in the REPL: the capture is read again and the frames
 * of conversation N (its 5-tuple, within its first and last frame) are
 * written to a new pcap in capture order, microsecond timestamps (a frame's
 * time is a double: finer than a quarter microsecond it holds nothing). IP
 * fragments go with the datagram they rebuild.
 * @module
 */
import { CaptureReader } from "../../lib/capture/reader.ts";
import { NetworkLayer } from "../../lib/net/network.ts";
import type { IpPacket } from "../../lib/net/packet.ts";
import { formatIp } from "../../lib/net/address.ts";
import { Reporter } from "../../lib/report.ts";
import { DEFAULT_LIMITS } from "../../mod.ts";
import type { Frame } from "../../lib/capture/frame.ts";
import type { Conversation } from "./model.ts";
import { readCapture } from "./capture_file.ts";

/** Frames kept in case a later one completes an IP datagram they are fragments of. */
const MAX_RECENT_FRAMES = 1024;

/** One pcap record ([draft-ietf-opsawg-pcap] 5: seconds, microseconds, lengths, bytes). */
function record(frame: Frame): Uint8Array {
  const out = new Uint8Array(16 + frame.bytes.length);
  const v = new DataView(out.buffer);
  const micros = Math.round(frame.ts * 1e6);
  v.setUint32(0, Math.floor(micros / 1e6), true);
  v.setUint32(4, micros % 1e6, true);
  v.setUint32(8, frame.bytes.length, true);
  v.setUint32(12, frame.origlen, true);
  out.set(frame.bytes, 16);
  return out;
}

/** The pcap file header ([draft-ietf-opsawg-pcap] 4): magic, version 2.4, snap length, link type. */
function fileHeader(linktype: number): Uint8Array {
  const out = new Uint8Array(24);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, linktype, true);
  return out;
}

/** What `exportConversation` wrote. */
export interface ExportResult {
  frames: number;
  /** Frames of the conversation left out because their link type differs from the first's. */
  otherLinkTypes: number;
}

/** Write conversation `c`'s frames from `capture` to `dest` (created new; never overwritten). */
export function exportConversation(capture: string, c: Conversation, dest: string): ExportResult {
  const first = c.first, last = c.close ?? c.first;
  const firstFrame = first.firstFrame, lastFrame = last.lastFrame ?? Infinity;
  const protocol = first.transport === "tcp" ? 6 : 17;
  const a = `${first.client.ip}/${first.client.port}`,
    b = `${first.server.ip}/${first.server.port}`;
  const file = Deno.openSync(dest, { write: true, createNew: true });
  let linktype: number | undefined;
  const result: ExportResult = { frames: 0, otherLinkTypes: 0 };
  const write = (frame: Frame) => {
    if (linktype === undefined) {
      linktype = frame.linktype;
      file.writeSync(fileHeader(linktype));
    }
    if (frame.linktype !== linktype) {
      result.otherLinkTypes++;
      return;
    }
    const bytes = record(frame);
    for (let at = 0; at < bytes.length;) at += file.writeSync(bytes.subarray(at));
    result.frames++;
  };
  const recent = new Map<number, Frame>();
  let current: Frame | undefined;
  let matched = false;
  const onIp = (p: IpPacket) => {
    if (p.protocol !== protocol || p.payload.length < 4) return;
    const v = new DataView(p.payload.buffer, p.payload.byteOffset, 4);
    const src = `${formatIp(p.src)}/${v.getUint16(0)}`,
      dst = `${formatIp(p.dst)}/${v.getUint16(2)}`;
    if (!((src === a && dst === b) || (src === b && dst === a))) return;
    matched = true;
    // The earlier fragments of a datagram rebuilt in this frame go first.
    for (const n of p.fragmentFrames ?? []) {
      const f = recent.get(n);
      if (f !== undefined && n !== current?.index) write(f);
    }
  };
  const reporter = new Reporter([], 0);
  const network = new NetworkLayer(onIp, reporter, DEFAULT_LIMITS);
  const reader = new CaptureReader(
    (frame) => {
      if (frame.index < firstFrame || frame.index > lastFrame) return;
      current = frame;
      matched = false;
      network.frame(frame);
      if (matched) write(frame);
      else {
        // Perhaps a fragment of a datagram a later frame completes: keep a copy a while.
        recent.set(frame.index, { ...frame, bytes: frame.bytes.slice() });
        if (recent.size > MAX_RECENT_FRAMES) recent.delete(recent.keys().next().value!);
      }
    },
    reporter,
    DEFAULT_LIMITS,
  );
  try {
    readCapture(capture, (chunk) => reader.push(chunk));
    reader.end();
  } finally {
    file.close();
  }
  return result;
}
