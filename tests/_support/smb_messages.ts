/**
 * Test-only: the whole NBSS messages (4-byte header included) of a real
 * capture's first connection, by the frame their SMB event starts at, to
 * replay real traffic in shapes no client here produces.
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../../lib/decoder.ts";
import type { DecodeEvent, SmbEvent } from "../../lib/events.ts";

/** The events of the capture and a way to its messages' bytes (fresh copies). */
export function nbssMessages(capture: URL): {
  events: DecodeEvent[];
  message: (frame: number) => Uint8Array;
} {
  const streams: [Uint8Array[], Uint8Array[]] = [[], []];
  const decoder = new Decoder({}, {
    observe: (conn) =>
      conn.id !== 0 ? undefined : {
        data: (fromClient, bytes) => streams[fromClient ? 0 : 1].push(bytes.slice()),
        gap: () => assert.fail("the capture has no gaps"),
        close: () => {},
      },
  });
  const events = [...decoder.push(Deno.readFileSync(capture)), ...decoder.end()];
  const joined = streams.map((parts) => {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) all.set(p, (at += p.length) - p.length);
    return all;
  });
  return {
    events,
    message(frame: number): Uint8Array {
      const e = events.find((e): e is SmbEvent =>
        e.type === "smb" && e.evidence.connection === 0 && e.evidence.frames[0] === frame
      );
      assert.ok(e !== undefined, `no SMB message starts at frame ${frame}`);
      const stream = joined[e.evidence.fromClient ? 0 : 1]!;
      const at = e.evidence.streamOffset;
      const length = (stream[at + 1]! << 16) | (stream[at + 2]! << 8) | stream[at + 3]!;
      return stream.slice(at, at + 4 + length);
    },
  };
}
