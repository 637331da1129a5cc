/**
 * The event stream does not depend on how the input is cut into pushes: an
 * alert follows the event that raised it (it used to be appended to the
 * push's batch, so its place and every later `seq` moved with the push size,
 * and HTTP answers varied with network chunking).
 */
import assert from "node:assert/strict";
import { decode, type DecodeEvent, Decoder } from "../mod.ts";
import { safeJson } from "../lib/output/sanitize.ts";

const CAPTURES = [
  "detect/rpc/rpc_coerce.pcap",
  "dcerpc/rpc_smb2.pcap",
  "detect/auth/bruteforce.pcap",
  "smb/smb3_11.pcap",
];

function linesOf(bytes: Uint8Array, size: number): string[] {
  const decoder = new Decoder();
  const events: DecodeEvent[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    events.push(...decoder.push(bytes.subarray(at, at + size)));
  }
  events.push(...decoder.end());
  return events.map((e) => safeJson(e));
}

for (const name of CAPTURES) {
  Deno.test(`the same events whatever the push size: ${name}`, () => {
    const bytes = Deno.readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
    const whole = linesOf(bytes, bytes.length);
    for (const size of [1, 7, 1000, 65_521]) {
      assert.deepEqual(linesOf(bytes, size), whole, `${size}`);
    }
  });
}

Deno.test("an alert follows the event that raised it and cites it", () => {
  const bytes = Deno.readFileSync(
    new URL("../fixtures/detect/rpc/rpc_coerce.pcap", import.meta.url),
  );
  const decoder = new Decoder();
  const events = [...decoder.push(bytes), ...decoder.end()];
  const alerts = events.filter((e) => e.type === "alert");
  assert.ok(alerts.length > 0);
  for (const alert of alerts) {
    const at = events.indexOf(alert);
    // Right after the event it rests on last (or after an alert raised by that same event).
    let before = at - 1;
    while (events[before]?.type === "alert") before--;
    assert.equal(events[before]!.seq, alert.events.at(-1), `${alert.rule}`);
    assert.equal(alert.seq, events[at - 1]!.seq! + 1);
  }
});

Deno.test("decode() of an in-memory capture reads it in slices, with the same events", async () => {
  const bytes = Deno.readFileSync(
    new URL("../fixtures/smb/files/files_smb311.pcap", import.meta.url),
  );
  // A watcher sees each event as the decoder makes it: when the first comes out of decode(),
  // only the first slices were pushed (the whole array at once made every event before it).
  let made = 0;
  const events = decode(bytes, { watchers: [{ event: () => void made++ }] });
  const lines: string[] = [];
  const first = await events.next();
  assert.ok(!first.done);
  lines.push(safeJson(first.value));
  const madeBeforeFirst = made;
  for await (const event of events) lines.push(safeJson(event));
  assert.ok(madeBeforeFirst < made / 4, `${madeBeforeFirst} of ${made} made before the first`);
  assert.deepEqual(lines, linesOf(bytes, bytes.length));
});
