/**
 * The fuzzer's seeds: every capture under fixtures/ and, when present, the
 * shared corpus (../shared/pcaps), read into frames with the project's own
 * capture reader.
 * @module
 */
import { CaptureReader } from "../../lib/capture/reader.ts";
import { DEFAULT_LIMITS } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";

/** One frame of a seed capture. */
export interface SeedFrame {
  ts: number;
  linktype: number;
  origlen: number;
  bytes: Uint8Array;
}

/** One seed capture, as frames. */
export interface Seed {
  /** Its path, relative to the project or the corpus. */
  name: string;
  frames: SeedFrame[];
}

const CAPTURE = /\.(pcap|pcapng|cap)$/i;

/** Capture files under `dir` (recursively), sorted, as paths. */
export function capturesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)];
    } catch {
      return;
    }
    for (const e of entries) {
      const path = `${d}/${e.name}`;
      if (e.isDirectory) walk(path);
      else if (e.isFile && CAPTURE.test(e.name)) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Reads a capture into frames; frames past `maxFrames` and captures past
 * `maxBytes` are left out (the fuzzer takes windows of a few dozen frames).
 */
export function readSeed(path: string, name: string, maxFrames = 20_000): Seed | undefined {
  const frames: SeedFrame[] = [];
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch {
    return undefined;
  }
  const reader = new CaptureReader(
    (f) => {
      if (frames.length < maxFrames) {
        frames.push({ ts: f.ts, linktype: f.linktype, origlen: f.origlen, bytes: f.bytes.slice() });
      }
    },
    new Reporter([], 0),
    DEFAULT_LIMITS,
  );
  reader.push(bytes);
  reader.end();
  return frames.length > 0 ? { name, frames } : undefined;
}

/** The seeds: fixtures/ always, the shared corpus when `corpus` exists. */
export function loadSeeds(root: string, corpus: string | undefined): Seed[] {
  const seeds: Seed[] = [];
  const add = (dir: string, prefix: string) => {
    for (const path of capturesUnder(dir)) {
      const seed = readSeed(path, prefix + path.slice(dir.length + 1));
      if (seed !== undefined) seeds.push(seed);
    }
  };
  add(`${root}/fixtures`, "fixtures/");
  if (corpus !== undefined) add(corpus, "corpus/");
  return seeds;
}
