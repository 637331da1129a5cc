/**
 * SMB1 state of one connection: pairs requests with responses (by MID and
 * PID, then UID and TID), remembers UID -> user, TID -> share and FID -> file,
 * and emits `smb`, `ntlm` and `tree` events.
 * @module
 */
import type { LoginTracker } from "../../auth/login_tracker.ts";
import { attachResponses, type NtlmAuthenticate } from "../../auth/types.ts";
import type { Frame } from "../../capture/frame.ts";
import type { SmbEvent } from "../../events.ts";
import type { BulkReceiver } from "../../netbios/nbss.ts";
import { BoundedMap } from "../../state/bounded_map.ts";
import { FILE_DELETE_ON_CLOSE, type IoEvidence, type OpenFile, streamData } from "../io.ts";
import {
  emitTree,
  endSmbEvent,
  loginTracker,
  reportParserBug,
  reportProblems,
  type SmbConnection,
  stateMaps,
} from "../context.ts";
import { type Fields, jsonCopy } from "../json.ts";
import type { NbssMessage } from "../../netbios/nbss.ts";
import { type PendingRequest, PendingRequests } from "../pending.ts";
import { Smb1Command } from "./commands.ts";
import { parseSmb1 } from "./parse.ts";
import { addRecord } from "./records.ts";
import { decodeTransactionBlocks, transactionKind } from "./trans.ts";
import { TransactionAssembler, transactionPart } from "./trans_assembly.ts";
import type { Smb1Command as Smb1Cmd, Smb1Message } from "./types.ts";
import { smb1Status } from "../dos_nt_status.ts";

type Pending = PendingRequest<Smb1Message>;

const STATUS_SUCCESS = 0;
/** Pipe data that did not all fit: what came is valid. */
const STATUS_BUFFER_OVERFLOW = 0x80000005;
/** TRANSACTION subcommand TRANS_TRANSACT_NMPIPE. [MS-CIFS] 2.2.5.6 */
const TRANS_TRANSACT_NMPIPE = 0x26;
/** Secondary transaction requests: parts of an earlier request, answered by nothing of their own. */
const SECONDARY_COMMANDS: ReadonlySet<number> = new Set([
  Smb1Command.TRANSACTION_SECONDARY,
  Smb1Command.TRANSACTION2_SECONDARY,
  Smb1Command.NT_TRANSACT_SECONDARY,
]);

/** A session (UID) of one connection. */
interface Smb1User {
  /** `DOMAIN\user`, absent when anonymous. */
  name: string | undefined;
  anonymous: boolean;
}

/** A tree (TID) of one connection. */
interface Smb1Tree {
  path: string;
  pipe: boolean;
}

/** One connection's SMB1 conversation. */
export class Smb1Session {
  dialect: string | undefined;
  readonly #users: BoundedMap<number, Smb1User>;
  readonly #trees: BoundedMap<number, Smb1Tree>;
  readonly #files: BoundedMap<number, OpenFile>;
  readonly #pending: PendingRequests<Smb1Message>;
  readonly #auth: LoginTracker;
  /** The NEGOTIATE response's challenge (hex), which logins without extended security answer. */
  #challenge: string | undefined;
  /** Transactions sent in several messages, requests and responses apart. */
  readonly #transactions: TransactionAssembler;
  /** The primary request's fields of each transaction being assembled, by its key. */
  readonly #primaries = new BoundedMap<string, Fields>({ max: 64 });

  /** @param options.oneWay datagrams (mailslots): requests await no response */
  constructor(readonly conn: SmbConnection, readonly options: { oneWay?: boolean } = {}) {
    this.#transactions = new TransactionAssembler({}, conn.ctx.messages);
    // An open forgotten at a cap is lost to the consumers, as SMB2's are: they would hold it (its
    // hashing, its DCE/RPC association) until the decode ends.
    const maps = stateMaps<number, number, number, Smb1User, Smb1Tree, OpenFile>(
      conn,
      "smb1",
      (files) => {
        if (!conn.ctx.io.any) return;
        for (const file of files) conn.ctx.io.emit({ kind: "lost", file, reason: "evicted" });
      },
    );
    this.#users = maps.users;
    this.#trees = maps.trees;
    this.#files = maps.files;
    this.#auth = loginTracker(conn, "smb1");
    this.#pending = new PendingRequests(conn, "smb1", (msg) => {
      const h = msg.header;
      return `SMB1 ${
        msg.commands.map((c) => c.name).join("+")
      } request (MID ${h.mid}, PID ${h.pid})`;
    });
  }

  message(fromClient: boolean, m: NbssMessage): void {
    const body = m.body;
    if (body.length < 32) {
      this.conn.ctx.reporter.anomaly(
        "smb1",
        "truncated",
        `SMB1 message of ${body.length} bytes at stream offset ${m.streamOffset} is shorter than its header`,
        m.frames[m.frames.length - 1] ?? 0,
        m.ts,
        this.conn.info,
      );
      return;
    }
    const reply = (body[9]! & 0x80) !== 0;
    const pid = ((body[12]! | (body[13]! << 8)) << 16) | (body[26]! | (body[27]! << 8));
    const mid = body[30]! | (body[31]! << 8);
    const tid = body[24]! | (body[25]! << 8), uid = body[28]! | (body[29]! << 8);
    // Authentication and transaction state follow MID and PID; pairing adds UID and TID.
    const key = `${mid}:${pid >>> 0}`;
    let request: Pending | undefined;
    if (reply) {
      const pendingKey = this.#requestKey(key, uid, tid);
      request = pendingKey === undefined ? undefined : this.#pending.get(pendingKey);
      // The interim response to a transaction still sending secondaries (WordCount 0,
      // success: "send the rest") leaves the request waiting for its final response.
      const interim = request !== undefined && this.#primaries.get(`req:${key}`) !== undefined &&
        body[32] === 0 && (body[5]! | body[6]! | body[7]! | body[8]!) === 0;
      if (pendingKey !== undefined && !interim) this.#pending.take(pendingKey);
    }
    let parsed: Smb1Message;
    try {
      parsed = parseSmb1(body, request?.message);
    } catch (e) {
      reportParserBug(this.conn, "smb1", m, e);
      return;
    }
    reportProblems(this.conn, "smb1", m, parsed.problems, `SMB1 ${reply ? "response" : "request"}`);
    for (const c of parsed.commands) this.#assemble(body, parsed, c, key, request, m);
    const secondary = !reply && parsed.commands[0] !== undefined &&
      SECONDARY_COMMANDS.has(parsed.commands[0].code);
    if (!reply && !secondary && !this.options.oneWay) {
      this.#pending.add(`${key}:${uid}:${tid}`, { message: parsed, frames: m.frames, ts: m.ts });
    }
    parsed.commands.forEach((c, i) => this.#command(fromClient, m, parsed, c, i, request));
  }

  /**
   * The waiting request a response answers: same MID, PID, UID and TID, or the
   * same MID and PID where the response carries the UID (SESSION_SETUP) or TID
   * (TREE_CONNECT) the request could not know yet (0, or 0xFFFF for "no tree").
   */
  #requestKey(midPid: string, uid: number, tid: number): string | undefined {
    for (const [u, t] of [[uid, tid], [0, tid], [uid, 0], [uid, 0xffff], [0, 0], [0, 0xffff]]) {
      const k = `${midPid}:${u}:${t}`;
      if (this.#pending.get(k) !== undefined) return k;
    }
    return undefined;
  }

  /**
   * The server answered in SMB2: a multi-protocol NEGOTIATE offering "SMB 2.???"
   * gets an SMB2 NEGOTIATE response ([MS-SMB2] 3.3.5.3.1), not an SMB1 one.
   */
  upgradedToSmb2(): void {
    this.#pending.forget((msg) => msg.header.command === Smb1Command.NEGOTIATE);
  }

  /**
   * Feed a transaction command to the assembler when its parameters or data
   * span several messages; once complete, its subcommand fields are decoded
   * from the whole blocks and added to the command's fields (`reassembled`).
   */
  #assemble(
    body: Uint8Array,
    msg: Smb1Message,
    c: Smb1Cmd,
    key: string,
    request: Pending | undefined,
    m: NbssMessage,
  ): void {
    const kind = transactionKind(c.code);
    if (kind === undefined) return;
    const h = msg.header;
    const secondary = SECONDARY_COMMANDS.has(c.code);
    if (!secondary && c.fields.complete !== false) return;
    const part = transactionPart(body, c);
    if (part === undefined) return;
    const side = h.response ? "resp" : "req";
    const id = `${side}:${key}`;
    let result;
    if (secondary || (h.response && this.#primaries.get(id) !== undefined)) {
      result = this.#transactions.secondary(id, part);
    } else {
      // Responses are decoded with the request's subcommand, requests with their own.
      const primary = h.response ? request?.message.commands[0]?.fields ?? {} : c.fields;
      this.#primaries.set(id, primary);
      result = this.#transactions.primary(id, part);
    }
    const { reporter } = this.conn.ctx, frame = m.frames[m.frames.length - 1] ?? 0;
    for (const p of result.problems) {
      const detail = `SMB1 transaction reassembly: ${p.detail}`;
      // A cap of the decoder's options is a limit counted under its name.
      if (p.option !== undefined) {
        reporter.limit("smb1", p.option, detail, frame, m.ts, this.conn.info);
      } else reporter.anomaly("smb1", p.kind, detail, frame, m.ts, this.conn.info);
    }
    if (result.state === "partial") return;
    const primary = this.#primaries.get(id);
    this.#primaries.delete(id);
    if (result.state !== "complete" || primary === undefined) return;
    const decoded = decodeTransactionBlocks(
      kind,
      h.response,
      primary,
      result.parameters,
      result.data,
      h.unicode,
    );
    Object.assign(c.fields, decoded.fields, {
      reassembled: true,
      totalParameterBytes: result.parameters.length,
      totalDataBytes: result.data.length,
    });
    for (const key of ["subcommand", "subcommandName", "function", "functionName", "transName"]) {
      if (primary[key] !== undefined && c.fields[key] === undefined) c.fields[key] = primary[key]!;
    }
    addRecord(c, h.response);
    reportProblems(this.conn, "smb1", m, decoded.problems, "SMB1 reassembled transaction");
  }

  /** The connection ended: report requests never answered and authentications left open. */
  close(): void {
    this.#transactions.clear();
    this.#pending.close();
    this.#auth.close();
    if (this.conn.ctx.io.any) {
      for (const file of this.#files.values()) {
        this.conn.ctx.io.emit({ kind: "lost", file, reason: "connection_end" });
      }
    }
    this.#files.clear();
    // Nothing of this connection comes after: its entries leave the decode-wide count too.
    this.#users.clear();
    this.#trees.clear();
  }

  /**
   * A READ_ANDX response or WRITE_ANDX request kept only in part: when a
   * consumer wants the data of its FID, returns where the rest of its bytes
   * go, having handed on the data inside the prefix.
   */
  bulkStart(fromClient: boolean, prefix: Uint8Array, frame: Frame): BulkReceiver | undefined {
    if (prefix.length < 33) return undefined;
    const reply = (prefix[9]! & 0x80) !== 0;
    const pid = ((prefix[12]! | (prefix[13]! << 8)) << 16) | (prefix[26]! | (prefix[27]! << 8));
    const mid = prefix[30]! | (prefix[31]! << 8);
    const tid = prefix[24]! | (prefix[25]! << 8), uid = prefix[28]! | (prefix[29]! << 8);
    const pendingKey = reply ? this.#requestKey(`${mid}:${pid >>> 0}`, uid, tid) : undefined;
    const request = pendingKey === undefined ? undefined : this.#pending.get(pendingKey);
    let parsed: Smb1Message;
    try {
      parsed = parseSmb1(prefix, request?.message);
    } catch {
      return undefined; // reported when the whole message is decoded
    }
    const last = parsed.commands.length - 1;
    const c = parsed.commands[last];
    if (c === undefined || c.data === undefined) return undefined;
    const write = c.code === Smb1Command.WRITE_ANDX && !reply;
    if (!write && !(c.code === Smb1Command.READ_ANDX && reply)) return undefined;
    const asked = write ? c : request?.message.commands[last];
    const fid = asked?.fid;
    const r = asked?.record;
    const fileOffset = r?.kind === "read_request" || r?.kind === "write_request"
      ? r.offset
      : undefined;
    if (fid === undefined || fileOffset === undefined) return undefined;
    // A FID first met in use (the capture began after its open) is followed here too, as
    // #facts does for whole messages: past the prefix, a kept-in-part message's data came only
    // through here, and was lost.
    const open = this.#files.get(fid) ?? this.#open(uid, tid, fid, "", false);
    if (!this.conn.ctx.io.wantsData(open)) return undefined;
    // The parser clips the location to the bytes present; the declared length counts.
    const declared = c.record?.kind === "write_request"
      ? c.record.dataLength
      : typeof c.fields.dataLength === "number"
      ? c.fields.dataLength
      : undefined;
    const dataOffset = c.data.offset, total = declared ?? c.data.length, io = this.conn.ctx.io;
    // Once per message, not per piece.
    const connection = this.conn.info.id, messageId = String(mid);
    return streamData(
      io,
      {
        kind: write ? "write" : "read",
        file: open,
        fileOffset,
        dataOffset,
        total,
        evidence: (f) => ({ frames: [f.index], ts: f.ts, connection, fromClient, messageId }),
      },
      prefix,
      frame,
    );
  }

  #ioEvidence(frames: number[], ts: number, fromClient: boolean, mid: number): IoEvidence {
    return { frames, ts, connection: this.conn.info.id, fromClient, messageId: String(mid) };
  }

  #command(
    fromClient: boolean,
    m: NbssMessage,
    msg: Smb1Message,
    c: Smb1Cmd,
    index: number,
    request: Pending | undefined,
  ): void {
    const h = msg.header;
    const evidence = {
      frames: m.frames,
      ts: m.ts,
      connection: this.conn.info.id,
      streamOffset: m.streamOffset,
      fromClient,
    };
    // The parser made these fields for this event alone: add to them in place.
    const fields = c.fields;
    const key = `${h.mid}:${h.pid >>> 0}`;
    // One status vocabulary: DOS errors carry their NT status equivalent.
    const st = smb1Status(h.status, h.ntStatus), statusName = st.statusName;
    const ok = h.status === STATUS_SUCCESS;
    const reqCmd = request?.message.commands[index];

    switch (c.code) {
      case Smb1Command.NEGOTIATE:
        if (h.response) {
          const dialect = c.record?.kind === "negotiate_response" ? c.record.dialect : undefined;
          if (dialect !== undefined) this.dialect = dialect;
          // Logins without extended security answer this challenge.
          if (typeof fields.challenge === "string") this.#challenge = fields.challenge;
        }
        break;
      case Smb1Command.SESSION_SETUP_ANDX:
        if (!h.response) {
          if (c.securityBlob !== undefined) {
            fields.security = jsonCopy(this.#auth.request(key, c.securityBlob, evidence));
          } else if (c.ntResponse !== undefined || c.lmResponse !== undefined) {
            this.#auth.legacyRequest(key, legacyAuth(c), evidence, this.#challenge);
          }
        } else {
          const r = c.record?.kind === "session_setup_response" ? c.record : undefined;
          const outcome = this.#auth.response(
            key,
            c.securityBlob,
            st.status,
            statusName,
            r?.guest,
            String(h.uid),
          );
          if (outcome.token) fields.security = jsonCopy(outcome.token);
          if (outcome.user !== undefined || outcome.anonymous) {
            this.#users.set(h.uid, { name: outcome.user, anonymous: outcome.anonymous === true });
          }
        }
        break;
      case Smb1Command.LOGOFF_ANDX: // forgotten after the event (below)
        break;
      case Smb1Command.TREE_CONNECT_ANDX:
        if (h.response && reqCmd !== undefined) {
          const path = reqCmd.record?.kind === "tree_connect_request" ? reqCmd.record.path : "";
          const service = c.record?.kind === "tree_connect_response" ? c.record.service : undefined;
          if (ok) {
            const pipe = service === undefined ? /\\IPC\$$/i.test(path) : service === "IPC";
            this.#trees.set(h.tid, { path, pipe });
          }
          const session = this.#users.get(h.uid);
          const user = session?.name;
          emitTree(this.conn, m, {
            action: "connect",
            smbVersion: 1,
            path,
            treeId: h.tid,
            success: ok,
            status: st.status,
            statusName,
            ...(service === undefined ? {} : { shareType: serviceType(service) }),
            ...(user === undefined ? {} : { user }),
            ...(session?.anonymous ? { anonymous: true as const } : {}),
          });
        }
        break;
      case Smb1Command.TREE_DISCONNECT: {
        const path = this.#trees.get(h.tid)?.path;
        if (h.response && ok && path !== undefined) {
          emitTree(this.conn, m, {
            action: "disconnect",
            smbVersion: 1,
            path,
            treeId: h.tid,
            success: true,
            status: st.status,
            statusName,
          });
        }
        break;
      }
      case Smb1Command.NT_CREATE_ANDX:
      case Smb1Command.OPEN_ANDX:
        if (h.response && ok && reqCmd !== undefined) {
          const asked = reqCmd.record?.kind === "open_request" ? reqCmd.record : undefined;
          const r = c.record?.kind === "open_response" ? c.record : undefined;
          if (asked !== undefined && r !== undefined) {
            const open = this.#open(h.uid, h.tid, r.fid, asked.fileName);
            if (this.conn.ctx.io.any) {
              this.conn.ctx.io.emit({
                kind: "open",
                file: open,
                createAction: r.createActionName,
                deleteOnClose: (asked.createOptions & FILE_DELETE_ON_CLOSE) !== 0,
                size: r.endOfFile,
                creationTime: r.creationTime,
                lastWriteTime: r.lastWriteTime,
                directory: r.directory,
                evidence: this.#ioEvidence(m.frames, m.ts, fromClient, h.mid),
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
      version: 1,
      command: c.name,
      commandCode: c.code,
      response: h.response,
      messageId: String(h.mid),
      sessionId: String(h.uid),
      treeId: h.tid,
      processId: h.pid >>> 0,
      chainIndex: index,
      fields,
      header: {
        status: h.status,
        ntStatus: h.ntStatus,
        flags: h.flags,
        flags2: h.flags2,
        signature: h.signature,
      },
      evidence,
    };
    endSmbEvent(event, {
      dialect: this.dialect,
      response: h.response,
      status: st.status,
      statusName,
      request,
      ts: m.ts,
      user: this.#users.get(h.uid)?.name,
      anonymous: this.#users.get(h.uid)?.anonymous ?? false,
      share: this.#trees.get(h.tid)?.path,
      file: c.fileName ?? reqCmd?.fileName ??
        this.#fileOf(c) ?? (reqCmd ? this.#fileOf(reqCmd) : undefined),
    });
    if (h.response && st.dosError !== undefined) event.dosError = st.dosError;
    this.conn.ctx.out.push(event);
    if (this.conn.ctx.io.any) this.#facts(fromClient, m, h, c, reqCmd, ok, st.status);

    // Ids are forgotten once closed, after the event still named them.
    if (h.response && ok) {
      if (c.code === Smb1Command.CLOSE && reqCmd !== undefined) {
        if (reqCmd.fid !== undefined) this.#files.delete(reqCmd.fid);
      } else if (c.code === Smb1Command.TREE_DISCONNECT) this.#trees.delete(h.tid);
      else if (c.code === Smb1Command.LOGOFF_ANDX) this.#users.delete(h.uid);
    }
  }

  #fileOf(c: Smb1Cmd): string | undefined {
    const open = this.#openOf(c);
    return open?.openSeen ? open.name : undefined;
  }

  #openOf(c: Smb1Cmd | undefined): OpenFile | undefined {
    const fid = c?.fid;
    return fid === undefined ? undefined : this.#files.get(fid);
  }

  /** Records a new open (FID) of this connection; without a FID, stands for a file named by path. */
  #open(
    uid: number,
    tid: number,
    fid: number | undefined,
    name: string,
    openSeen = true,
  ): OpenFile {
    const info = this.conn.info, user = this.#users.get(uid), tree = this.#trees.get(tid);
    const open: OpenFile = {
      id: this.conn.ctx.nextOpenId(),
      smbVersion: 1,
      connection: info.id,
      client: info.client,
      server: info.server,
      sessionId: String(uid),
      handle: fid === undefined ? "" : String(fid),
      user: user?.name,
      anonymous: user?.anonymous ?? false,
      share: tree?.path,
      name,
      openSeen,
      pipe: tree?.pipe,
      dialect: this.dialect,
    };
    if (fid !== undefined) this.#files.set(fid, open);
    return open;
  }

  /** I/O facts of one decoded command concerning an open FID. */
  #facts(
    fromClient: boolean,
    m: NbssMessage,
    h: Smb1Message["header"],
    c: Smb1Cmd,
    reqCmd: Smb1Cmd | undefined,
    ok: boolean,
    status: number,
  ): void {
    const io = this.conn.ctx.io;
    const asked = h.response ? reqCmd : c;
    if (asked?.record?.kind === "path_request") {
      const r = asked.record;
      if (!h.response || !ok || r.action === "link") return;
      const named = this.#open(h.uid, h.tid, undefined, r.fileName, false);
      io.emit({
        kind: "path",
        file: named,
        action: r.action === "rename" ? "rename" : "delete",
        directory: r.action === "rmdir",
        ...(r.action === "rename" && r.newFileName !== undefined
          ? { renameTo: r.newFileName }
          : {}),
        evidence: this.#ioEvidence(m.frames, m.ts, fromClient, h.mid),
      });
      return;
    }
    let open = this.#openOf(asked);
    if (open === undefined) {
      // A FID first met in use (the capture began after its open): consumers still follow it.
      const fid = asked?.fid;
      const carries = c.code === Smb1Command.READ_ANDX || c.code === Smb1Command.WRITE_ANDX ||
        c.code === Smb1Command.TRANSACTION;
      if (fid === undefined || !carries) return;
      open = this.#open(h.uid, h.tid, fid, "", false);
    }
    const evidence = () => this.#ioEvidence(m.frames, m.ts, fromClient, h.mid);
    const view = () => {
      if (c.data === undefined) return undefined;
      const end = Math.min(c.data.offset + c.data.length, m.body.length);
      return end > c.data.offset ? m.body.subarray(c.data.offset, end) : undefined;
    };
    switch (c.code) {
      case Smb1Command.READ_ANDX:
      case Smb1Command.WRITE_ANDX: {
        const write = c.code === Smb1Command.WRITE_ANDX;
        // Messages kept in part delivered their data through bulkStart.
        if (write === h.response || m.partial || !io.wantsData(open)) return;
        if (h.response && !ok && status !== STATUS_BUFFER_OVERFLOW) return;
        const r = asked?.record;
        const offset = r?.kind === "read_request" || r?.kind === "write_request"
          ? r.offset
          : undefined;
        const data = view();
        if (offset === undefined || data === undefined) return;
        io.emit({
          kind: write ? "write" : "read",
          file: open,
          offset,
          data,
          at: 0,
          total: c.data!.length,
          evidence: evidence(),
        });
        return;
      }
      case Smb1Command.TRANSACTION: {
        // TransactNmPipe: a write and read on the pipe in one exchange. [MS-CIFS] 2.2.5.6
        const sub = asked?.record?.kind === "transaction_request"
          ? asked.record.subcommand
          : undefined;
        if (sub !== TRANS_TRANSACT_NMPIPE) return;
        open.pipe = true; // a pipe transaction shows what an open of an unseen tree is
        if (!io.pipeData) return;
        if (h.response && !ok && status !== STATUS_BUFFER_OVERFLOW) return;
        const data = view();
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
      case Smb1Command.CLOSE:
        if (h.response && ok) {
          io.emit({ kind: "close", file: open, size: undefined, evidence: evidence() });
        }
        return;
    }
  }
}

/** A legacy SESSION_SETUP_ANDX as an NTLM attempt ([MS-CIFS] 3.2.4.2.4; lengths tell the version). */
function legacyAuth(c: Smb1Cmd): NtlmAuthenticate {
  const asked = c.record?.kind === "session_setup_request" ? c.record : undefined;
  const user = asked?.accountName ?? "";
  const nt = c.ntResponse?.length ?? 0, lm = c.lmResponse?.length ?? 0;
  const ntlmVersion = user === "" && nt === 0 && lm <= 1
    ? "anonymous"
    : nt === 24
    ? "v1"
    : nt > 24
    ? "v2"
    : "unknown";
  const auth: NtlmAuthenticate = {
    messageType: 3,
    flags: 0,
    flagNames: [],
    domain: asked?.primaryDomain ?? "",
    user,
    workstation: "",
    lmResponseLength: lm,
    ntResponseLength: nt,
    ntlmVersion,
    sessionKeyPresent: false,
  };
  attachResponses(auth, {
    lm: c.lmResponse?.slice() ?? new Uint8Array(0),
    nt: c.ntResponse?.slice() ?? new Uint8Array(0),
    encryptedRandomSessionKey: new Uint8Array(0),
  });
  return auth;
}

/** SMB1 service strings as share types. [MS-CIFS] 2.2.4.55 */
function serviceType(service: string): string {
  switch (service) {
    case "A:":
      return "DISK";
    case "IPC":
      return "PIPE";
    case "LPT1:":
      return "PRINT";
    case "COMM":
      return "COMM";
    default:
      return service;
  }
}
