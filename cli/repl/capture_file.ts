/**
 * Reading the REPL's capture file again, whole, for `save` and `export`
 * (the decoder is deterministic: frames and open ids repeat).
 * @module
 */
import { gunzipSync } from "node:zlib";
import { isGzip } from "../../lib/capture/sniff.ts";

/** Hand `capture`'s bytes to `push` in 1 MiB chunks; gzip input is inflated (whole: rare here). */
export function readCapture(capture: string, push: (chunk: Uint8Array) => void): void {
  const file = Deno.openSync(capture);
  try {
    const head = new Uint8Array(2);
    const n = file.readSync(head) ?? 0;
    file.seekSync(0, Deno.SeekMode.Start);
    if (n === 2 && isGzip(head)) {
      push(new Uint8Array(gunzipSync(Deno.readFileSync(capture))));
      return;
    }
    const chunk = new Uint8Array(1 << 20);
    for (let r = file.readSync(chunk); r !== null; r = file.readSync(chunk)) {
      push(chunk.subarray(0, r));
    }
  } finally {
    file.close();
  }
}
