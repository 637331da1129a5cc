/** The REPL's pieces without a terminal: the stream tap's cap, filters, the background load. */
import * as assert from "node:assert/strict";
import type { ConnectionInfo, Frame, SmbEvent } from "../../mod.ts";
import { parseFilter } from "../../cli/repl/filter.ts";
import { loadCapture } from "../../cli/repl/load.ts";
import { CaptureModel } from "../../cli/repl/model.ts";
import { ReplSession } from "../../cli/repl/session.ts";
import { StreamStore } from "../../cli/repl/streams.ts";
import { splitKeys } from "../../cli/repl/keys.ts";

const info: ConnectionInfo = {
  id: 7,
  transport: "tcp",
  client: { ip: "10.0.0.2", port: 50000 },
  server: { ip: "10.0.0.1", port: 445 },
  firstFrame: 1,
  start: 0,
  handshake: true,
};
const frame = {} as Frame;
const nbss = (body: number[]) => [0, 0, 0, body.length, ...body];

Deno.test("stream store: messages split over segments read whole; past the cap they are not kept", () => {
  const store = new StreamStore(12);
  const tap = store.observe(info)!;
  const first = nbss([1, 2, 3, 4]), second = nbss([5, 6, 7, 8, 9]);
  tap.data(true, new Uint8Array(first.slice(0, 3)), frame);
  tap.data(true, new Uint8Array([...first.slice(3), ...second]), frame);
  const a = store.message(7, true, 0);
  assert.deepEqual(a.kept && [...a.bytes], first);
  // The second message starts at 8 and ends past the 12-byte cap: only its prefix was kept.
  const b = store.message(7, true, 8);
  assert.ok(b.kept);
  assert.equal(b.length, 9);
  assert.deepEqual([...b.bytes], second.slice(0, 4));
  tap.data(true, new Uint8Array(nbss([1])), frame);
  const c = store.message(7, true, 17);
  assert.ok(!c.kept && /first .* MiB/.test(c.reason));
  assert.ok(!store.message(7, false, 0).kept);
  assert.ok(!store.message(8, true, 0).kept);
  assert.equal(store.streamBytes(7), 22);
});

Deno.test("stream store: a gap leaves a hole that is reported, later bytes keep their offsets", () => {
  const store = new StreamStore();
  const tap = store.observe(info)!;
  tap.gap(false, 10, undefined);
  tap.data(false, new Uint8Array(nbss([0xfe, 0x53])), frame);
  assert.ok(!store.message(7, false, 0).kept);
  const m = store.message(7, false, 10);
  assert.deepEqual(m.kept && [...m.bytes], [0, 0, 0, 2, 0xfe, 0x53]);
});

Deno.test("filters: status, command, names; bad ones say how to write them", () => {
  const e = (over: Partial<SmbEvent>) =>
    ({ command: "CREATE", response: true, fields: {}, ...over }) as SmbEvent;
  const ok = e({ status: 0, statusName: "STATUS_SUCCESS", file: "a\\Report.docx" });
  const denied = e({ status: 0xc0000022, statusName: "STATUS_ACCESS_DENIED", user: "W\\alice" });
  const request = e({ response: false, share: "\\\\s\\IPC$" });
  const errors = parseFilter("status!=0");
  assert.deepEqual([ok, denied, request].map(errors.test), [false, true, false]);
  assert.ok(parseFilter("status=0xc0000022").test(denied));
  assert.ok(parseFilter("status~denied").test(denied));
  assert.ok(parseFilter("cmd=create file~report").test(ok));
  assert.ok(!parseFilter("cmd!=CREATE").test(ok));
  assert.ok(parseFilter("user~ALICE").test(denied));
  assert.ok(parseFilter("share~ipc").test(request));
  assert.ok(parseFilter("errors").test(denied));
  assert.throws(() => parseFilter("size>3"), /KEY=VALUE/);
});

Deno.test("background load: the model fills in batches and the session steps through it", async () => {
  const file = await Deno.open(new URL("../../fixtures/smb/smb3_11.pcap", import.meta.url));
  const model = new CaptureModel();
  const store = new StreamStore();
  const loading = loadCapture(file, model, store);
  assert.equal(model.done, false);
  await loading;
  assert.ok(model.done && model.summary);
  const session = new ReplSession(model, store);
  assert.equal(session.open(0), undefined);
  session.step(2);
  assert.equal(session.index, 2);
  assert.match(session.hexLines().join("\n"), /^00000000 {2}00 00 /m);
  assert.match(session.run("goto 99999").lines[0]!, /no message 99999/);
});

Deno.test("keys: one read holding several key presses splits into them", () => {
  assert.deepEqual(splitKeys("\x1b[C\x1b[Cx\x1b[6~\x1bOA\r\x1bq"), [
    "right",
    "right",
    "x",
    "pagedown",
    "up",
    "enter",
    "escape",
    "q",
  ]);
});

Deno.test("stream store: the total cap over all connections is shared and named when hit", () => {
  const store = new StreamStore(100, 10);
  const a = store.observe(info)!;
  const b = store.observe({ ...info, id: 8 })!;
  a.data(true, new Uint8Array(nbss([1, 2, 3, 4])), frame);
  b.data(true, new Uint8Array(nbss([1, 2, 3, 4])), frame);
  assert.ok(store.message(7, true, 0).kept);
  const m = store.message(8, true, 0);
  assert.ok(m.kept && m.bytes.length === 2 || !m.kept);
  b.data(false, new Uint8Array(nbss([1])), frame);
  const n = store.message(8, false, 0);
  assert.ok(!n.kept && /in all/.test(n.reason), JSON.stringify(n));
});

Deno.test("stream store: 5 000 messages in 1448-byte segments, with gaps, read back byte for byte", () => {
  const store = new StreamStore();
  const tap = store.observe(info)!;
  const nbssLong = (body: number[]) => [0, 0, body.length >> 8, body.length & 0xff, ...body];
  // Messages of 1-3 000 bytes laid end to end (crossing the 1 MiB chunk limit several times),
  // sent in TCP-sized segments; every 1 000th message is lost to a gap.
  const wire: number[] = [];
  const starts: { at: number; body: number[]; lost: boolean }[] = [];
  for (let i = 0; i < 5_000; i++) {
    const body = Array.from({ length: 1 + (i * 7919) % 3_000 }, (_, j) => (i + j) & 0xff);
    starts.push({ at: wire.length, body, lost: i % 1_000 === 500 });
    wire.push(...nbssLong(body));
  }
  let at = 0;
  for (const m of starts) {
    const end = m.at + 4 + m.body.length;
    if (m.lost) {
      if (at < m.at) tap.data(true, new Uint8Array(wire.slice(at, m.at)), frame);
      tap.gap(true, end - m.at, undefined);
      at = end;
      continue;
    }
    for (; at < end; at = Math.min(end, at + 1448)) {
      tap.data(true, new Uint8Array(wire.slice(at, Math.min(end, at + 1448))), frame);
    }
  }
  for (const m of starts) {
    const got = store.message(7, true, m.at);
    if (m.lost) assert.ok(!got.kept, `message at ${m.at} was lost`);
    else assert.deepEqual(got.kept && [...got.bytes], nbssLong(m.body), `message at ${m.at}`);
  }
  assert.equal(store.streamBytes(7), wire.length);
});
