/**
 * SMB2/SMB3 state of one connection: pairs requests with responses by
 * MessageId (interim STATUS_PENDING and final async responses both linked),
 * names each message's user, share and file from the decode-wide session
 * (sessions.ts: SessionId -> user, TreeId -> share, FileId -> open, shared by
 * the channels of a multichannel session; related compound operations
 * inherit them), emits `smb`, `ntlm` and `tree` events, and hands I/O facts
 * (io.ts) to the registered consumers.
 * @module
 */
import type { LoginTracker } from "../../auth/login_tracker.ts";
import type { Frame } from "../../capture/frame.ts";
import type { SmbEvent } from "../../events.ts";
import type { BulkReceiver, NbssMessage } from "../../netbios/nbss.ts";
import {
  emitTree,
  endSmbEvent,
  loginTracker,
  reportParserBug,
  reportProblems,
  type SmbConnection,
} from "../context.ts";
import { FILE_DELETE_ON_CLOSE, type IoEvidence, type OpenFile, streamData } from "../io.ts";
import { type Fields, jsonCopy } from "../json.ts";
import { type PendingRequest, PendingRequests } from "../pending.ts";
import { ntStatusName } from "../status.ts";
import { Smb2Command } from "./commands.ts";
import { CtlCode } from "./ioctl_codes.ts";
import { parseSmb2 } from "./parse.ts";
import { SweptSet } from "../../state/swept_set.ts";
import type { Smb2SessionRecord } from "./sessions.ts";
import { Smb2Crypto } from "./session_crypto.ts";
import type { Smb2Message, Smb2Packet, Smb2Transform } from "./types.ts";

type Pending = PendingRequest<Smb2Message>;

const STATUS_SUCCESS = 0;
const STATUS_PENDING = 0x00000103;
const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
/** A pipe read or transceive whose data did not all fit: what came is valid. [MS-SMB2] 3.3.4.4 */
const STATUS_BUFFER_OVERFLOW = 0x80000005;
/** A FileId of all ones in a related compound operation means "the previous one's". */
const RELATED_FILE_ID = "ffffffffffffffffffffffffffffffff";
/** TREE_CONNECT ShareType PIPE. [MS-SMB2] 2.2.10 */
const SHARE_TYPE_PIPE = 0x02;

/** What the walk over a compound carries from one operation to the next. */
interface Previous {
  /** The file name the previous operation concerned. */
  name: string | undefined;
  /** The open it concerned. */
  open: OpenFile | undefined;
}

/** One connection's SMB2/3 conversation. */
export class Smb2Session {
  dialect: string | undefined;
  readonly #pending: PendingRequests<Smb2Message>;
  readonly #logins: LoginTracker;
  /** The cipher the NEGOTIATE response chose, for encrypted messages. */
  #cipher: string | undefined;
  /**
   * Sessions this connection used, to release at its end; those the
   * decode-wide table forgot at its cap are swept out, so a connection
   * setting up session after session holds no more than the table does.
   */
  readonly #used: SweptSet<Smb2SessionRecord>;
  /** SessionIds this connection set up or bound itself (it may join no other session by them). */
  readonly #setUp = new Set<string>();
  /** The last session looked up, by SessionId: most messages repeat it. */
  #last: Smb2SessionRecord | undefined;
  /** The parser's way to the request a response answers. */
  readonly #requestOf = (id: string) => this.#pending.get(id)?.message;
  /** Keys, decryption and signature checks, when the analyst gave secrets. */
  readonly #crypto: Smb2Crypto | undefined;
  /** Capture time of the message being handled (a session without channels expires by it). */
  #now = 0;

  constructor(readonly conn: SmbConnection) {
    const table = conn.ctx.smb2Sessions;
    // The session in use stays (this connection still reaches it through #last): released at close.
    this.#used = new SweptSet((s) => s === this.#last || table.knows(s), (s) => {
      // Forgotten by the table at its cap (its opens were reported lost then): this connection is
      // no longer one of its channels, and with none left nothing can reach its trees and opens.
      s.channels.delete(conn.info.id);
      if (s.channels.size > 0) return;
      s.files.clear();
      s.trees.clear();
    });
    const keyring = conn.ctx.keyring;
    this.#crypto = keyring !== undefined && !keyring.empty ? new Smb2Crypto(keyring) : undefined;
    this.#logins = loginTracker(conn, "smb2");
    this.#pending = new PendingRequests(
      conn,
      "smb2",
      (msg) => `SMB2 ${msg.name} request (MessageId ${msg.header.messageId})`,
    );
  }

  message(fromClient: boolean, m: NbssMessage): void {
    this.#now = m.ts;
    let packet: Smb2Packet;
    try {
      const gate = this.conn.ctx.decompression.gate(this.conn.info, m.frames.at(-1) ?? 0, m.ts);
      packet = parseSmb2(m.body, this.#requestOf, gate);
    } catch (e) {
      reportParserBug(this.conn, "smb2", m, e);
      return;
    }
    reportProblems(this.conn, "smb2", m, packet.problems, "SMB2 message");
    const info = this.conn.info;
    const evidence = {
      frames: m.frames,
      ts: m.ts,
      connection: info.id,
      streamOffset: m.streamOffset,
      fromClient,
    };
    if (packet.transform !== undefined && this.#crypto !== undefined) {
      const t = packet.transform;
      const session = this.#session(t.sessionId) ??
        (this.conn.ctx.keyring!.sessionKeysFor(t.sessionId).length > 0
          ? this.#ensureSession(t.sessionId)
          : undefined);
      const result = this.#crypto.decrypt(session, m.body, fromClient);
      if (result.kind === "plaintext") {
        this.#decrypted(m, result.bytes, evidence);
        return;
      }
      if (result.kind === "failed" && result.firstFailure) {
        this.conn.ctx.reporter.anomaly(
          "smb2",
          "unsupported",
          `SMB3 messages of SessionId ${t.sessionId} not decrypted: ${result.reason}; they ` +
            `stay reported as encrypted`,
          m.frames[0] ?? 0,
          m.ts,
          info,
          "smb2_decrypt_failed",
        );
      }
      this.#encrypted(packet.transform, evidence, result.kind === "failed");
      return;
    }
    if (packet.transform !== undefined) {
      this.#encrypted(packet.transform, evidence, false);
      return;
    }
    // Offsets in the messages count within the decompressed bytes when compressed.
    const bytes = packet.compression?.decompressed ?? m.body;
    this.#messages(packet, m, bytes, evidence, false);
  }

  /** A TRANSFORM message reported as it is: nothing to decrypt it with, or the key failed. */
  #encrypted(
    t: Smb2Transform,
    evidence: SmbEvent["evidence"],
    failed: boolean,
  ): void {
    const info = this.conn.info;
    const event: SmbEvent = {
      type: "smb",
      client: info.client,
      server: info.server,
      version: 2,
      command: "ENCRYPTED",
      commandCode: 0xfd,
      response: !evidence.fromClient,
      messageId: "",
      sessionId: t.sessionId,
      chainIndex: 0,
      header: { signature: t.signature, flags: t.flags },
      fields: {
        ...(this.#cipher === undefined ? {} : { cipher: this.#cipher }),
        nonce: t.nonce,
        originalMessageSize: t.originalMessageSize,
        flags: t.flags,
        encryptedLength: t.encryptedLength,
        signature: t.signature,
        ...(failed ? { decryption: "failed" } : {}),
      },
      evidence,
    };
    if (this.dialect !== undefined) event.dialect = this.dialect;
    const session = this.#session(t.sessionId);
    if (session?.user !== undefined) event.user = session.user;
    if (session?.anonymous) event.anonymous = true;
    this.conn.ctx.out.push(event);
  }

  /** A TRANSFORM decrypted: its plaintext decoded as if it had come clear. */
  #decrypted(
    m: NbssMessage,
    plain: Uint8Array,
    evidence: SmbEvent["evidence"],
  ): void {
    let packet: Smb2Packet;
    try {
      // A compressed message inside spends the same decompression budget as a clear one.
      const gate = this.conn.ctx.decompression.gate(this.conn.info, m.frames.at(-1) ?? 0, m.ts);
      packet = parseSmb2(plain, this.#requestOf, gate);
    } catch (e) {
      reportParserBug(this.conn, "smb2", m, e);
      return;
    }
    reportProblems(this.conn, "smb2", m, packet.problems, "decrypted SMB2 message");
    if (packet.transform !== undefined) {
      // A transform inside a transform: no client does that; not followed further.
      this.conn.ctx.reporter.anomaly(
        "smb2",
        "malformed",
        `decrypted SMB3 message at stream offset ${m.streamOffset} holds another TRANSFORM_HEADER`,
        m.frames[0] ?? 0,
        m.ts,
        this.conn.info,
        "smb2_nested_transform",
      );
      return;
    }
    this.#messages(packet, m, packet.compression?.decompressed ?? plain, evidence, true);
  }

  #messages(
    packet: Smb2Packet,
    m: NbssMessage,
    bytes: Uint8Array,
    evidence: SmbEvent["evidence"],
    decrypted: boolean,
  ): void {
    // Related operations of a compound inherit the previous one's ids.
    const previous: Previous = { name: undefined, open: undefined };
    const messages = packet.messages;
    for (let index = 0; index < messages.length; index++) {
      this.#message(messages[index]!, index, m, bytes, evidence, previous, decrypted);
    }
  }

  /**
   * A READ response or WRITE request kept only in part (its prefix): when a
   * consumer wants the data of its open, returns where the rest of its bytes
   * go, having handed on the data inside the prefix.
   */
  bulkStart(fromClient: boolean, prefix: Uint8Array, frame: Frame): BulkReceiver | undefined {
    let packet: Smb2Packet;
    try {
      packet = parseSmb2(prefix, this.#requestOf);
    } catch {
      return undefined; // reported when the whole message is decoded
    }
    const msg = packet.messages[0];
    if (msg === undefined || packet.messages.length !== 1 || msg.data === undefined) return;
    const h = msg.header;
    const req = h.response ? this.#requestOf(h.messageId) : undefined;
    const kind = h.command === Smb2Command.WRITE && !h.response
      ? "write"
      : h.command === Smb2Command.READ && h.response
      ? "read"
      : undefined;
    if (kind === undefined) return;
    const record = kind === "write" ? msg.record : req?.record;
    const fileId = kind === "write" ? msg.fileId : req?.fileId;
    if (record?.kind !== "read_request" && record?.kind !== "write_request") return;
    if (record.kind !== `${kind}_request` || fileId === undefined) return;
    const session = this.#session(h.sessionId) ?? this.#ensureSession(h.sessionId);
    const open = session.files.get(fileId) ??
      this.#open(session, h.treeId ?? req?.header.treeId, fileId, "", false);
    if (!this.conn.ctx.io.wantsData(open)) return;
    const dataOffset = msg.data.offset, total = msg.data.length, fileOffset = record.offset;
    const io = this.conn.ctx.io;
    return streamData(
      io,
      {
        kind,
        file: open,
        fileOffset,
        dataOffset,
        total,
        evidence: (f) => this.#ioEvidence([f.index], f.ts, fromClient, h.messageId),
      },
      prefix,
      frame,
    );
  }

  /**
   * The connection ended (its last packet at capture time `at`): report
   * requests never answered and authentications left open.
   */
  close(at?: number): void {
    this.#pending.close();
    this.#logins.close();
    const id = this.conn.info.id;
    for (const session of this.#used) {
      session.channels.delete(id);
      if (session.channels.size > 0) continue;
      // Its last channel is gone: the server closed its opens.
      if (this.conn.ctx.io.any) {
        for (const file of session.files.values()) {
          this.conn.ctx.io.emit({ kind: "lost", file, reason: "connection_end" });
        }
      }
      session.files.clear();
      // Already forgotten by the table (at its cap): no channel can find it again.
      if (!this.conn.ctx.smb2Sessions.knows(session)) session.trees.clear();
      this.conn.ctx.smb2Sessions.orphaned(session, at);
    }
    this.#used.clear();
  }

  /**
   * The decode-wide session of a SessionId on this connection's server, if
   * known; a connection picked up mid-stream joins a session it never set up
   * only under the same server address. Across addresses only a BINDING
   * SESSION_SETUP joins (#noteSetUp): SessionIds are unique per server, not
   * per capture, and two servers handing out the same one (or a capture
   * replayed under other addresses) would otherwise mix unrelated sessions.
   */
  #session(sessionId: string): Smb2SessionRecord | undefined {
    const last = this.#last;
    if (last !== undefined && last.sessionId === sessionId) return last;
    const s = this.conn.ctx.smb2Sessions.get(this.conn.info.server.ip, sessionId, this.#now);
    if (s === undefined) return undefined;
    if (!this.#used.has(s)) {
      this.#used.add(s);
      s.channels.add(this.conn.info.id);
    }
    this.#last = s;
    return s;
  }

  /** The session, made when first needed. */
  #ensureSession(sessionId: string): Smb2SessionRecord {
    const info = this.conn.info;
    const s = this.conn.ctx.smb2Sessions.ensure(info.server.ip, sessionId, info.id, this.#now);
    this.#used.add(s);
    this.#last = s;
    return s;
  }

  #ioEvidence(frames: number[], ts: number, fromClient: boolean, messageId: string): IoEvidence {
    return { frames, ts, connection: this.conn.info.id, fromClient, messageId };
  }

  #message(
    msg: Smb2Message,
    index: number,
    m: NbssMessage,
    bytes: Uint8Array,
    evidence: SmbEvent["evidence"],
    previous: Previous,
    decrypted: boolean,
  ): void {
    const h = msg.header;
    const crypto = this.#crypto;
    // The message's own bytes, for the pre-auth hash and its signature.
    const raw = crypto === undefined ? undefined : bytes.subarray(
      h.offset,
      h.nextCommand > 0 ? Math.min(h.offset + h.nextCommand, bytes.length) : bytes.length,
    );
    let request: Pending | undefined;
    if (h.response) {
      request = this.#pending.get(h.messageId);
      // An interim STATUS_PENDING leaves the request waiting for its final response.
      if (request !== undefined && !(h.async && h.status === STATUS_PENDING)) {
        this.#pending.take(h.messageId);
      }
    } else if (h.command !== Smb2Command.CANCEL) {
      this.#pending.add(h.messageId, { message: msg, frames: m.frames, ts: m.ts });
    }
    // The parser made these fields for this event alone: add to them in place.
    const fields: Fields = msg.fields;
    const statusName = ntStatusName(h.status);
    const ok = h.status === STATUS_SUCCESS;
    const req = request?.message;
    const key = h.messageId;
    if (h.command === Smb2Command.SESSION_SETUP && h.sessionId !== "0") this.#noteSetUp(msg, req);
    let session = this.#session(h.sessionId);
    const io = this.conn.ctx.io;

    switch (h.command) {
      case Smb2Command.NEGOTIATE:
        if (h.response && msg.record?.kind === "negotiate_response") {
          const r = msg.record;
          if (!r.dialect.includes("?")) this.dialect = r.dialect;
          // 3.1.1 names its cipher in a context; 3.0 and 3.0.2 have only AES-128-CCM. [MS-SMB2] 3.1.4.3
          this.#cipher = r.cipherName ??
            (r.dialect === "3.0" || r.dialect === "3.0.2" ? "AES-128-CCM" : this.#cipher);
          crypto?.negotiateResponse(raw!, this.dialect, this.#cipher, r.signingAlgorithmName);
        } else if (!h.response) crypto?.negotiateRequest(raw!);
        break;
      case Smb2Command.SESSION_SETUP:
        if (!h.response) {
          crypto?.sessionSetupRequest(h.sessionId, h.messageId, raw!);
          if (msg.securityBlob !== undefined) {
            fields.security = jsonCopy(this.#logins.request(key, msg.securityBlob, evidence));
          }
        } else {
          const r = msg.record?.kind === "session_setup_response" ? msg.record : undefined;
          const outcome = this.#logins.response(
            key,
            msg.securityBlob,
            h.status,
            statusName,
            r?.guest,
            h.sessionId,
          );
          if (outcome.token) fields.security = jsonCopy(outcome.token);
          // A binding on another channel joins the session set up on the first.
          if (outcome.user !== undefined || outcome.anonymous || (ok && r !== undefined)) {
            session = this.#ensureSession(h.sessionId);
            if (outcome.user !== undefined) session.user = outcome.user;
            if (outcome.anonymous || r?.anonymous) session.anonymous = true;
          }
          if (crypto !== undefined) {
            const more = h.status === STATUS_MORE_PROCESSING_REQUIRED;
            const preauth = crypto.sessionSetupResponse(h.sessionId, h.messageId, raw!, more);
            if (ok && session !== undefined && outcome.passwordMatch === false) {
              session.noKeyReason = `the password or NT hash given for ${
                outcome.user ?? "its user"
              } does not match its login`;
            }
            if (ok && session !== undefined) {
              const binding = req?.record?.kind === "session_setup_request" && req.record.binding;
              const login = outcome.sessionKey === undefined
                ? undefined
                : { key: outcome.sessionKey, source: outcome.keySource ?? "password" };
              crypto.established(session, preauth, login, binding);
            }
          }
        }
        break;
      case Smb2Command.TREE_CONNECT:
        if (h.response && req !== undefined) {
          const path = (req.record?.kind === "tree_connect_request" ? req.record.path : "") ?? "";
          const r = msg.record?.kind === "tree_connect_response" ? msg.record : undefined;
          if (ok && h.treeId !== undefined) {
            session ??= this.#ensureSession(h.sessionId);
            const pipe = r !== undefined ? r.shareType === SHARE_TYPE_PIPE : /\\IPC\$$/i.test(path);
            session.trees.set(h.treeId, { path, pipe });
          }
          emitTree(this.conn, m, {
            action: "connect",
            smbVersion: 2,
            path,
            success: ok,
            status: h.status,
            statusName,
            ...(h.treeId === undefined ? {} : { treeId: h.treeId }),
            ...(r === undefined ? {} : { shareType: r.shareTypeName }),
            ...(session?.user === undefined ? {} : { user: session.user }),
            ...(session?.anonymous ? { anonymous: true as const } : {}),
          });
        }
        break;
      case Smb2Command.TREE_DISCONNECT: {
        const tree = h.treeId === undefined ? undefined : session?.trees.get(h.treeId);
        if (h.response && ok && tree !== undefined) {
          emitTree(this.conn, m, {
            action: "disconnect",
            smbVersion: 2,
            path: tree.path,
            treeId: h.treeId!,
            success: true,
            status: h.status,
            statusName,
          });
        }
        break;
      }
      case Smb2Command.CREATE:
        if (h.response && ok && req !== undefined && msg.fileId !== undefined) {
          const asked = req.record?.kind === "create_request" ? req.record : undefined;
          if (asked?.fileName !== undefined) {
            session ??= this.#ensureSession(h.sessionId);
            const open = this.#open(
              session,
              h.treeId ?? req.header.treeId,
              msg.fileId,
              asked.fileName,
            );
            previous.open = open;
            if (io.any) {
              const r = msg.record?.kind === "create_response" ? msg.record : undefined;
              io.emit({
                kind: "open",
                file: open,
                createAction: r?.createActionName,
                deleteOnClose: (asked.createOptions & FILE_DELETE_ON_CLOSE) !== 0,
                size: r?.endOfFile,
                creationTime: r?.creationTime,
                lastWriteTime: r?.lastWriteTime,
                directory: r === undefined ? undefined : (r.fileAttributes & 0x10) !== 0,
                evidence: this.#ioEvidence(m.frames, m.ts, evidence.fromClient, h.messageId),
              });
            }
          }
        }
        break;
    }

    const info = this.conn.info;
    const event: SmbEvent = {
      type: "smb",
      client: info.client,
      server: info.server,
      version: 2,
      command: msg.name,
      commandCode: h.command,
      response: h.response,
      messageId: h.messageId,
      sessionId: h.sessionId,
      chainIndex: index,
      fields,
      header: {
        status: h.status,
        creditCharge: h.creditCharge,
        credits: h.credits,
        flags: h.flags,
        nextCommand: h.nextCommand,
        signature: h.signature,
      },
      evidence,
    };
    if (h.channelSequence !== undefined) event.header.channelSequence = h.channelSequence;
    if (decrypted) event.decrypted = true;
    else if (crypto !== undefined && h.signed) {
      // Only a whole message verifies (one cut short by a gap or a cap cannot).
      event.signature = m.partial ? "unchecked" : crypto.verify(session, raw!);
    }
    if (h.treeId !== undefined) event.treeId = h.treeId;
    if (h.processId !== undefined) event.processId = h.processId;
    if (h.asyncId !== undefined) event.asyncId = h.asyncId;
    const treeId = h.treeId ?? req?.header.treeId;
    const open = this.#openOf(session, msg, req, previous);
    const file = this.#nameOf(msg, req, previous, open);
    endSmbEvent(event, {
      dialect: this.dialect,
      response: h.response,
      status: h.status,
      statusName,
      request,
      ts: m.ts,
      user: session?.user,
      anonymous: session?.anonymous ?? false,
      share: treeId === undefined ? undefined : session?.trees.get(treeId)?.path,
      file,
    });
    this.conn.ctx.out.push(event);
    previous.name = file;
    previous.open = open;

    if (open !== undefined && io.any) {
      const carried = !h.response || ok || h.status === STATUS_BUFFER_OVERFLOW;
      this.#facts(msg, req, carried, m, bytes, evidence.fromClient, open);
    }

    // Ids are forgotten once closed, after the event still named them; a rename
    // renames the open.
    if (h.response && ok && session !== undefined) {
      if (h.command === Smb2Command.SET_INFO && req?.record?.kind === "set_info_request") {
        const renameTo = req.record.renameTo;
        if (renameTo !== undefined && open !== undefined) open.name = renameTo;
      }
      if (h.command === Smb2Command.CLOSE && req?.fileId !== undefined) {
        session.files.delete(req.fileId === RELATED_FILE_ID ? open?.handle ?? "" : req.fileId);
      } else if (h.command === Smb2Command.TREE_DISCONNECT && h.treeId !== undefined) {
        session.trees.delete(h.treeId);
      } else if (h.command === Smb2Command.LOGOFF) {
        session.user = undefined;
        session.anonymous = false;
      }
    }
  }

  /**
   * A SESSION_SETUP names its SessionId: a new session of this connection's
   * own (never one met elsewhere), or, with the BINDING flag, an existing
   * session this connection becomes a channel of. [MS-SMB2] 3.3.5.5.2
   */
  #noteSetUp(msg: Smb2Message, req: Smb2Message | undefined): void {
    const sessionId = msg.header.sessionId;
    if (this.#setUp.has(sessionId)) return;
    const asked = msg.header.response ? req : msg;
    const binding = asked?.record?.kind === "session_setup_request" && asked.record.binding;
    if (binding) {
      const joined = this.conn.ctx.smb2Sessions.join(this.conn.info.server.ip, sessionId);
      if (joined !== undefined && this.#last?.sessionId === sessionId) this.#last = undefined;
    } else if (this.#last?.sessionId === sessionId) this.#last = undefined;
    if (this.#setUp.size >= 64) {
      // A handful per connection in practice; past the cap the oldest are forgotten.
      this.conn.ctx.reporter.limit(
        "smb2",
        "maxSessionSetupsPerConnection",
        "more than 64 SessionIds set up on one connection; the list is started again",
        0,
        0,
        this.conn.info,
      );
      this.#setUp.clear();
    }
    this.#setUp.add(sessionId);
  }

  /** Records a new open in its session. */
  #open(
    session: Smb2SessionRecord,
    treeId: number | undefined,
    fileId: string,
    name: string,
    openSeen = true,
  ): OpenFile {
    const info = this.conn.info;
    const tree = treeId === undefined ? undefined : session.trees.get(treeId);
    const open: OpenFile = {
      id: this.conn.ctx.nextOpenId(),
      smbVersion: 2,
      connection: info.id,
      client: info.client,
      server: info.server,
      sessionId: session.sessionId,
      handle: fileId,
      user: session.user,
      anonymous: session.anonymous,
      share: tree?.path,
      name,
      openSeen,
      pipe: tree?.pipe,
      dialect: this.dialect,
    };
    session.files.set(fileId, open);
    return open;
  }

  /** The open a message concerns: by its FileId or its request's, or the compound's previous. */
  #openOf(
    session: Smb2SessionRecord | undefined,
    msg: Smb2Message,
    req: Smb2Message | undefined,
    previous: Previous,
  ): OpenFile | undefined {
    if (msg.header.command === Smb2Command.CREATE && !msg.header.response) return undefined;
    // A response names its request's open; some servers echo a different FileId in it (Samba's
    // FSCTL_PIPE_TRANSCEIVE answers in suricata-verify smb-length-5786 carry a zero persistent part).
    const echoed = msg.fileId !== undefined && req?.fileId !== undefined &&
        msg.header.response && !session?.files.has(msg.fileId)
      ? req.fileId
      : undefined;
    const id = echoed ?? msg.fileId ?? req?.fileId;
    if (id === undefined) return undefined;
    if (id === RELATED_FILE_ID) return previous.open;
    const known = session?.files.get(id);
    if (known !== undefined || !this.conn.ctx.io.any) return known;
    // A handle first met in use (the capture began after its CREATE): consumers still follow it.
    const h = msg.header;
    if (h.response && h.status !== STATUS_SUCCESS && h.status !== STATUS_BUFFER_OVERFLOW) return;
    if (h.command === Smb2Command.CLOSE || h.command === Smb2Command.OPLOCK_BREAK) return;
    return this.#open(
      session ?? this.#ensureSession(h.sessionId),
      h.treeId ?? req?.header.treeId,
      id,
      "",
      false,
    );
  }

  /** The file name a message concerns: its own name, its request's, its open's, or the compound's previous. */
  #nameOf(
    msg: Smb2Message,
    req: Smb2Message | undefined,
    previous: Previous,
    open: OpenFile | undefined,
  ): string | undefined {
    const own = msg.fileName ?? req?.fileName;
    if (own !== undefined) return own;
    if (open?.openSeen) return open.name;
    const id = msg.fileId ?? req?.fileId;
    return id === RELATED_FILE_ID ? previous.name : undefined;
  }

  /** I/O facts of one decoded message concerning an open; `ok`: its status lets data through. */
  #facts(
    msg: Smb2Message,
    req: Smb2Message | undefined,
    ok: boolean,
    m: NbssMessage,
    bytes: Uint8Array,
    fromClient: boolean,
    open: OpenFile,
  ): void {
    const h = msg.header, io = this.conn.ctx.io;
    const evidence = () => this.#ioEvidence(m.frames, m.ts, fromClient, h.messageId);
    const view = (at: { offset: number; length: number } | undefined) => {
      if (at === undefined) return undefined;
      const start = h.offset + at.offset, end = Math.min(start + at.length, bytes.length);
      return end > start ? bytes.subarray(start, end) : undefined;
    };
    switch (h.command) {
      case Smb2Command.READ:
      case Smb2Command.WRITE: {
        // Messages kept in part delivered their data through bulkStart.
        if (m.partial || !ok || !io.wantsData(open)) return;
        const write = h.command === Smb2Command.WRITE;
        if (write === h.response) return;
        const record = write ? msg.record : req?.record;
        const data = view(msg.data);
        if (data === undefined || record === undefined) return;
        if (record.kind !== "read_request" && record.kind !== "write_request") return;
        io.emit({
          kind: write ? "write" : "read",
          file: open,
          offset: record.offset,
          data,
          at: 0,
          total: msg.data!.length,
          evidence: evidence(),
        });
        return;
      }
      case Smb2Command.IOCTL: {
        const code = msg.record?.kind === "ioctl_request" || msg.record?.kind === "ioctl_response"
          ? msg.record.ctlCode
          : undefined;
        if (code !== CtlCode.FSCTL_PIPE_TRANSCEIVE || !ok) return;
        open.pipe = true; // a pipe transaction shows what an open of an unseen tree is
        if (!io.pipeData) return;
        const data = view(h.response ? msg.ioctlOutput : msg.ioctlInput);
        if (data === undefined) return;
        io.emit({
          kind: "transceive",
          file: open,
          direction: h.response ? "response" : "request",
          data,
          evidence: evidence(),
        });
        return;
      }
      case Smb2Command.SET_INFO: {
        if (
          !h.response || h.status !== STATUS_SUCCESS || req?.record?.kind !== "set_info_request"
        ) return;
        const r = req.record;
        io.emit({
          kind: "set_info",
          file: open,
          infoClass: r.infoClassName,
          ...(r.renameTo === undefined ? {} : { renameTo: r.renameTo }),
          ...(r.deletePending === undefined ? {} : { deletePending: r.deletePending }),
          ...(r.endOfFile === undefined ? {} : { endOfFile: r.endOfFile }),
          evidence: evidence(),
        });
        return;
      }
      case Smb2Command.CLOSE: {
        if (!h.response || h.status !== STATUS_SUCCESS) return;
        const size = msg.record?.kind === "close_response" ? msg.record.endOfFile : undefined;
        io.emit({ kind: "close", file: open, size, evidence: evidence() });
        return;
      }
    }
  }
}
