/**
 * `save N [path]` in the REPL: the capture is decoded again (the decoder is
 * deterministic, so open ids repeat) and only the chosen file's bytes are
 * written, at their offsets, to a new file (never over an existing one).
 * @module
 */
import { safeComponent } from "../../lib/files/path.ts";
import { type ContentSink, Decoder, type FileEvent } from "../../mod.ts";
import { readCapture } from "./capture_file.ts";

/** Where a file event's content came from in the first decode: its open's id. */
export type FileIds = Map<FileEvent, number>;

/** A sink that only notes which open each file event with content belongs to. */
export function idRecorder(ids: FileIds): ContentSink {
  return { write() {}, end: (file, event) => void ids.set(event, file.id) };
}

/** The default target: the file's own name, made safe, in the current folder. */
export function defaultSavePath(event: FileEvent): string {
  const parts = event.path.split("\\");
  return safeComponent(parts[parts.length - 1] ?? "");
}

/**
 * Decode `capture` again and write open `id`'s bytes to `dest` (created new);
 * returns how many bytes were written and the size the file was cut to.
 */
export function saveFile(capture: string, id: number, dest: string): { written: number } {
  // Created first, so an existing file stops the save here (errors inside the decode are anomalies).
  let out: Deno.FsFile | undefined = Deno.openSync(dest, { write: true, createNew: true });
  let written = 0;
  const sink: ContentSink = {
    write(file, offset, data) {
      if (file.id !== id || out === undefined) return;
      out.seekSync(offset, Deno.SeekMode.Start);
      let view = data;
      while (view.length > 0) view = view.subarray(out.writeSync(view));
      written += data.length;
    },
    end(file, event) {
      if (file.id !== id || out === undefined) return;
      if (event.size !== undefined) out.truncateSync(event.size);
      out.close();
      out = undefined;
    },
  };
  const decoder = new Decoder({ files: { sink, hashes: false } });
  try {
    readCapture(capture, (chunk) => decoder.push(chunk));
    decoder.end();
  } finally {
    out?.close();
  }
  return { written };
}
