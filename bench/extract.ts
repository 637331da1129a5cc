/**
 * What file carving costs: `decode --extract` on an SMB3 bulk transfer
 * (fixtures/smb/smb3_bulk.pcap replicated to the size asked: each copy puts
 * and gets a 3 MiB file), run through the CLI in separate processes. Rows:
 * file events only (`--no-hashes`, no extraction), with hashes, and
 * `--extract` to a temporary folder with hashes; best of `--runs` wall
 * times, Deno start-up included, and peak RSS (GNU time's maximum resident
 * set). The carved files are checked against the fixture's SHA-256.
 *
 *     deno run -A bench/extract.ts [--mb 1000] [--runs 3]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { bulkCapture } from "./smb_overhead.ts";
import { withUsage } from "./usage.ts";

const { values } = withUsage(
  "usage: deno run -A bench/extract.ts [--mb 1000] [--runs 3]",
  (args) =>
    parseArgs({
      args,
      options: { mb: { type: "string", default: "1000" }, runs: { type: "string", default: "3" } },
    }),
);
const mb = Number(values.mb), runs = Number(values.runs);
const path = await bulkCapture(mb);
const size = Deno.statSync(path).size;
/** The CLI as `deno task decode` runs it: the bundle (tools/build.ts). */
const cli = new URL("../dist/smbscope.js", import.meta.url).pathname;
const expected = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/smb/smb3_bulk.expected.json", import.meta.url)),
).files[0].sha256 as string;

interface Row {
  name: string;
  seconds: number;
  peakRssMb: number;
}

async function once(args: string[]): Promise<{ seconds: number; peakRssMb: number }> {
  const started = performance.now();
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M", Deno.execPath(), "run", "-A", cli, "decode", path, "-q", ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const err = new TextDecoder().decode(out.stderr).trim().split("\n");
  if (!out.success) throw new Error(err.join("\n"));
  return { seconds, peakRssMb: Number(err.at(-1)) / 1024 };
}

async function best(name: string, args: () => string[], after?: () => void): Promise<Row> {
  let row: Row | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await once(args());
    after?.();
    if (row === undefined || r.seconds < row.seconds) row = { name, ...r };
  }
  return row!;
}

let checked = 0;
const rows = [
  await best("file events, no hashes", () => ["-t", "summary", "--no-hashes"]),
  await best("file events with MD5, SHA-1, SHA-256", () => ["-t", "summary"]),
];
let dir = "";
rows.push(
  await best(
    "--extract (hashes on)",
    () => {
      dir = Deno.makeTempDirSync({ prefix: "smbscope-extract-" });
      return ["-t", "summary", "--extract", dir];
    },
    () => {
      // Every carved file is the fixture's 3 MiB file (each copy has its own server address).
      const walk = (d: string) => {
        for (const e of Deno.readDirSync(d)) {
          const p = `${d}/${e.name}`;
          if (e.isDirectory) walk(p);
          else if (!e.name.endsWith(".json")) {
            const hash = createHash("sha256").update(Deno.readFileSync(p)).digest("hex");
            if (hash !== expected) throw new Error(`${p}: ${hash}`);
            checked++;
          }
        }
      };
      walk(dir);
      Deno.removeSync(dir, { recursive: true });
    },
  ),
);
console.log(
  `${path}: ${(size / 1e6).toFixed(0)} MB; ${checked / runs} files carved per run, all ${
    expected.slice(0, 12)
  }…`,
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(40)} ${r.seconds.toFixed(2).padStart(7)} s ${
      (size / 1e6 / r.seconds).toFixed(0).padStart(6)
    } MB/s  peak RSS ${r.peakRssMb.toFixed(0)} MB`,
  );
}
