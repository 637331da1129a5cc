/**
 * What hostile captures cost (issue 16): builds each (once, cached in
 * bench/out/hostile/) with tools/hostile/captures.ts, decodes it with the CLI
 * as `deno task decode` runs it (V8 semi-spaces of 8 MiB, text output to
 * nowhere) in its own process, and prints the medians of time, CPU time and
 * peak RSS over the runs against the targets. No test asserts these: they depend on the machine.
 *
 *     deno run -A bench/hostile.ts [--runs 3] [--only syn-flood,…]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { announcedTransactions, gzipBomb, HOSTILE } from "../tools/hostile/captures.ts";
import {
  descendingWrites,
  kerberosDribble,
  opensAcrossSessions,
  rpcCallFlood,
  rpcFragmentFlood,
  sessionFlood,
} from "../tools/hostile/amplifiers.ts";
import { taskV8Flags } from "./task_flags.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    only: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: deno run -A bench/hostile.ts [--runs N] [--only name,name...]\n" +
      "Builds each hostile capture once (bench/out/hostile/), decodes it with the CLI as\n" +
      "`deno task decode` does, and prints median time, CPU time and peak RSS against the targets.",
  );
  Deno.exit(0);
}
const out = new URL("./out/hostile/", import.meta.url);
Deno.mkdirSync(out, { recursive: true });

interface Case {
  name: string;
  /** What it is, for the table. */
  what: string;
  /** Writes the capture to `path`. */
  make: (path: string) => Promise<void>;
  /** Peak RSS target, MB, and time target, seconds (from the issue, or ours). */
  rssMb: number;
  seconds: number;
}

/** Writes the parts of a generator to a file in 1 MiB writes. */
async function writeParts(path: string, parts: Iterable<Uint8Array>): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  let held: Uint8Array[] = [], size = 0;
  const flush = async () => {
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of held) all.set(p, (at += p.length) - p.length);
    for (let w = 0; w < all.length;) w += await file.write(all.subarray(w));
    held = [];
    size = 0;
  };
  for (const p of parts) {
    held.push(p);
    size += p.length;
    if (size >= 1 << 20) await flush();
  }
  await flush();
  file.close();
}

const hostile = (name: string, n: number) => (path: string) => writeParts(path, HOSTILE[name]!(n));
const whole = (make: () => Uint8Array) => (path: string) => Deno.writeFile(path, make());
const gzip = (mb: number, pcap: boolean) => async (path: string) => {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  await gzipBomb(mb, pcap).pipeTo(file.writable);
};

const CASES: Case[] = [
  {
    name: "syn-flood",
    what: "1 000 000 SYNs to distinct ports",
    make: hostile("syn-flood", 1_000_000),
    rssMb: 200,
    seconds: 30,
  },
  {
    name: "fragment-flood",
    what: "1 000 000 first fragments, never completed",
    make: hostile("fragment-flood", 1_000_000),
    rssMb: 200,
    seconds: 30,
  },
  {
    name: "out-of-order-flood",
    what: "1 000 000 one-byte segments, last first",
    make: hostile("out-of-order-flood", 1_000_000),
    rssMb: 200,
    seconds: 30,
  },
  {
    name: "compression-bombs",
    what: "300 LZ77 bombs + 20 LZ77 WRITEs of 16 MiB",
    make: hostile("compression-bombs", 300),
    rssMb: 200,
    seconds: 5,
  },
  {
    name: "pattern-bombs",
    what: "2 000 Pattern_V1 bombs on 100 connections",
    make: hostile("pattern-bombs", 2000),
    rssMb: 200,
    seconds: 5,
  },
  {
    name: "chain-bombs",
    what: "1 000 AndX chains, compounds and compound loops",
    make: hostile("chain-bombs", 1000),
    rssMb: 200,
    seconds: 10,
  },
  {
    name: "open-file-flood",
    what: "100 000 files written 100 bytes each, never closed",
    make: hostile("open-file-flood", 100_000),
    rssMb: 200,
    seconds: 10,
  },
  {
    name: "partial-messages",
    what: "200 connections each 1.9 MB into a 2 MiB message, never finished",
    make: hostile("partial-messages", 200),
    rssMb: 200,
    seconds: 10,
  },
  {
    name: "announced-transactions",
    what: "3 000 SMB1 connections of 8 NT_TRANSACTs announcing 1 MiB, sending 8 bytes",
    make: hostile("announced-transactions", 24_000),
    rssMb: 200,
    seconds: 5,
  },
  {
    name: "session-flood",
    what: "1 000 000 SESSION_SETUP answers under new SessionIds on one connection",
    make: whole(() => sessionFlood(1_000_000)),
    rssMb: 200,
    seconds: 30,
  },
  {
    name: "rpc-fragment-flood",
    what: "3 associations, 1 000 000 one-byte stub fragments each",
    make: whole(() => rpcFragmentFlood(1_000_000, 3)),
    rssMb: 200,
    seconds: 5,
  },
  {
    name: "rpc-call-flood",
    what: "2 000 associations of 256 DCE/RPC calls never answered",
    make: whole(() => rpcCallFlood(2000, 256)),
    rssMb: 200,
    seconds: 10,
  },
  {
    name: "descending-writes",
    what: "100 000 one-byte WRITEs at descending offsets",
    make: whole(() => descendingWrites(100_000)),
    rssMb: 200,
    seconds: 5,
  },
  {
    name: "kerberos-dribble",
    what: "2 Kerberos messages of 64 000 bytes in one-byte segments",
    make: whole(() => kerberosDribble(2)),
    rssMb: 200,
    seconds: 5,
  },
  {
    name: "opens-across-sessions",
    what: "30 SMB2 sessions of 10 000 one-byte files each, never closed",
    make: whole(() => opensAcrossSessions(30, 10_000)),
    rssMb: 200,
    seconds: 30,
  },
  {
    name: "unanswered-requests",
    what: "1 000 SMB1 connections of 256 NT_TRANSACT requests never answered",
    make: whole(() => announcedTransactions(1000, 256).pcap),
    rssMb: 200,
    seconds: 10,
  },
  {
    name: "gzip-zeros",
    what: "1 GiB of zeros, gzipped (1 MB)",
    make: gzip(1024, false),
    rssMb: 200,
    seconds: 5,
  },
  {
    name: "gzip-pcap-zeros",
    what: "pcap header + 1 GiB of zeros, gzipped",
    make: gzip(1024, true),
    rssMb: 200,
    seconds: 300,
  },
];

const only = values.only?.split(",");
const rows: string[][] = [];
for (const c of CASES) {
  if (only !== undefined && !only.includes(c.name)) continue;
  const ext = c.name.startsWith("gzip") ? "pcap.gz" : "pcap";
  const path = new URL(`${c.name}.${ext}`, out).pathname;
  try {
    Deno.statSync(path);
  } catch {
    console.error(`building ${path}…`);
    await c.make(path);
  }
  const size = Deno.statSync(path).size;
  const runs: { seconds: number; cpuSeconds: number; peakRssMb: number }[] = [];
  for (let r = 0; r < Number(values.runs); r++) {
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        taskV8Flags("decode"),
        new URL("./cli_peak.ts", import.meta.url).pathname,
        "decode",
        path,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    const line = new TextDecoder().decode(run.stderr).trim().split("\n").at(-1) ?? "{}";
    runs.push(JSON.parse(line));
  }
  // Medians, each on its own.
  const median = (f: (r: (typeof runs)[number]) => number) =>
    runs.map(f).sort((a, b) => a - b)[runs.length >> 1]!;
  const best = {
    seconds: median((r) => r.seconds),
    cpuSeconds: median((r) => r.cpuSeconds),
    peakRssMb: median((r) => r.peakRssMb),
  };
  const ok = best.peakRssMb <= c.rssMb && best.seconds <= c.seconds;
  rows.push([
    c.name,
    c.what,
    (size / 1e6).toFixed(1),
    best.seconds.toFixed(2),
    best.cpuSeconds.toFixed(2),
    best.peakRssMb.toFixed(0),
    `< ${c.rssMb} MB, < ${c.seconds} s`,
    ok ? "yes" : "NO",
  ]);
  console.error(rows.at(-1)!.join("  "));
}
const head = ["case", "input", "MB", "seconds", "CPU s", "peak RSS MB", "target", "met"];
console.log(`| ${head.join(" | ")} |`);
console.log(`| ${head.map(() => "---").join(" | ")} |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
