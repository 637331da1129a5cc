import * as assert from "node:assert/strict";
import type { DecodeEvent, SummaryEvent } from "../../mod.ts";

const root = new URL("../../", import.meta.url);
const cli = new URL("cli/main.ts", root).pathname;
const fixture = (name: string) => new URL(`fixtures/${name}`, root).pathname;
const eth = fixture("net/eth.pcap");
// Written by fixtures/net/make.sh from tshark's view of the capture.
const ethExpected = JSON.parse(Deno.readTextFileSync(fixture("net/eth.expected.json")));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], stdin?: Uint8Array): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-R", cli, ...args],
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  if (stdin) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await child.output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("cli decode --format json gives one document with tshark's frame counts", async () => {
  const r = await run(["decode", eth, "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.summary.format, "pcap");
  assert.equal(doc.summary.frames, ethExpected.frames);
  assert.equal(doc.summary.nonIpFrames, ethExpected.nonIpFrames);
  assert.equal(doc.summary.ipFragments, ethExpected.ipFragments);
  // tshark saw one IPv4 and one IPv6 HTTP connection to port 8080 (make.sh runs curl twice).
  const tcp = doc.connections.filter((c: { transport: string }) => c.transport === "tcp");
  assert.deepEqual(
    tcp.map((c: { client: { ip: string }; server: { ip: string; port: number } }) => [
      c.client.ip,
      c.server.ip,
      c.server.port,
    ]),
    [["10.0.0.1", "10.0.0.2", 8080], ["fd00::1", "fd00::2", 8080]],
  );
  assert.ok(tcp.every((c: { state: string }) => c.state === "closed_fin"));
});

Deno.test("cli decode --format ndjson streams one event per line, summary last", async () => {
  const r = await run(["decode", eth, "-f", "ndjson"]);
  assert.equal(r.code, 0, r.stderr);
  const events: DecodeEvent[] = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(events.at(-1)?.type, "summary");
  const opens = events.filter((e) => e.type === "connection" && e.action === "open").length;
  const closes = events.filter((e) => e.type === "connection" && e.action === "close").length;
  assert.equal(opens, closes);
  assert.equal(opens, 4); // 2 TCP + 2 UDP conversations in eth.pcap
});

Deno.test("cli decode --types and --no-open-events filter the events", async () => {
  const r = await run(["decode", eth, "-f", "ndjson", "--types", "summary"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n").map((l) => JSON.parse(l).type), ["summary"]);
  const r2 = await run(["decode", eth, "-f", "ndjson", "--no-open-events"]);
  const actions = r2.stdout.trim().split("\n").map((l) => JSON.parse(l))
    .filter((e) => e.type === "connection").map((e) => e.action);
  assert.ok(actions.length === 4 && actions.every((a) => a === "close"));
});

Deno.test("cli decode text shows connections and a summary", async () => {
  const r = await run(["decode", eth]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /#0 tcp 10\.0\.0\.1:\d+ → 10\.0\.0\.2:8080 closed_fin/);
  assert.match(r.stdout, /#1 tcp \[fd00::1\]:\d+ → \[fd00::2\]:8080 closed_fin/);
  assert.match(r.stdout, new RegExp(`capture: pcap, .*, ${ethExpected.frames} frames`));
  assert.match(r.stdout, /conversations: 2 TCP, 2 UDP/);
  assert.equal(r.stderr, ""); // no progress line when stderr is not a terminal
});

Deno.test("cli decode reads gzip-compressed captures from stdin", async () => {
  const bytes = await gzip(Deno.readFileSync(eth));
  const r = await run(["decode", "-", "-f", "ndjson", "-t", "summary"], bytes);
  assert.equal(r.code, 0, r.stderr);
  const summary: SummaryEvent = JSON.parse(r.stdout);
  assert.equal(summary.gzip, true);
  assert.equal(summary.frames, ethExpected.frames);
});

Deno.test("cli decode rejects a file that is not a capture, naming what it saw", async () => {
  const r = await run(["decode", new URL("deno.json", root).pathname]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /: not a pcap or pcapng capture: .*JSON/i);
  assert.doesNotMatch(r.stderr, /not a capture: not a/);
});

Deno.test("cli decode reports a missing file with exit status 1", async () => {
  const r = await run(["decode", "/nonexistent/capture.pcap"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\/nonexistent\/capture\.pcap: no such file/);
});

Deno.test("cli reports usage errors with exit status 2", async () => {
  for (
    const args of [[], ["decode"], ["decode", eth, "--format", "xml"], ["frobnicate"], [
      "decode",
      eth,
      "--types",
      "bogus",
    ]]
  ) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr + r.stdout, /Usage: smbscope decode/);
  }
  const help = await run(["decode", "--help"]);
  assert.equal(help.code, 0);
});

Deno.test("cli decode of a truncated capture still succeeds and reports the cut", async () => {
  const bytes = Deno.readFileSync(eth);
  const r = await run(["decode", "-", "-f", "ndjson"], bytes.subarray(0, bytes.length - 10));
  assert.equal(r.code, 0, r.stderr);
  const events: DecodeEvent[] = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(
    events.some((e) => e.type === "anomaly" && e.layer === "capture" && e.kind === "truncated"),
  );
  const summary = events.at(-1) as SummaryEvent;
  assert.equal(summary.frames, ethExpected.frames - 1);
});
