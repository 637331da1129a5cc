/**
 * Test helper: SMB2 messages of a real capture, from the project's own
 * decoder (TCP reassembly tapped with an observer) and a minimal NBSS split
 * (4-byte header: type, 24-bit big-endian length). Each message is paired
 * with the frame that completed it — the frame tshark reports it on.
 */
import { Decoder, type StreamObserver } from "../../../mod.ts";
import { parseSmb2 } from "../../../lib/smb/smb2/parse.ts";
import type { Smb2Message, Smb2Packet } from "../../../lib/smb/smb2/types.ts";

/** One NBSS session message's body as it crossed the wire. */
export interface WireMessage {
  connection: number;
  fromClient: boolean;
  /** Frame of the segment that completed the message. */
  frame: number;
  body: Uint8Array;
}

function startsMessage(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0 && b[5] === 0x53 && b[6] === 0x4d && b[7] === 0x42 &&
    (b[4] === 0xfe || b[4] === 0xfd || b[4] === 0xfc || b[4] === 0xff);
}

/** Every NBSS session message (type 0) of every TCP connection, in completion order. */
export function nbssMessages(bytes: Uint8Array): WireMessage[] {
  const out: WireMessage[] = [];
  const observe = (info: { id: number; transport: string }): StreamObserver | undefined => {
    if (info.transport !== "tcp") return undefined;
    const pending: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
    // Framing is lost at the start of a mid-stream capture and after a gap, until a
    // segment starts with an NBSS session message header and an SMB protocol id.
    const lost = [true, true];
    return {
      data(fromClient, chunk, frame) {
        const side = fromClient ? 0 : 1;
        if (lost[side]) {
          if (!startsMessage(chunk)) return;
          lost[side] = false;
          pending[side] = new Uint8Array(0);
        }
        const prev = pending[side];
        let buf = new Uint8Array(prev.length + chunk.length);
        buf.set(prev);
        buf.set(chunk, prev.length);
        while (buf.length >= 4) {
          const length = (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!;
          if (buf.length < 4 + length) break;
          if (buf[0] === 0) {
            out.push({
              connection: info.id,
              fromClient,
              frame: frame.index,
              body: buf.slice(4, 4 + length),
            });
          }
          buf = buf.subarray(4 + length);
        }
        pending[side] = buf.slice();
      },
      gap(fromClient) {
        lost[fromClient ? 0 : 1] = true;
      },
      close() {},
    };
  };
  const decoder = new Decoder({}, { observe });
  decoder.push(bytes);
  decoder.end();
  return out;
}

/** A parsed message with where it came from. */
export interface Parsed extends WireMessage {
  packet: Smb2Packet;
}

/**
 * Parses every SMB2-family message of a capture, pairing responses with
 * requests by connection and MessageId as the analyzer does (an interim
 * STATUS_PENDING response keeps the request waiting).
 */
export function parseCapture(bytes: Uint8Array): Parsed[] {
  const pending = new Map<string, Smb2Message>();
  const out: Parsed[] = [];
  for (const m of nbssMessages(bytes)) {
    const id = m.body[0];
    if (m.body[1] !== 0x53 || (id !== 0xfe && id !== 0xfd && id !== 0xfc)) continue;
    const packet = parseSmb2(m.body, (messageId) => pending.get(`${m.connection}/${messageId}`));
    for (const msg of packet.messages) {
      const key = `${m.connection}/${msg.header.messageId}`;
      if (!msg.header.response) pending.set(key, msg);
      else if (!(msg.header.async && msg.header.status === 0x103)) pending.delete(key);
    }
    out.push({ ...m, packet });
  }
  return out;
}

/** A capture's bytes, gunzipped when the name ends in .gz. */
export async function readCapture(path: URL): Promise<Uint8Array> {
  const bytes = Deno.readFileSync(path);
  if (!path.pathname.endsWith(".gz")) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The public corpus, when present (tests that need it skip without it). */
export const CORPUS = new URL("../../../../shared/pcaps/public/", import.meta.url);

export function corpusFile(relative: string): URL | undefined {
  const url = new URL(relative, CORPUS);
  try {
    Deno.statSync(url);
    return url;
  } catch {
    return undefined;
  }
}

/** FIXTURES directory of the project's own captures. */
export const FIXTURES = new URL("../../../fixtures/smb/", import.meta.url);

/** All messages of a parsed capture, flattened, with their packet's frame. */
export function allMessages(parsed: Parsed[]): { frame: number; m: Smb2Message }[] {
  return parsed.flatMap((p) => p.packet.messages.map((m) => ({ frame: p.frame, m })));
}

/** tshark prints a FileId as a GUID (first three groups little-endian); ours is the 16 bytes in hex. */
export function fileIdAsGuid(hex: string): string {
  const b = (i: number) => hex.slice(2 * i, 2 * i + 2);
  return b(3) + b(2) + b(1) + b(0) + "-" + b(5) + b(4) + "-" + b(7) + b(6) + "-" +
    hex.slice(16, 20) + "-" + hex.slice(20, 32);
}
