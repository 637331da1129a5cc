/**
 * Choosing conversations for every output at once: by host, by port, and
 * SMB only (`--host`, `--port`, `--smb-only` in the CLI; `host`, `port`,
 * `smbOnly` in the HTTP function; `hosts` and `smbonly` in the REPL).
 * Event types are chosen per output, not here: the Zeek logs join events
 * of types a reader may not want printed.
 * @module
 */
import type { DecodeEvent, EventType } from "../events.ts";
import { BoundedMap } from "../state/bounded_map.ts";

/** Which conversations to keep. */
export interface SelectOptions {
  /** Keep conversations with one of these addresses at either end (IPv6 as RFC 5952 text). */
  hosts?: readonly string[];
  /** Keep conversations with one of these ports at either end. */
  ports?: readonly number[];
  /**
   * Keep only conversations that carried SMB, NetBIOS or DCE/RPC: their
   * events before the first such one are held back until it comes, and
   * dropped if the conversation ends without it.
   */
  smbOnly?: boolean;
}

/** Event types that show a conversation carries SMB, NetBIOS or DCE/RPC. */
const SMB_TYPES: ReadonlySet<EventType> = new Set([
  "smb",
  "nbss",
  "rpc",
  "tree",
  "file",
  "transcript",
  "ntlm",
  "kerberos",
]);

/** Conversations remembered at once (the decoder's own cap on live connections is lower). */
const MAX_CONVERSATIONS = 1 << 18;
/** Events held back for conversations not yet known to carry SMB, in all. */
const MAX_HELD = 1 << 16;

/** A decision about one conversation: kept, dropped, or (SMB only) not known yet. */
type Verdict = "keep" | "drop" | "hold";

/**
 * Filters an event stream by conversation. Feed every event in order to
 * {@link EventSelection.add}; it returns the events to output now (held ones
 * included once released). Events about no conversation (the summary, a
 * capture-level anomaly) always pass; an alert passes when its client or
 * server matches, or it names no address.
 *
 * @example Only the conversations of one host
 * ```ts
 * import { Decoder, EventSelection } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * const d = new Decoder();
 * const select = new EventSelection({ hosts: ["10.0.0.99"] });
 * const kept = [...d.push(Deno.readFileSync("fixtures/smb/smb1_session.pcap")), ...d.end()]
 *   .flatMap((e) => select.add(e));
 * assert.deepEqual(kept.map((e) => e.type), ["summary"]);
 * ```
 */
export class EventSelection {
  readonly #hosts: ReadonlySet<string> | undefined;
  readonly #ports: ReadonlySet<number> | undefined;
  readonly #smbOnly: boolean;
  readonly #verdicts: BoundedMap<number, Verdict> = new BoundedMap({
    max: MAX_CONVERSATIONS,
    // A forgotten conversation's held events go with it.
    onEvict: (gone) => {
      for (const [conn] of gone) this.#release(conn);
    },
  });
  readonly #held = new Map<number, DecodeEvent[]>();
  #heldCount = 0;

  /** A selection; with no options every event passes. */
  constructor(options: SelectOptions = {}) {
    this.#hosts = options.hosts?.length
      ? new Set(options.hosts.map((h) => h.toLowerCase()))
      : undefined;
    this.#ports = options.ports?.length ? new Set(options.ports) : undefined;
    this.#smbOnly = options.smbOnly === true;
  }

  /** Whether every event passes (no option given). */
  get passesAll(): boolean {
    return this.#hosts === undefined && this.#ports === undefined && !this.#smbOnly;
  }

  /** The events to output now for this one. */
  add(e: DecodeEvent): DecodeEvent[] {
    if (e.type === "summary") return [e];
    const conn = e.type === "connection" ? e.id : e.evidence.connection;
    const ends = "client" in e && e.client !== undefined && e.server !== undefined
      ? [e.client, e.server] as const
      : undefined;
    if (conn === undefined) return ends === undefined || this.#matches(ends) ? [e] : [];
    let verdict = this.#verdicts.get(conn);
    if (verdict === undefined) {
      // Events about a connection but without its addresses (some anomalies) wait for one that has them.
      if (ends === undefined) return this.#smbOnly ? this.#hold(conn, e) : [e];
      verdict = !this.#matches(ends) ? "drop" : this.#smbOnly ? "hold" : "keep";
      this.#remember(conn, verdict);
    }
    let out: DecodeEvent[] = [];
    if (verdict === "hold" && SMB_TYPES.has(e.type)) {
      verdict = "keep";
      this.#remember(conn, verdict);
      out = this.#release(conn);
    }
    if (verdict === "keep") out.push(e);
    else if (verdict === "hold") this.#hold(conn, e);
    if (e.type === "connection" && e.action === "close") {
      this.#verdicts.delete(conn);
      this.#release(conn);
    }
    return out;
  }

  #matches(ends: readonly [{ ip: string; port: number }, { ip: string; port: number }]): boolean {
    const [a, b] = ends;
    if (
      this.#hosts !== undefined && !this.#hosts.has(a.ip.toLowerCase()) &&
      !this.#hosts.has(b.ip.toLowerCase())
    ) return false;
    return this.#ports === undefined || this.#ports.has(a.port) || this.#ports.has(b.port);
  }

  #remember(conn: number, verdict: Verdict): void {
    this.#verdicts.set(conn, verdict);
  }

  #hold(conn: number, e: DecodeEvent): DecodeEvent[] {
    let list = this.#held.get(conn);
    if (list === undefined) this.#held.set(conn, list = []);
    list.push(e);
    // Past the cap, the conversation waiting longest is given up as not SMB.
    if (++this.#heldCount > MAX_HELD) this.#release(this.#held.keys().next().value!);
    return [];
  }

  #release(conn: number): DecodeEvent[] {
    const list = this.#held.get(conn) ?? [];
    this.#held.delete(conn);
    this.#heldCount -= list.length;
    return list;
  }
}

/**
 * Parse a list of ports (`445,139`); throws an Error naming a bad one.
 *
 * @example
 * ```ts
 * import { parsePorts } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * assert.deepEqual(parsePorts("445, 139"), [445, 139]);
 * ```
 */
export function parsePorts(text: string): number[] {
  return text.split(",").map((p) => p.trim()).filter(Boolean).map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n > 65535) throw new Error(`"${p}" is not a port (0-65535)`);
    return n;
  });
}

/** Parse a list of addresses (`10.0.0.1,fe80::1`), kept as written (compared case-insensitively). */
export function parseHosts(text: string): string[] {
  return text.split(",").map((h) => h.trim()).filter(Boolean);
}
