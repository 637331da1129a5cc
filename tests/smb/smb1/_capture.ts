/**
 * Test helper: the SMB1 messages of a capture, as the project's own capture
 * reader, network layer and TCP reassembly deliver them (CaptureReader →
 * NetworkLayer → FlowTable with a StreamObserver; the SMB analyzer above
 * them is left out on purpose, so these tests depend on nothing above the
 * flow layer but the SMB1 parser), split at
 * NetBIOS session service boundaries with a minimal NBSS reader (4-byte
 * header, type 0x00 = session message, 17-bit length) that serves these
 * tests only. Each message is copied and tagged with the frame whose
 * segment completed it, as tshark numbers reassembled PDUs.
 * @module
 */
import { CaptureReader } from "../../../lib/capture/reader.ts";
import type { DecodeEvent } from "../../../lib/events.ts";
import type { StreamObserver } from "../../../lib/flow/observer.ts";
import { FlowTable } from "../../../lib/flow/table.ts";
import { NetworkLayer } from "../../../lib/net/network.ts";
import { limitsFrom } from "../../../lib/options.ts";
import { Reporter } from "../../../lib/report.ts";
import { parseSmb1 } from "../../../lib/smb/smb1/parse.ts";
import type { Smb1Message } from "../../../lib/smb/smb1/types.ts";

/** One SMB1 message of a capture. */
export interface CapturedMessage {
  /** Frame of the segment that completed the message. */
  frame: number;
  connection: number;
  fromClient: boolean;
  /** The SMB message, from 0xFF 'SMB' (a copy). */
  bytes: Uint8Array;
}

/** Buffers one direction of a stream and cuts it into NBSS messages. */
class NbssSplitter {
  #buf = new Uint8Array(0);
  constructor(readonly out: (msg: Uint8Array, frame: number) => void) {}
  push(bytes: Uint8Array, frame: number): void {
    const joined = new Uint8Array(this.#buf.length + bytes.length);
    joined.set(this.#buf);
    joined.set(bytes, this.#buf.length);
    let at = 0;
    while (joined.length - at >= 4) {
      const type = joined[at]!;
      const length = ((joined[at + 1]! & 1) << 16) | (joined[at + 2]! << 8) | joined[at + 3]!;
      if (joined.length - at - 4 < length) break;
      if (type === 0x00) this.out(joined.slice(at + 4, at + 4 + length), frame);
      at += 4 + length;
    }
    this.#buf = joined.slice(at);
  }
  reset(): void {
    this.#buf = new Uint8Array(0);
  }
}

/** Every SMB1 message (0xFF 'SMB') carried over TCP in `capture`, in stream order per connection. */
export function smb1Messages(bytes: Uint8Array): CapturedMessage[] {
  const messages: CapturedMessage[] = [];
  const limits = limitsFrom({});
  const events: DecodeEvent[] = [];
  const reporter = new Reporter(events, limits.maxAnomaliesPerKind);
  const flows = new FlowTable(limits, reporter, events, (info): StreamObserver | undefined => {
    if (info.transport !== "tcp") return undefined;
    const sides = [true, false].map((fromClient) =>
      new NbssSplitter((msg, frame) => {
        if (msg[0] === 0xff && msg[1] === 0x53 && msg[2] === 0x4d && msg[3] === 0x42) {
          messages.push({ frame, connection: info.id, fromClient, bytes: msg });
        }
      })
    );
    return {
      data: (fromClient, b, frame) => sides[fromClient ? 0 : 1]!.push(b, frame.index),
      gap: (fromClient) => sides[fromClient ? 0 : 1]!.reset(),
      close: () => {},
    };
  });
  const network = new NetworkLayer((packet) => flows.packet(packet), reporter, limits);
  const capture = new CaptureReader((frame) => network.frame(frame), reporter, limits);
  capture.push(bytes);
  capture.end();
  network.end();
  flows.end();
  return messages;
}

/** Each direction of every TCP connection in `capture`, reassembled, gaps dropped. */
export function tcpStreams(
  bytes: Uint8Array,
): { connection: number; fromClient: boolean; bytes: Uint8Array }[] {
  const chunks = new Map<string, Uint8Array[]>();
  const limits = limitsFrom({});
  const events: DecodeEvent[] = [];
  const reporter = new Reporter(events, limits.maxAnomaliesPerKind);
  const flows = new FlowTable(limits, reporter, events, (info): StreamObserver | undefined => {
    if (info.transport !== "tcp") return undefined;
    return {
      data: (fromClient, b) => {
        const key = `${info.id}/${fromClient}`;
        if (!chunks.has(key)) chunks.set(key, []);
        chunks.get(key)!.push(b.slice());
      },
      gap: () => {},
      close: () => {},
    };
  });
  const network = new NetworkLayer((packet) => flows.packet(packet), reporter, limits);
  const capture = new CaptureReader((frame) => network.frame(frame), reporter, limits);
  capture.push(bytes);
  capture.end();
  network.end();
  flows.end();
  return [...chunks].map(([key, parts]) => {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    const [connection, fromClient] = key.split("/");
    return { connection: Number(connection), fromClient: fromClient === "true", bytes: all };
  });
}

/** A parsed message with where it came from. */
export interface Parsed extends CapturedMessage {
  message: Smb1Message;
}

const SECONDARIES = new Set([0x26, 0x33, 0xa1]);

/**
 * Parses every message, pairing each response with the latest request of
 * the same connection, MID, PID, UID and TID (as the analyzer does). A
 * response's UID may be new (SESSION_SETUP), so it falls back to MID + PID.
 */
export function parseAll(messages: CapturedMessage[]): Parsed[] {
  const pending = new Map<string, Smb1Message>();
  const out: Parsed[] = [];
  for (const m of messages) {
    const peek = parseSmb1(m.bytes);
    const h = peek.header;
    const full = `${m.connection}/${h.mid}/${h.pid}/${h.uid}/${h.tid}`;
    const loose = `${m.connection}/${h.mid}/${h.pid}`;
    if (!h.response) {
      // Secondary requests continue their primary, which stays the one a response pairs with.
      if (!SECONDARIES.has(h.command)) {
        pending.set(full, peek);
        pending.set(loose, peek);
      }
      out.push({ ...m, message: peek });
    } else {
      const request = pending.get(full) ?? pending.get(loose);
      out.push({ ...m, message: parseSmb1(m.bytes, request) });
    }
  }
  return out;
}

/** Where the public corpus lives; tests that need it skip when it is absent. */
export const PUBLIC = new URL("../../../../shared/pcaps/public/", import.meta.url);

/** The bytes of a public capture, or undefined when the corpus is not here. */
export function readPublic(path: string): Uint8Array | undefined {
  try {
    return Deno.readFileSync(new URL(path, PUBLIC));
  } catch {
    return undefined;
  }
}

/** The bytes of a project fixture. */
export function readFixture(name: string): Uint8Array {
  return Deno.readFileSync(new URL(`../../../fixtures/smb/${name}`, import.meta.url));
}
