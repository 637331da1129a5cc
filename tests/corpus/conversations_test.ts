/**
 * Differential test against tshark over the public corpus in
 * ../shared/pcaps/public: for every capture, our TCP conversations and the
 * packets and payload bytes each way must agree with tshark's `tcp.stream`
 * and `tcp.len` (recorded once in golden/tshark_conversations.json by
 * tools/make_corpus_golden.ts, so this test needs no tshark). Skips when the
 * corpus is absent.
 */
import * as assert from "node:assert/strict";
import { type ConnectionEvent, decode, type DecodeEvent } from "../../mod.ts";
import { KNOWN_DIFFERENCES } from "./known_differences.ts";

const corpus = new URL("../../../shared/pcaps/public/", import.meta.url);
const present = (() => {
  try {
    return Deno.statSync(corpus).isDirectory;
  } catch {
    return false;
  }
})();

interface GoldenEndpoint {
  ip: string;
  port: number;
}
interface GoldenTcp {
  stream: number;
  firstFrame: number;
  seqSpanAB: number | null;
  seqSpanBA: number | null;
  a: GoldenEndpoint;
  b: GoldenEndpoint;
  pktsAB: number;
  pktsBA: number;
  bytesAB: number;
  bytesBA: number;
}
/** tshark's view of a UDP conversation: the same counters, no sequence numbers. */
type GoldenUdp = Omit<GoldenTcp, "seqSpanAB" | "seqSpanBA">;
interface GoldenCapture {
  frames: number;
  tcp: GoldenTcp[];
  udp: GoldenUdp[];
}

const golden: { captures: Record<string, GoldenCapture> } = JSON.parse(
  Deno.readTextFileSync(new URL("./golden/tshark_conversations.json", import.meta.url)),
);

/** One side-by-side row: what tshark and we say about one conversation. */
interface Comparison {
  capture: string;
  key: string;
  problem: string | undefined;
}

const results: Comparison[] = [];
/** Reassembly check: our stream bytes plus gap bytes against tshark's sequence span, per direction. */
const spans: { capture: string; key: string; ours: number; tshark: number }[] = [];

const endpointText = (e: GoldenEndpoint) => `${e.ip}/${e.port}`;

/** Our view of a conversation as tshark's A (first packet's source) → B counters. */
function ours(c: ConnectionEvent, a: GoldenEndpoint) {
  const aIsClient = c.client.ip === a.ip && c.client.port === a.port;
  const cs = c.clientStats!, sc = c.serverStats!;
  return aIsClient
    ? { pktsAB: cs.packets, pktsBA: sc.packets, bytesAB: cs.payloadBytes, bytesBA: sc.payloadBytes }
    : {
      pktsAB: sc.packets,
      pktsBA: cs.packets,
      bytesAB: sc.payloadBytes,
      bytesBA: cs.payloadBytes,
    };
}

type Counters = ReturnType<typeof ours>;

function diff(mine: Counters, g: Counters): string | undefined {
  const diffs = (["pktsAB", "pktsBA", "bytesAB", "bytesBA"] as const)
    .filter((k) => mine[k] !== g[k]).map((k) => `${k} ${mine[k]} vs tshark ${g[k]}`);
  return diffs.length ? diffs.join(", ") : undefined;
}

/** TCP: one of our connections per tshark stream, matched by first frame and endpoints. */
function compareTcp(capture: string, expected: GoldenTcp[], events: DecodeEvent[]): Comparison[] {
  const mine = new Map<string, ConnectionEvent>();
  for (const c of closed(events, "tcp")) mine.set(`${c.firstFrame} ${ends(c.client, c.server)}`, c);
  const rows: Comparison[] = [];
  for (const g of expected) {
    const id = `${g.firstFrame} ${ends(g.a, g.b)}`;
    const c = mine.get(id);
    mine.delete(id);
    const problem = c === undefined
      ? "no conversation starting at that frame"
      : diff(ours(c, g.a), g);
    if (c !== undefined) {
      const aIsClient = c.client.ip === g.a.ip && c.client.port === g.a.port;
      const [ab, ba] = aIsClient
        ? [c.clientStats!, c.serverStats!]
        : [c.serverStats!, c.clientStats!];
      for (const [dir, s, span] of [["AB", ab, g.seqSpanAB], ["BA", ba, g.seqSpanBA]] as const) {
        if (span === null) continue;
        spans.push({
          capture,
          key: `tcp ${g.stream} ${dir}`,
          ours: s.streamBytes + s.gapBytes,
          tshark: span,
        });
      }
    }
    rows.push({ capture, key: `tcp ${g.stream} (frame ${id})`, problem });
  }
  for (const extra of mine.keys()) {
    rows.push({
      capture,
      key: `tcp extra (frame ${extra})`,
      problem: "tshark has no such conversation",
    });
  }
  return rows;
}

/**
 * UDP: tshark's `udp.stream` never times out, while we close a UDP
 * conversation after `udpIdleTimeout` quiet seconds (as Zeek does), so our
 * conversations on one 5-tuple are summed before comparing.
 */
function compareUdp(capture: string, expected: GoldenUdp[], events: DecodeEvent[]): Comparison[] {
  const mine = new Map<string, ConnectionEvent[]>();
  for (const c of closed(events, "udp")) {
    const id = ends(c.client, c.server);
    mine.set(id, [...(mine.get(id) ?? []), c]);
  }
  const rows: Comparison[] = [];
  for (const g of expected) {
    const id = ends(g.a, g.b);
    const cs = mine.get(id);
    mine.delete(id);
    let problem: string | undefined = "no such conversation";
    if (cs !== undefined) {
      const sum = { pktsAB: 0, pktsBA: 0, bytesAB: 0, bytesBA: 0 };
      for (const c of cs) {
        const o = ours(c, g.a);
        for (const k of ["pktsAB", "pktsBA", "bytesAB", "bytesBA"] as const) sum[k] += o[k];
      }
      problem = diff(sum, g);
    }
    rows.push({ capture, key: `udp ${g.stream} (${id})`, problem });
  }
  for (const extra of mine.keys()) {
    rows.push({ capture, key: `udp extra (${extra})`, problem: "tshark has no such conversation" });
  }
  return rows;
}

function closed(events: DecodeEvent[], transport: "tcp" | "udp"): ConnectionEvent[] {
  return events.filter((e): e is ConnectionEvent =>
    e.type === "connection" && e.action === "close" && e.transport === transport
  );
}

function ends(a: GoldenEndpoint, b: GoldenEndpoint): string {
  return [endpointText(a), endpointText(b)].sort().join(" ");
}

for (const [name, expected] of Object.entries(golden.captures)) {
  Deno.test({
    name: `corpus ${name}: conversations agree with tshark`,
    ignore: !present,
    sanitizeResources: false,
    fn: async () => {
      const file = await Deno.open(new URL(name, corpus));
      const events: DecodeEvent[] = [];
      for await (const e of decode(file.readable)) events.push(e);
      const summary = events.at(-1);
      assert.equal(summary?.type, "summary");
      const rows = [
        ...compareTcp(name, expected.tcp, events),
        ...compareUdp(name, expected.udp, events),
      ];
      results.push(...rows);
      const unexplained = rows.filter((r) =>
        r.problem !== undefined && KNOWN_DIFFERENCES[`${name} ${r.key}`] === undefined
      );
      assert.deepEqual(unexplained.map((r) => `${r.key}: ${r.problem}`), []);
      if (summary?.type === "summary" && KNOWN_DIFFERENCES[`${name} frames`] === undefined) {
        assert.equal(summary.frames, expected.frames);
      }
    },
  });
}

Deno.test({
  name: "corpus agreement with tshark (figure)",
  ignore: !present,
  fn: () => {
    for (const transport of ["tcp", "udp"]) {
      const rows = results.filter((r) => r.key.startsWith(transport));
      const agree = rows.filter((r) => r.problem === undefined).length;
      console.log(
        `${transport.toUpperCase()} conversations agreeing with tshark (packets and payload bytes each way): ` +
          `${agree}/${rows.length} (${((100 * agree) / Math.max(1, rows.length)).toFixed(2)}%)`,
      );
    }
    const explained = results.filter((r) => r.problem !== undefined);
    for (const r of explained) {
      const why = KNOWN_DIFFERENCES[`${r.capture} ${r.key}`] ?? "UNEXPLAINED";
      console.log(`  ${r.capture} ${r.key}: ${r.problem}\n    because ${why}`);
    }
  },
});

Deno.test({
  name: "corpus reassembled stream lengths agree with tshark's sequence spans (figure)",
  ignore: !present,
  fn: () => {
    const agree = spans.filter((s) => s.ours === s.tshark).length;
    console.log(
      `TCP directions whose reassembled length (delivered + gap bytes) equals tshark's ` +
        `sequence span: ${agree}/${spans.length}`,
    );
    const unexplained: string[] = [];
    for (const s of spans.filter((s) => s.ours !== s.tshark)) {
      const why = KNOWN_DIFFERENCES[`${s.capture} span ${s.key}`];
      console.log(
        `  ${s.capture} ${s.key}: ours ${s.ours} vs tshark ${s.tshark}\n    because ${
          why ?? "UNEXPLAINED"
        }`,
      );
      if (why === undefined) unexplained.push(`${s.capture} ${s.key}`);
    }
    assert.deepEqual(unexplained, []);
  },
});
