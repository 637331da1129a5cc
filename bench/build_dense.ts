/**
 * Builds the SMB-dense benchmark capture: every public capture of the shared
 * corpus (`../shared/pcaps/public`) that carries SMB, each distinct file
 * once (by digest), its Ethernet IPv4 frames replayed in shifted copies by
 * {@link writeReplicated} until the capture reaches the size asked for.
 * Many small SMB messages (logins, tree connects, creates, DCE/RPC over
 * pipes, directory listings) and few bulk reads: the traffic analysts get.
 *
 *     deno run -R -W bench/build_dense.ts out.pcap [megabytes=200]
 *
 * @module
 */
import { fixtureFrames, writeReplicated } from "./build_capture.ts";
import { positional, withUsage } from "./usage.ts";

/** Longest pause kept between two frames of a source, seconds. */
const MAX_PAUSE = 5;

/** Where the shared corpus lives, relative to this file. */
export const CORPUS = new URL("../../shared/pcaps/public/", import.meta.url);

interface CatalogEntry {
  path: string;
  sha256: string;
  gzip: boolean;
  frame_counts: Record<string, number>;
}

/** Paths of the corpus captures that carry SMB, one per distinct file, in catalog order. */
export function denseSources(corpus: URL = CORPUS): string[] {
  const catalog = JSON.parse(Deno.readTextFileSync(new URL("catalog.json", corpus))) as {
    captures: CatalogEntry[];
  };
  const seen = new Set<string>();
  const paths: string[] = [];
  for (const c of catalog.captures) {
    const smb = (c.frame_counts.smb ?? 0) + (c.frame_counts.smb2 ?? 0);
    if (smb === 0 || c.gzip || seen.has(c.sha256)) continue;
    seen.add(c.sha256);
    paths.push(new URL(c.path, corpus).pathname);
  }
  return paths;
}

/** Build the dense capture at `out` of at least `megabytes` MB. */
export async function buildDense(
  out: string,
  megabytes: number,
): Promise<{ bytes: number; frames: number; sources: number }> {
  const sources = denseSources();
  // The sources were captured years apart: laid end to end, with pauses inside each
  // shortened to at most MAX_PAUSE, time moves forward as in one long capture.
  const frames = [];
  let clock = 0;
  for (const source of sources) {
    let last: number | undefined;
    for (const f of fixtureFrames([source])) {
      const pause = last === undefined ? 0.001 : Math.min(Math.max(f.ts - last, 0), MAX_PAUSE);
      last = f.ts;
      clock += pause;
      frames.push({ ...f, ts: clock });
    }
  }
  const made = await writeReplicated(out, frames, megabytes * 1e6);
  return { ...made, sources: sources.length };
}

if (import.meta.main) {
  const [out, mb = "200"] = withUsage(
    "usage: deno run -R -W bench/build_dense.ts OUT.pcap [megabytes=200]",
    (args) => positional(args, 1).positionals as [string, ...string[]],
  );
  console.log(JSON.stringify(await buildDense(out, Number(mb))));
}
