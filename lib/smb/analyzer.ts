/**
 * Recognises SMB in a TCP connection by its content (any port), frames it
 * with NBSS, and hands each message to the SMB1 or SMB2 session handler.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { ConnectionEnd, ConnectionInfo, StreamObserver } from "../flow/observer.ts";
import type { SmbContext } from "./context.ts";
import {
  type BulkReceiver,
  type BulkStart,
  type FramerProblem,
  isSmbProtocolId,
  NbssFramer,
  type NbssMessage,
  NbssType,
} from "../netbios/nbss.ts";
import { decodeNetbiosName } from "../netbios/netbios_name.ts";
import { Smb1Session } from "./smb1/session.ts";
import { isSmb2BulkMessage } from "./smb2/header.ts";
import { Smb2Session } from "./smb2/session.ts";

/** SMB1 READ_ANDX / WRITE_ANDX: the commands whose bulk data is skipped (SMB2: isSmb2BulkMessage). */
const SMB1_READ_ANDX = 0x2e, SMB1_WRITE_ANDX = 0x2f;
/** NetBIOS session service and direct SMB. */
const SMB_PORTS: ReadonlySet<number> = new Set([139, 445]);
/** Bytes of a READ/WRITE message kept: headers and fixed fields, not the data. */
const BULK_PREFIX = 256;

/**
 * How much of a message to keep: only the first bytes of a READ response or
 * WRITE request (their data is not decoded here and never copied), the whole
 * of anything else.
 */
function prefixPolicy(head: Uint8Array, length: number): number {
  if (head.length < 4 || !isSmbProtocolId(head, 0)) return length;
  return isBulk(head) ? BULK_PREFIX : length;
}

/** Whether a message is a READ response or WRITE request whose data may be skipped. */
function isBulk(head: Uint8Array): boolean {
  if (head[0] === 0xff && head.length >= 10) {
    const cmd = head[4], reply = (head[9]! & 0x80) !== 0;
    return (cmd === SMB1_READ_ANDX && reply) || (cmd === SMB1_WRITE_ANDX && !reply);
  }
  return isSmb2BulkMessage(head);
}

/** A signed SMB2 message (SMB2_FLAGS_SIGNED). */
function isSignedSmb2(head: Uint8Array): boolean {
  return head[0] === 0xfe && head.length >= 24 && (head[16]! & 0x08) !== 0;
}

/**
 * With keys: signed SMB2 READ/WRITE messages kept whole too, since a
 * signature only verifies over the whole message.
 */
function keyedPrefixPolicy(head: Uint8Array, length: number): number {
  if (head.length < 4 || !isSmbProtocolId(head, 0)) return length;
  return isBulk(head) && !isSignedSmb2(head) ? BULK_PREFIX : length;
}

/** Whether the first bytes of a direction look like NBSS carrying SMB. */
function looksLikeSmb(bytes: Uint8Array): boolean {
  const type = bytes[0];
  if (type === NbssType.SESSION_MESSAGE) return bytes.length < 8 || isSmbProtocolId(bytes, 4);
  return type === NbssType.SESSION_REQUEST || type === NbssType.KEEP_ALIVE;
}

/** One connection's SMB decoding; detaches itself from connections that are not SMB. */
export class SmbAnalyzer implements StreamObserver {
  #state: "probing" | "smb" | "detached" = "probing";
  readonly #framers: [NbssFramer, NbssFramer];
  #smb1: Smb1Session | undefined;
  #smb2: Smb2Session | undefined;
  /** Bytes seen while looking for SMB in a connection picked up mid-stream. */
  #probed = 0;
  /** Set when the connection ends: its last packet, the evidence for a message cut short. */
  #end: ConnectionEnd | undefined;

  constructor(
    readonly info: ConnectionInfo,
    readonly ctx: SmbContext,
    readonly midstream: boolean,
  ) {
    const max = ctx.limits.maxSmbMessageBytes;
    // With keys, encrypted and signed messages only decrypt or verify whole: kept up to their own cap.
    const keyed = ctx.keyring !== undefined && !ctx.keyring.empty;
    const maxWhole = Math.max(max, ctx.limits.maxEncryptedMessageBytes);
    const capOf = keyed
      ? (head: Uint8Array) => (head[0] === 0xfd || isSignedSmb2(head) ? maxWhole : max)
      : undefined;
    const policy = keyed ? keyedPrefixPolicy : prefixPolicy;
    // Only when a consumer wants READ/WRITE data does anyone look at it.
    const wantsData = ctx.io.fileData || ctx.io.pipeData;
    const bulk = (fromClient: boolean): BulkStart | undefined =>
      wantsData
        ? (prefix, _length, frame) => this.#bulkStart(fromClient, prefix, frame)
        : undefined;
    this.#framers = [
      new NbssFramer(
        (m) => this.#message(true, m),
        (p) => this.#problem(p),
        max,
        policy,
        bulk(true),
        capOf,
        ctx.messages,
      ),
      new NbssFramer(
        (m) => this.#message(false, m),
        (p) => this.#problem(p),
        max,
        policy,
        bulk(false),
        capOf,
        ctx.messages,
      ),
    ];
    if (midstream) { for (const f of this.#framers) f.resynchronise(); }
    // On the SMB ports the content decides nothing: garbage there is SMB gone wrong, not another protocol.
    if (SMB_PORTS.has(info.server.port)) this.#state = "smb";
  }

  data(fromClient: boolean, bytes: Uint8Array, frame: Frame): void {
    if (this.#state === "detached") return;
    if (this.#state === "probing") {
      if (this.midstream) {
        this.#probed += bytes.length;
        if (this.#probed > this.ctx.limits.smbProbeBytes) return this.#detach();
      } else if (!looksLikeSmb(bytes)) return this.#detach();
      else if (bytes.length >= 8 || bytes[0] !== NbssType.SESSION_MESSAGE) this.#state = "smb";
    }
    this.#framers[fromClient ? 0 : 1].push(bytes, frame);
  }

  gap(fromClient: boolean, length: number, frame: Frame | undefined): void {
    if (this.#state === "detached") return;
    this.#framers[fromClient ? 0 : 1].gap(length, frame);
  }

  close(last?: ConnectionEnd): void {
    if (this.#state === "detached") return;
    this.#end = last;
    for (const f of this.#framers) f.end();
    this.#smb1?.close();
    this.#smb2?.close(last?.ts);
  }

  #detach(): void {
    this.#state = "detached";
    this.#framers[0].end();
    this.#framers[1].end();
  }

  #bulkStart(fromClient: boolean, prefix: Uint8Array, frame: Frame): BulkReceiver | undefined {
    // The first message of a connection picked up mid-stream may be a READ or WRITE: its data
    // comes only through here, so the session is made here if it is not yet.
    if (prefix[0] === 0xff) return this.#smb1Session().bulkStart(fromClient, prefix, frame);
    if (prefix[0] === 0xfe) {
      return this.#smb2Session(fromClient).bulkStart(fromClient, prefix, frame);
    }
    return undefined;
  }

  #smb1Session(): Smb1Session {
    return this.#smb1 ??= new Smb1Session({ info: this.info, ctx: this.ctx });
  }

  #smb2Session(fromClient: boolean): Smb2Session {
    if (this.#smb2 === undefined) {
      this.#smb2 = new Smb2Session({ info: this.info, ctx: this.ctx });
      if (!fromClient) this.#smb1?.upgradedToSmb2();
    }
    return this.#smb2;
  }

  #message(fromClient: boolean, m: NbssMessage): void {
    this.#state = "smb";
    const body = m.body;
    if (m.type === NbssType.SESSION_MESSAGE) {
      if (body.length < 4 || !isSmbProtocolId(body, 0)) return;
      if (body[0] === 0xff) this.#smb1Session().message(fromClient, m);
      else this.#smb2Session(fromClient).message(fromClient, m);
      return;
    }
    if (m.type === NbssType.SESSION_REQUEST) {
      const called = decodeNetbiosName(body, 0);
      const calling = called ? decodeNetbiosName(body, called.next) : undefined;
      this.ctx.out.push({
        type: "nbss",
        ...this.#addresses(),
        action: "session_request",
        calledName: called?.name ?? "",
        callingName: calling?.name ?? "",
        evidence: this.#evidence(m),
      });
    } else if (m.type === NbssType.POSITIVE_RESPONSE) {
      this.ctx.out.push({
        type: "nbss",
        ...this.#addresses(),
        action: "positive_response",
        evidence: this.#evidence(m),
      });
    } else if (m.type === NbssType.NEGATIVE_RESPONSE) {
      const code = body[0] ?? 0;
      this.ctx.out.push({
        type: "nbss",
        ...this.#addresses(),
        action: "negative_response",
        errorCode: code,
        evidence: this.#evidence(m),
      });
    } else if (m.type === NbssType.RETARGET_RESPONSE) {
      this.ctx.out.push({
        type: "nbss",
        ...this.#addresses(),
        action: "retarget_response",
        evidence: this.#evidence(m),
      });
    }
    // Keep-alives carry nothing.
  }

  #addresses() {
    return { client: this.info.client, server: this.info.server };
  }

  #evidence(m: NbssMessage) {
    return { frames: m.frames, ts: m.ts, connection: this.info.id };
  }

  #problem(p: FramerProblem) {
    if (this.#state !== "smb") return; // still deciding whether this is SMB at all
    // A problem found at the end of the connection has no frame of its own: its last one.
    const frame = p.frame ?? (this.#end && { index: this.#end.frame, ts: this.#end.ts });
    if (p.kind === "limit") {
      // A cap hit is a limit, counted in the summary's limitsHit.
      this.ctx.reporter.limit(
        "nbss",
        p.option ?? "maxSmbMessageBytes",
        p.detail,
        frame?.index ?? 0,
        frame?.ts ?? 0,
        this.info,
      );
      return;
    }
    this.ctx.reporter.anomaly(
      "nbss",
      p.kind,
      p.detail,
      frame?.index ?? 0,
      frame?.ts ?? 0,
      this.info,
      p.code,
    );
  }
}
