/**
 * Where carved content goes: the CLI writes files to a folder, the HTTP
 * function into a zip, a library user wherever it likes.
 * @module
 */
import type { FileEvent } from "../events.ts";
import type { OpenFile } from "../smb/io.ts";

/**
 * Receives the content of disk files as it is seen, piece by piece, at its
 * offsets (in any order, possibly more than once: the last piece wins), then
 * the file's final event. Pipes and directories are not handed over.
 *
 * @example Keeping every carved file in memory
 * ```ts
 * import { Decoder, type ContentSink } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * const files = new Map<number, Uint8Array>();
 * const sizes: number[] = [];
 * const sink: ContentSink = {
 *   write(file, offset, data) {
 *     const old = files.get(file.id) ?? new Uint8Array(0);
 *     const grown = new Uint8Array(Math.max(old.length, offset + data.length));
 *     grown.set(old);
 *     grown.set(data, offset);
 *     files.set(file.id, grown);
 *   },
 *   end(file, event) {
 *     if (event.complete) sizes.push(files.get(file.id)?.length ?? 0);
 *   },
 * };
 * const decoder = new Decoder({ files: { sink } });
 * decoder.push(Deno.readFileSync("fixtures/smb/smb2_10.pcap"));
 * decoder.end();
 * // The fixture's script put a 40 000-byte file and read it back.
 * assert.deepEqual(sizes, [40000, 40000]);
 * ```
 */
export interface ContentSink {
  /** Bytes of `file` at `offset`; `data` is a view valid only during the call. */
  write(file: OpenFile, offset: number, data: Uint8Array): void;
  /** The file's event, once final (only for files that had a `write`). */
  end(file: OpenFile, event: FileEvent): void;
}
