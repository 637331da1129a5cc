/**
 * REPL line commands for the first hour (issue 15, item 7): a new filter
 * starts at its first match, `follow`, `search`, `export N FILE.pcap`, and
 * `--smb-only`. Frames and statuses from tshark; the exported pcap is checked
 * byte for byte against the capture it came from.
 */
import * as assert from "node:assert/strict";
import { answer, answerLines, fixturePath, replOk, runCli } from "../_support/cli.ts";

const SMB1 = fixturePath("smb/smb1_session.pcap");

Deno.test("repl: a new filter starts at its first match, not after the current message", async () => {
  const s = await replOk(SMB1, ["conn 0", "goto 22", "filter cmd=NT_CREATE_ANDX"]);
  // tshark: the first NT_CREATE_ANDX request is frame 24 (\smb1_put.bin), message 19 here.
  assert.match(answer(s, "filter cmd=NT_CREATE_ANDX"), /filter cmd=NT_CREATE_ANDX: 1 of 4 shown/);
  assert.match(
    answer(s, "filter cmd=NT_CREATE_ANDX"),
    /^message 19 of 44 .*NT_CREATE_ANDX request/m,
  );
  assert.match(answer(s, "filter cmd=NT_CREATE_ANDX"), /frames: +24 /);
});

Deno.test("repl follow: one line per request with its answer", async () => {
  const s = await replOk(SMB1, ["follow", "conn 0", "follow"]);
  assert.deepEqual(answerLines(s, "follow", 0), ["no connection open: use conn N"]);
  const lines = answerLines(s, "follow", 1);
  assert.match(lines[0]!, /^#0 tcp 10\.77\.0\.2:47790 → 10\.77\.0\.1:445/);
  // tshark: NEGOTIATE in frame 4; TREE_CONNECT_ANDX to \\10.77.0.1\IPC$ in 12 (answered in 13);
  // the DFS referral (frame 14) answered STATUS_NOT_FOUND; DELETE of \smb1_put.bin in 78.
  assert.match(lines[1]!, /^ +1 f4 \+\d\.\d{3}s NEGOTIATE → STATUS_SUCCESS [\d.]+ms$/);
  assert.ok(
    lines.some((l) =>
      /^ +7 f12 .* TREE_CONNECT_ANDX \\\\10\.77\.0\.1\\IPC\$ → STATUS_SUCCESS/.test(l)
    ),
  );
  assert.ok(lines.some((l) => /^ +9 f14 .* TRANSACTION2 .* → STATUS_NOT_FOUND/.test(l)));
  assert.ok(lines.some((l) => / f78 .* DELETE \\smb1_put\.bin → STATUS_SUCCESS/.test(l)));
  // 44 messages, every request answered: 22 lines after the heading.
  assert.equal(lines.length, 23);
});

Deno.test("repl search: messages of every connection containing the text", async () => {
  const s = await replOk(SMB1, ["search SMB1_PUT.BIN", "search nothing-like-this", "search"]);
  const hits = answerLines(s, "search SMB1_PUT.BIN");
  assert.match(hits[0]!, /^\d+ found/);
  // tshark: NT_CREATE_ANDX requests for \smb1_put.bin in frames 24 and 48, DELETE in 78.
  for (const frame of [24, 48, 78]) {
    assert.ok(hits.some((l) => new RegExp(`^\\d+: #0 f${frame} C→S `).test(l)), `frame ${frame}`);
  }
  assert.deepEqual(answerLines(s, "search nothing-like-this"), [
    'nothing contains "nothing-like-this"',
  ]);
  assert.deepEqual(answerLines(s, "search"), ["usage: search TEXT"]);
});

Deno.test("repl export N FILE: the conversation's frames as a pcap", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/c0.pcap`;
    const s = await replOk(SMB1, [`export 0 ${out}`, `export 0 ${out}`, "export 7 x.pcap"]);
    // tshark: 88 frames, all of the one conversation.
    assert.deepEqual(answerLines(s, `export 0 ${out}`, 0), [`wrote ${out}: 88 frames of #0`]);
    assert.match(answer(s, `export 0 ${out}`, 1), /exists: give another path/);
    assert.deepEqual(answerLines(s, "export 7 x.pcap"), ["no connection #7"]);
    // Same records, byte for byte, after the 24-byte file header.
    const a = Deno.readFileSync(out), b = Deno.readFileSync(SMB1);
    assert.deepEqual(a.subarray(24), b.subarray(24));
    assert.deepEqual(a.subarray(20, 24), b.subarray(20, 24)); // link type
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Two Ethernet pcaps as one: the second's records after the first's. */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length - 24);
  out.set(a);
  out.set(b.subarray(24), a.length);
  return out;
}

Deno.test("repl --smb-only and export of one conversation among several", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const mixed = `${dir}/mixed.pcap`;
    Deno.writeFileSync(
      mixed,
      concat(Deno.readFileSync(fixturePath("net/eth.pcap")), Deno.readFileSync(SMB1)),
    );
    const only = await runCli(["repl", mixed, "--smb-only"], { stdin: "conns\n" });
    assert.equal(only.code, 0, only.stderr);
    const conns = only.stdout.split("\n").filter((l) => /^#\d+ /.test(l));
    assert.equal(conns.length, 1);
    assert.match(conns[0]!, /10\.77\.0\.2:47790 → 10\.77\.0\.1:445/);
    // tshark: fd00::1:54102 ↔ fd00::2:8080 is frames 35-46 of eth.pcap.
    const all = await replOk(mixed, ["conns 54102"]);
    const id = /^#(\d+) /.exec(answer(all, "conns 54102"))![1]!;
    const out = `${dir}/v6.pcap`;
    const s = await replOk(mixed, [`export ${id} ${out}`]);
    assert.deepEqual(answerLines(s, `export ${id} ${out}`), [`wrote ${out}: 12 frames of #${id}`]);
    const eth = Deno.readFileSync(fixturePath("net/eth.pcap"));
    // The exported records are frames 35-46 of eth.pcap, as they are there.
    const records: Uint8Array[] = [];
    for (let at = 24, n = 1; at < eth.length; n++) {
      const len = new DataView(eth.buffer, eth.byteOffset + at + 8, 4).getUint32(0, true);
      if (n >= 35 && n <= 46) records.push(eth.subarray(at, at + 16 + len));
      at += 16 + len;
    }
    const want = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
    records.reduce((at, r) => (want.set(r, at), at + r.length), 0);
    assert.deepEqual(Deno.readFileSync(out).subarray(24), want);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
