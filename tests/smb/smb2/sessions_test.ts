/**
 * The decode-wide SMB2 session table forgets a session whose last channel
 * closed once `tcpIdleTimeout` of capture time passed without a channel
 * coming back: when a later session is orphaned, or when it is looked up.
 */
import * as assert from "node:assert/strict";
import { Smb2SessionTable } from "../../../lib/smb/smb2/sessions.ts";
import { Reporter } from "../../../lib/report.ts";
import type { DecodeEvent } from "../../../lib/events.ts";

function table(): { t: Smb2SessionTable; out: DecodeEvent[] } {
  const out: DecodeEvent[] = [];
  const t = new Smb2SessionTable(
    { maxSmbSessions: 10, maxSmbStateEntries: 10, tcpIdleTimeout: 3600 },
    new Reporter(out, 100),
    () => {},
  );
  return { t, out };
}

Deno.test("Smb2SessionTable: an orphaned session expires at a later orphan, not before", () => {
  const { t, out } = table();
  const a = t.ensure("10.0.0.1", "11", 1, 0);
  const b = t.ensure("10.0.0.1", "12", 2, 0);
  a.channels.delete(1);
  t.orphaned(a, 100);
  b.channels.delete(2);
  t.orphaned(b, 3699); // 3599 s after a: a stays
  assert.equal(t.get("10.0.0.1", "11"), a);
  const c = t.ensure("10.0.0.2", "13", 3, 3700);
  c.channels.delete(3);
  t.orphaned(c, 3700); // 3600 s after a: a goes, b stays
  assert.equal(t.get("10.0.0.1", "11"), undefined);
  assert.equal(t.get("10.0.0.1", "12"), b);
  assert.equal(t.size, 2);
  // Forgotten by time, not by the cap: no limit anomaly.
  assert.deepEqual(out, []);
});

Deno.test("Smb2SessionTable: a channel coming back, or a later orphaning, keeps a session", () => {
  const { t } = table();
  const a = t.ensure("10.0.0.1", "21", 1, 0);
  a.channels.delete(1);
  t.orphaned(a, 0);
  // A channel comes back at 10 and leaves at 20: the orphaning of 0 no longer counts.
  assert.equal(t.ensure("10.0.0.1", "21", 2, 10), a);
  a.channels.delete(2);
  t.orphaned(a, 20);
  const other = t.ensure("10.0.0.9", "99", 3, 3610);
  other.channels.delete(3);
  t.orphaned(other, 3610);
  assert.equal(t.get("10.0.0.1", "21"), a);
  // Looked up at 3620, 3600 s after its last channel left: gone.
  assert.equal(t.get("10.0.0.1", "21", 3619), a);
  assert.equal(t.get("10.0.0.1", "21", 3620), undefined);
  assert.equal(t.get("10.0.0.1", "21"), undefined);
  // A session with a channel never expires, whatever the time.
  const live = t.ensure("10.0.0.1", "22", 4, 0);
  assert.equal(t.get("10.0.0.1", "22", 1e9), live);
});

Deno.test("Smb2SessionTable: a session known under two addresses is forgotten under both", () => {
  const { t } = table();
  const a = t.ensure("10.0.0.1", "31", 1, 0);
  assert.equal(t.join("10.0.0.2", "31"), a); // a bound channel to another interface
  a.channels.delete(1);
  t.orphaned(a, 0);
  assert.equal(t.get("10.0.0.2", "31", 3600), undefined);
  assert.equal(t.get("10.0.0.1", "31"), undefined);
  assert.equal(t.size, 0);
  // Its SessionId is free again: a new session of it may be joined across addresses.
  const b = t.ensure("10.0.0.3", "31", 5, 4000);
  assert.equal(t.join("10.0.0.4", "31"), b);
});

Deno.test("Smb2SessionTable: orphans at one capture time stay bounded by the session cap", () => {
  const { t } = table(); // maxSmbSessions 10
  let last;
  for (let i = 0; i < 10_000; i++) {
    last = t.ensure("10.0.0.1", String(i), i, 0);
    last.channels.delete(i);
    t.orphaned(last, 0);
    assert.ok(t.orphansQueued <= 2 * 10 + 1, `${t.orphansQueued} queued after ${i + 1}`);
  }
  assert.ok(t.size <= 10);
  // The entries kept still decide: the last session expires an hour later.
  const other = t.ensure("10.0.0.2", "x", 99_999, 3600);
  other.channels.delete(99_999);
  t.orphaned(other, 3600);
  assert.equal(t.get("10.0.0.1", "9999"), undefined);
});
