/** Test-only: decoding a capture pushed in pieces, and finding the fixture captures. */
import { type DecodeEvent, Decoder, type DecoderOptions } from "../../mod.ts";

/** Every event of one decoder fed `bytes` in `chunk`-byte pushes, then ended. */
export function decodeInChunks(
  bytes: Uint8Array,
  options: DecoderOptions = {},
  chunk = 1 << 16,
): DecodeEvent[] {
  const d = new Decoder(options);
  const events: DecodeEvent[] = [];
  for (let at = 0; at < bytes.length; at += chunk) {
    events.push(...d.push(bytes.subarray(at, at + chunk)));
  }
  events.push(...d.end());
  return events;
}

/** Paths of the captures under `dir` (pcap, pcapng, cap, and their `.gz`), sorted. */
export function capturesUnder(dir: URL): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) found.push(...capturesUnder(url));
    else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(entry.name)) found.push(url.pathname);
  }
  return found.sort();
}
