/**
 * `decode --parquet DIR`: one Parquet file per event type (`smb.parquet`,
 * `file.parquet`...) with the typed columns of lib/output/columns.ts, written
 * in row groups as events come. Memory holds at most twice a row group's
 * rows over all types: past that the type with most rows waiting is written
 * (a rare type otherwise kept up to a row group of its events until the
 * end, and a dozen types a dozen groups: 1 GB of dense SMB grew the live
 * heap from 65 to 116 MB).
 * The writer is hyparquet-writer (pure JavaScript, MIT): it is imported here
 * only, and this file only when `--parquet` is given.
 * @module
 */
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";
import type { DecodeEvent, EventType } from "../mod.ts";
import { type Column, type ColumnType, EVENT_COLUMNS } from "../lib/output/columns.ts";

/** Rows per row group: a few MB of column data for the widest tables. */
export const ROWS_PER_GROUP = 10_000;

/** Parquet schema elements for our column types (all OPTIONAL: a value may be missing). */
function element(c: Column): SchemaElement {
  const base = { name: c.name, repetition_type: "OPTIONAL" } as const;
  switch (c.type) {
    case "STRING":
      return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8" };
    case "JSON":
      return { ...base, type: "BYTE_ARRAY", converted_type: "JSON" };
    case "INT32":
      return { ...base, type: "INT32" };
    case "INT64":
      return { ...base, type: "INT64" };
    case "DOUBLE":
      return { ...base, type: "DOUBLE" };
    case "BOOLEAN":
      return { ...base, type: "BOOLEAN" };
    case "TIMESTAMP":
      return { ...base, type: "INT64", converted_type: "TIMESTAMP_MICROS" };
  }
}

/** A cell as the writer takes it, or null. */
function cell(type: ColumnType, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (type) {
    case "STRING":
      return typeof v === "string" ? v : String(v);
    case "JSON":
      // The writer serialises JSON columns itself (JSON.stringify).
      return v;
    case "INT32":
      return typeof v === "number" && Number.isInteger(v) ? v : null;
    case "INT64":
      return typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : null;
    case "DOUBLE":
      return typeof v === "number" ? v : null;
    case "BOOLEAN":
      return typeof v === "boolean" ? v : null;
    case "TIMESTAMP":
      return typeof v === "number" && Number.isFinite(v) ? BigInt(Math.round(v * 1e6)) : null;
  }
}

/** A ByteWriter that hands its bytes to a file after each row group. */
class FileByteWriter extends ByteWriter {
  constructor(readonly file: Deno.FsFile) {
    super(1 << 20);
  }

  flush(): void {
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    for (let at = 0; at < bytes.length;) at += this.file.writeSync(bytes.subarray(at));
    this.index = 0;
  }

  override finish(): void {
    this.flush();
    this.file.close();
  }
}

interface Table {
  columns: readonly Column[];
  writer: ParquetWriter;
  /** Column values of the rows not yet written. */
  pending: unknown[][];
  rows: number;
}

/** Writes events to `<dir>/<type>.parquet`, one file per event type that occurs. */
export class ParquetFolder {
  readonly #tables = new Map<EventType, Table>();
  /** Rows written per event type. */
  readonly counts = new Map<EventType, number>();
  /** Rows waiting over every type. */
  #waiting = 0;
  /** The most rows waiting over every type (for tests). */
  mostWaiting = 0;

  /**
   * @param dir the folder (created if missing; files of the same name in it are replaced)
   * @param rowsPerGroup rows gathered per type before they are written as a row group
   */
  constructor(readonly dir: string, readonly rowsPerGroup: number = ROWS_PER_GROUP) {
    Deno.mkdirSync(dir, { recursive: true });
  }

  /** Add one event as a row of its type's table. */
  add(e: DecodeEvent): void {
    const t = this.#table(e.type);
    t.columns.forEach((c, i) => t.pending[i]!.push(cell(c.type, c.get(e))));
    this.counts.set(e.type, (this.counts.get(e.type) ?? 0) + 1);
    this.#waiting++;
    if (++t.rows >= this.rowsPerGroup) this.#flush(t);
    else if (this.#waiting > 2 * this.rowsPerGroup) this.#flush(this.#fullest());
    if (this.#waiting > this.mostWaiting) this.mostWaiting = this.#waiting;
  }

  /** The table with most rows waiting. */
  #fullest(): Table {
    let most: Table | undefined;
    for (const t of this.#tables.values()) if (most === undefined || t.rows > most.rows) most = t;
    return most!;
  }

  /** Write the last row groups and the files' footers. */
  close(): void {
    for (const t of this.#tables.values()) {
      this.#flush(t);
      t.writer.finish();
    }
    this.#tables.clear();
  }

  #table(type: EventType): Table {
    let t = this.#tables.get(type);
    if (t === undefined) {
      const columns = EVENT_COLUMNS[type];
      const file = Deno.openSync(`${this.dir}/${type}.parquet`, {
        write: true,
        create: true,
        truncate: true,
      });
      const writer = new ParquetWriter({
        writer: new FileByteWriter(file),
        schema: [{ name: "root", num_children: columns.length }, ...columns.map(element)],
        createdBy: "smbscope",
      });
      t = { columns, writer, pending: columns.map(() => []), rows: 0 };
      this.#tables.set(type, t);
    }
    return t;
  }

  #flush(t: Table): void {
    if (t.rows === 0) return;
    t.writer.write({
      columnData: t.columns.map((c, i) => ({ name: c.name, data: t.pending[i]! })),
      rowGroupSize: t.rows,
    });
    t.pending = t.columns.map(() => []);
    this.#waiting -= t.rows;
    t.rows = 0;
  }
}
