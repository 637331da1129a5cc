/**
 * The text view as a stream, for a person reading it top to bottom: each
 * conversation is introduced (addresses, ports, start) when it first carries
 * SMB, NetBIOS or DCE/RPC, so a later `#N` line reads without scrolling to
 * its end; an anomaly found in a message is printed under that message.
 * @module
 */
import type {
  AnomalyEvent,
  ConnectionEvent,
  DecodeEvent,
  Endpoint,
  SummaryEvent,
} from "../events.ts";
import { BoundedMap } from "../state/bounded_map.ts";
import { formatEventText, formatTs, type TextOptions } from "./text.ts";
import { escapeControl } from "./sanitize.ts";

/** Event types that show a conversation carries SMB, NetBIOS or DCE/RPC: they introduce it. */
const INTRODUCING: ReadonlySet<DecodeEvent["type"]> = new Set([
  "smb",
  "nbss",
  "rpc",
  "ntlm",
  "kerberos",
  "tree",
  "file",
  "transcript",
]);

/** Layers whose anomalies also show a conversation carries SMB, NetBIOS or DCE/RPC. */
const SESSION_LAYERS: ReadonlySet<string> = new Set(["nbss", "smb1", "smb2", "dcerpc"]);

/** Layers whose anomalies concern one message (printed under it when it follows). */
const MESSAGE_LAYERS: ReadonlySet<string> = new Set(["smb1", "smb2", "dcerpc"]);

/** Anomalies held for their message at most (more are printed on their own). */
const MAX_HELD = 16;
/** Conversations remembered at once (their start, whether introduced). */
const MAX_CONVERSATIONS = 1 << 16;

interface Conversation {
  transport: "tcp" | "udp";
  start: number;
  firstFrame: number;
  handshake: boolean;
  introduced: boolean;
}

function endpoint(e: Endpoint): string {
  const ip = escapeControl(e.ip);
  return ip.includes(":") ? `[${ip}]:${e.port}` : `${ip}:${e.port}`;
}

/**
 * Feed every event in order to {@link TextStream.add}; print the lines it
 * returns, then those of {@link TextStream.end}.
 *
 * @example
 * ```ts
 * import { Decoder, TextStream } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * const d = new Decoder();
 * const text = new TextStream();
 * const lines = [...d.push(Deno.readFileSync("fixtures/smb/smb1_session.pcap")), ...d.end()]
 *   .flatMap((e) => text.add(e));
 * assert.equal(lines[0], "#0 tcp 10.77.0.2:47790 \u2192 10.77.0.1:445 since 2026-11-23T18:56:36.669990Z (frame 1)");
 * ```
 */
export class TextStream {
  readonly #options: TextOptions;
  readonly #conversations = new BoundedMap<number, Conversation>({ max: MAX_CONVERSATIONS });
  #held: AnomalyEvent[] = [];

  /**
   * A text stream.
   * @param options `time` (default true): the time of day after each line's frame.
   */
  constructor(options: TextOptions = { time: true }) {
    this.#options = options;
  }

  /** The lines to print for one more event. */
  add(e: DecodeEvent): string[] {
    const out: string[] = [];
    if (e.type === "anomaly") {
      if (SESSION_LAYERS.has(e.layer)) out.push(...this.#introduce(e));
      // Other anomalies (a request never answered, a cap) go out at once, past any held ones.
      if (!this.#belongsToMessage(e)) return [...out, formatEventText(e, this.#options)!];
      const first = this.#held[0];
      if (
        first !== undefined &&
        (first.evidence.connection !== e.evidence.connection ||
          first.evidence.frames[0] !== e.evidence.frames[0] || this.#held.length >= MAX_HELD)
      ) out.push(...this.#flush());
      this.#held.push(e);
      return out;
    }
    const held = this.#held;
    const attach = held.length > 0 && (e.type === "smb" || e.type === "rpc") &&
      e.evidence.connection === held[0]!.evidence.connection &&
      e.evidence.frames.includes(held[0]!.evidence.frames[0]!);
    if (!attach) out.push(...this.#flush());
    else this.#held = [];
    if (e.type === "connection") this.#note(e);
    else if (INTRODUCING.has(e.type)) {
      out.push(...this.#introduce(e as Exclude<DecodeEvent, ConnectionEvent | SummaryEvent>));
    }
    const text = formatEventText(e, this.#options);
    if (text !== undefined) out.push(text);
    if (attach) {
      for (const a of held) out.push(`    ! ${a.layer} ${a.kind}: ${escapeControl(a.detail)}`);
    }
    if (e.type === "connection" && e.action === "close") this.#conversations.delete(e.id);
    return out;
  }

  /** Lines still held (anomalies whose message never came). */
  end(): string[] {
    return this.#flush();
  }

  #belongsToMessage(e: AnomalyEvent): boolean {
    return MESSAGE_LAYERS.has(e.layer) && e.evidence.connection !== undefined &&
      e.evidence.frames.length > 0 && e.kind !== "unanswered" && e.kind !== "limit";
  }

  #flush(): string[] {
    const lines = this.#held.map((a) => formatEventText(a, this.#options)!);
    this.#held = [];
    return lines;
  }

  #note(e: ConnectionEvent): void {
    if (e.action !== "open") return;
    this.#conversations.set(e.id, {
      transport: e.transport,
      start: e.start,
      firstFrame: e.firstFrame,
      handshake: e.handshake,
      introduced: false,
    });
  }

  /** The line introducing a conversation, the first time it carries SMB, NetBIOS or RPC. */
  #introduce(e: Exclude<DecodeEvent, ConnectionEvent | SummaryEvent>): string[] {
    const id = e.evidence.connection;
    if (id === undefined || !("client" in e) || e.client === undefined || e.server === undefined) {
      return [];
    }
    let c = this.#conversations.get(id);
    if (c?.introduced) return [];
    const seen = c === undefined;
    c ??= {
      transport: e.type === "rpc" && e.transport === "udp" ? "udp" : "tcp",
      start: e.evidence.ts,
      firstFrame: e.evidence.frames[0] ?? 0,
      handshake: true,
      introduced: true,
    };
    c.introduced = true;
    this.#conversations.set(id, c);
    const since = seen ? "first seen" : "since";
    const how = c.transport === "tcp" && !c.handshake ? ", picked up mid-stream" : "";
    return [
      `#${id} ${c.transport} ${endpoint(e.client)} \u2192 ${endpoint(e.server)} ${since} ${
        formatTs(c.start)
      } (frame ${c.firstFrame}${how})`,
    ];
  }
}
