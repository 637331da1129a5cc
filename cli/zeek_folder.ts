/**
 * `decode --zeek DIR`: Zeek's logs (`conn.log`, `smb_mapping.log`,
 * `smb_files.log`, `ntlm.log`, `dce_rpc.log`, `files.log`, `notice.log`)
 * written to a folder, TSV with Zeek's header lines, or JSON lines with
 * `--zeek-json`. A log's file is created when its first line comes, so
 * only the logs that have events exist.
 * @module
 */
import type { ZeekLine } from "../lib/output/zeek/logs.ts";
import {
  zeekJsonLine,
  type ZeekLogSpec,
  zeekTsvFooter,
  zeekTsvHeader,
  zeekTsvLine,
} from "../lib/output/zeek/format.ts";

/** Bytes of text kept per log before it is written. */
const FLUSH_AT = 1 << 16;

interface OpenLog {
  file: Deno.FsFile;
  pending: string[];
  size: number;
}

/** Writes {@link ZeekLine}s to `<dir>/<path>.log`, one file per log. */
export class ZeekFolder {
  readonly #logs = new Map<string, OpenLog>();
  readonly #encoder = new TextEncoder();
  /** Lines written per log path, for the closing message. */
  readonly counts = new Map<string, number>();

  /**
   * @param dir the folder (created if missing; logs of the same name in it are replaced)
   * @param json JSON lines instead of TSV
   */
  constructor(readonly dir: string, readonly json: boolean) {
    Deno.mkdirSync(dir, { recursive: true });
  }

  /** Append lines to their logs. */
  add(lines: readonly ZeekLine[]): void {
    for (const { spec, record } of lines) {
      const log = this.#open(spec);
      const text = this.json ? zeekJsonLine(spec, record) : zeekTsvLine(spec, record);
      log.pending.push(text);
      log.size += text.length + 1;
      this.counts.set(spec.path, (this.counts.get(spec.path) ?? 0) + 1);
      if (log.size > FLUSH_AT) this.#flush(log);
    }
  }

  /** Write what is pending, close each TSV log with its `#close` line, close the files. */
  close(): void {
    for (const log of this.#logs.values()) {
      if (!this.json) log.pending.push(zeekTsvFooter(new Date()));
      this.#flush(log);
      log.file.close();
    }
    this.#logs.clear();
  }

  #open(spec: ZeekLogSpec): OpenLog {
    let log = this.#logs.get(spec.path);
    if (log === undefined) {
      const file = Deno.openSync(`${this.dir}/${spec.path}.log`, {
        write: true,
        create: true,
        truncate: true,
      });
      log = { file, pending: this.json ? [] : zeekTsvHeader(spec, new Date()), size: 0 };
      this.#logs.set(spec.path, log);
    }
    return log;
  }

  #flush(log: OpenLog): void {
    if (log.pending.length === 0) return;
    const bytes = this.#encoder.encode(log.pending.join("\n") + "\n");
    log.pending = [];
    log.size = 0;
    for (let at = 0; at < bytes.length;) at += log.file.writeSync(bytes.subarray(at));
  }
}
