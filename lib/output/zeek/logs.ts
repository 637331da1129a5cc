/**
 * Turning the event stream into Zeek's logs: `conn`, `smb_mapping`,
 * `smb_files`, `ntlm`, `dce_rpc`, `files` and `notice`. Some columns join
 * events (a connection's services, the times of a file's open, an SMB1 tree's
 * service), so this keeps a little state, bounded and dropped as connections
 * close.
 * @module
 */
import type { DecodeEvent, EventType, SmbEvent, TreeEvent } from "../../events.ts";
import type { ZeekLogSpec, ZeekRecord } from "./format.ts";
import { ZEEK_CONN, zeekConnRecord } from "./conn.ts";
import { ZEEK_SMB_MAPPING, zeekSmbMappingRecord } from "./smb_mapping.ts";
import {
  type OpenedFile,
  ZEEK_SMB_FILES,
  zeekSmbFileActionRecords,
  zeekSmbFileOpenRecord,
} from "./smb_files.ts";
import { normalisePath } from "../../files/path.ts";
import { BoundedMap } from "../../state/bounded_map.ts";
import { ZEEK_FILES, zeekFilesRecord } from "./files.ts";
import { ZEEK_NTLM, zeekNtlmRecord } from "./ntlm.ts";
import { ZEEK_NOTICE, zeekNoticeRecord } from "./notice.ts";
import { ZEEK_DCE_RPC, zeekDceRpcRecord } from "../zeek_dce_rpc.ts";

/** Every log, and the event type its lines come from (what `--types` selects). */
export const ZEEK_LOGS: readonly { spec: ZeekLogSpec; from: EventType }[] = [
  { spec: ZEEK_CONN, from: "connection" },
  { spec: ZEEK_SMB_MAPPING, from: "tree" },
  { spec: ZEEK_SMB_FILES, from: "file" },
  { spec: ZEEK_NTLM, from: "ntlm" },
  { spec: ZEEK_DCE_RPC, from: "rpc" },
  { spec: ZEEK_FILES, from: "file" },
  { spec: ZEEK_NOTICE, from: "alert" },
];

/** One line for one log. */
export interface ZeekLine {
  /** The log it belongs in. */
  spec: ZeekLogSpec;
  /** Its values. */
  record: ZeekRecord;
  /** The type of the event it came from. */
  from: EventType;
}

/** Zeek's service name for the protocols our events stand for. */
const SERVICES: Partial<Record<EventType, string>> = {
  nbss: "netbios-ssn",
  smb: "smb",
  ntlm: "ntlm",
  kerberos: "krb",
  rpc: "dce_rpc",
};

/** Entries kept per join table at most (connections live at once; opens awaiting their close). */
const MAX_ENTRIES = 1 << 16;

/** How long a written `smb_files` line keeps the same line out (Zeek's `recent_files`, `&read_expire=3min`). */
const RECENT_SECONDS = 180;
/** `smb_files` lines remembered per connection. */
const MAX_RECENT_FILES = 4096;

/** Seconds from 1601-01-01 (the FILETIME epoch) to 1970-01-01. */
const FILETIME_EPOCH_OFFSET = 11644473600;

/**
 * `2011-11-26T21:46:03.9452974Z` (a FILETIME as the decoder prints it) as
 * seconds since the epoch, computed as Zeek does (the 100 ns count as a
 * double, over 10^7, less the epoch offset), so the values print the same.
 */
function filetimeSeconds(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(v);
  if (m === null) return undefined;
  const whole = Date.parse(`${m[1]}Z`) / 1000;
  if (!Number.isFinite(whole)) return undefined;
  const ticks = (BigInt(whole) + BigInt(FILETIME_EPOCH_OFFSET)) * 10_000_000n +
    BigInt((m[2] ?? "").padEnd(7, "0"));
  return Number(ticks) / 1e7 - FILETIME_EPOCH_OFFSET;
}

/**
 * Feed every event, in order; each call returns the log lines it completes.
 * Call {@link ZeekLogs.end} after the last event.
 *
 * @example Zeek's logs of a capture
 * ```ts
 * import { Decoder, ZeekLogs } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * const d = new Decoder();
 * const logs = new ZeekLogs();
 * const lines = [...d.push(Deno.readFileSync("fixtures/smb/smb1_session.pcap")), ...d.end()]
 *   .flatMap((e) => logs.add(e));
 * lines.push(...logs.end());
 * const mapping = lines.filter((l) => l.spec.path === "smb_mapping").map((l) => l.record.path);
 * assert.deepEqual(mapping, ["\\\\10.77.0.1\\IPC$", "\\\\10.77.0.1\\DATA"]);
 * ```
 */
export class ZeekLogs {
  readonly #services = new BoundedMap<number, string[]>({ max: MAX_ENTRIES });
  readonly #transports = new BoundedMap<number, "tcp" | "udp">({ max: MAX_ENTRIES });
  readonly #opens = new BoundedMap<string, OpenedFile>({ max: MAX_ENTRIES });
  /** Per connection, `smb_files` lines written lately (identity -> time last seen), as Zeek keeps them. */
  readonly #recent = new BoundedMap<number, BoundedMap<string, number>>({ max: MAX_ENTRIES });
  /** Share type by connection and tree id, from tree connects (pipes and printers are not files). */
  readonly #trees = new BoundedMap<string, string>({ max: MAX_ENTRIES });
  /** An SMB1 tree connect waits for its response message (the next event), which names its service. */
  #tree: TreeEvent | undefined;

  /** The lines an event completes. */
  add(e: DecodeEvent): ZeekLine[] {
    const out: ZeekLine[] = [];
    if (this.#tree !== undefined) {
      const tree = this.#tree;
      this.#tree = undefined;
      const smb1 = e.type === "smb" && e.command === "TREE_CONNECT_ANDX" && e.response &&
          e.evidence.connection === tree.evidence.connection &&
          e.evidence.frames[0] === tree.evidence.frames[0]
        ? { service: str(e.fields.service), nativeFileSystem: str(e.fields.nativeFileSystem) }
        : {};
      push(out, ZEEK_SMB_MAPPING, zeekSmbMappingRecord(tree, smb1), "tree");
    }
    const conn = e.type === "connection"
      ? e.id
      : e.type === "summary"
      ? undefined
      : e.evidence.connection;
    const service = SERVICES[e.type];
    if (service !== undefined && conn !== undefined) {
      const list = this.#services.get(conn) ?? [];
      if (!list.includes(service)) this.#services.set(conn, [...list, service]);
    }
    switch (e.type) {
      case "connection":
        if (e.action === "open") this.#transports.set(e.id, e.transport);
        else {
          push(out, ZEEK_CONN, zeekConnRecord(e, this.#services.get(e.id) ?? []), "connection");
          this.#services.delete(e.id);
          this.#recent.delete(e.id);
          this.#transports.delete(e.id);
        }
        break;
      case "tree":
        if (e.action === "connect" && e.shareType !== undefined && e.treeId !== undefined) {
          this.#trees.set(`${e.evidence.connection}/${e.treeId}`, e.shareType);
        }
        if (e.smbVersion === 1 && e.action === "connect") this.#tree = e;
        else push(out, ZEEK_SMB_MAPPING, zeekSmbMappingRecord(e), "tree");
        break;
      case "smb": {
        const opened = this.#opened(e);
        if (opened !== undefined) {
          const conn = {
            client: e.client,
            server: e.server,
            connection: e.evidence.connection ?? 0,
          };
          this.#smbFile(out, zeekSmbFileOpenRecord(conn, opened));
        }
        break;
      }
      case "file": {
        const key = `${e.evidence.connection}/${e.sessionId}/${e.handle}`;
        for (const r of zeekSmbFileActionRecords(e, this.#opens.get(key))) this.#smbFile(out, r);
        this.#opens.delete(key);
        push(out, ZEEK_FILES, zeekFilesRecord(e), "file");
        break;
      }
      case "ntlm":
        push(out, ZEEK_NTLM, zeekNtlmRecord(e), "ntlm");
        break;
      case "rpc":
        push(out, ZEEK_DCE_RPC, zeekDceRpcRecord(e), "rpc");
        break;
      case "alert": {
        const c = e.evidence.connection;
        push(
          out,
          ZEEK_NOTICE,
          zeekNoticeRecord(e, c === undefined ? undefined : this.#transports.get(c)),
          "alert",
        );
        break;
      }
    }
    return out;
  }

  /** Lines still held (an SMB1 tree connect whose response never came). */
  end(): ZeekLine[] {
    const tree = this.#tree;
    this.#tree = undefined;
    const out: ZeekLine[] = [];
    if (tree !== undefined) push(out, ZEEK_SMB_MAPPING, zeekSmbMappingRecord(tree), "tree");
    return out;
  }

  /**
   * An `smb_files` line, unless the same line (its action, file, size and
   * times but the access time) was written on its connection in the last
   * three minutes: Zeek's guard against logging repeated opens of one file.
   */
  #smbFile(out: ZeekLine[], r: ZeekRecord): void {
    const conn = Number(String(r.uid).slice(1));
    const ident = [
      r.action,
      r.fuid,
      r.name,
      r.path,
      r.size,
      r["times.modified"],
      r["times.created"],
      r["times.changed"],
    ].join("\u0000");
    const now = typeof r.ts === "number" ? r.ts : 0;
    let recent = this.#recent.get(conn);
    if (recent === undefined) {
      this.#recent.set(conn, recent = new BoundedMap({ max: MAX_RECENT_FILES }));
    }
    const last = recent.get(ident);
    recent.delete(ident);
    recent.set(ident, now);
    if (last !== undefined && now - last < RECENT_SECONDS) return;
    push(out, ZEEK_SMB_FILES, r, "file");
  }

  /**
   * A successful open of a disk file or directory: what its `SMB::FILE_OPEN`
   * line says, remembered until the file's event for its later lines.
   */
  #opened(e: SmbEvent): OpenedFile | undefined {
    if (!e.response || e.status !== 0) return undefined;
    if (e.command !== "CREATE" && e.command !== "NT_CREATE_ANDX") return undefined;
    const shareType = this.#trees.get(`${e.evidence.connection}/${e.treeId}`);
    if (shareType === "PIPE" || shareType === "PRINT" || e.fields.fileType === 2) return undefined;
    if (shareType === undefined && /\\IPC\$$/i.test(e.share ?? "")) return undefined;
    const f = e.fields;
    const handle = e.version === 2
      ? str(f.fileId)
      : typeof f.fid === "number"
      ? String(f.fid)
      : undefined;
    if (handle === undefined) return undefined;
    const opened: OpenedFile = {
      ts: e.request?.ts ?? e.evidence.ts,
      share: e.share,
      path: normalisePath(e.file ?? ""),
      size: typeof f.endOfFile === "number" ? f.endOfFile : undefined,
      modified: filetimeSeconds(f.lastWriteTime),
      accessed: filetimeSeconds(f.lastAccessTime),
      created: filetimeSeconds(f.creationTime),
      changed: filetimeSeconds(f.changeTime),
    };
    this.#opens.set(`${e.evidence.connection}/${e.sessionId}/${handle}`, opened);
    return opened;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function push(out: ZeekLine[], spec: ZeekLogSpec, record: ZeekRecord | undefined, from: EventType) {
  if (record !== undefined) out.push({ spec, record, from });
}
