/**
 * SMB1 state of one connection: pairs requests with responses (by MID and
 * PID, then UID and TID), remembers UID → user, TID → share and FID → file,
 * and emits `smb`, `ntlm` and `tree` events.
 * @module
 */
import type { NtlmAuthenticate } from "../../auth/types.ts";
import type { SmbEvent } from "../../events.ts";
import { AuthTracker, tokenFields } from "../auth_tracker.ts";
import { BoundedMap } from "../../state/bounded_map.ts";
import {
  emitTree,
  endSmbEvent,
  reportParserBug,
  reportProblems,
  type SmbConnection,
  stateMaps,
} from "../context.ts";
import type { Fields } from "../json.ts";
import type { NbssMessage } from "../../netbios/nbss.ts";
import { type PendingRequest, PendingRequests } from "../pending.ts";
import { Smb1Command } from "./commands.ts";
import { parseSmb1 } from "./parse.ts";
import { decodeTransactionBlocks, transactionKind } from "./trans.ts";
import { TransactionAssembler, transactionPart } from "./trans_assembly.ts";
import type { Smb1Command as Smb1Cmd, Smb1Message } from "./types.ts";
import { smb1StatusName } from "../status.ts";

type Pending = PendingRequest<Smb1Message>;

const STATUS_SUCCESS = 0;
/** Secondary transaction requests: parts of an earlier request, answered by nothing of their own. */
const SECONDARY_COMMANDS: ReadonlySet<number> = new Set([
  Smb1Command.TRANSACTION_SECONDARY,
  Smb1Command.TRANSACTION2_SECONDARY,
  Smb1Command.NT_TRANSACT_SECONDARY,
]);
/** SMB1 SESSION_SETUP_ANDX response Action bit: logged in as guest. [MS-CIFS] 2.2.4.53.2 */
const ACTION_GUEST = 0x0001;

/** Reads a field the parser decoded, by its shared name. */
function field<T extends string | number>(
  c: Smb1Cmd,
  name: string,
  kind: "string" | "number",
): T | undefined {
  const v = c.fields[name];
  const matches = kind === "string" ? typeof v === "string" : typeof v === "number";
  return matches ? (v as T) : undefined;
}

/** One connection's SMB1 conversation. */
export class Smb1Session {
  dialect: string | undefined;
  readonly #users: BoundedMap<number, string>;
  readonly #trees: BoundedMap<number, string>;
  readonly #files: BoundedMap<number, string>;
  readonly #pending: PendingRequests<Smb1Message>;
  readonly #auth: AuthTracker;
  /** Transactions sent in several messages, requests and responses apart. */
  readonly #transactions = new TransactionAssembler();
  /** The primary request's fields of each transaction being assembled, by its key. */
  readonly #primaries = new BoundedMap<string, Fields>({ max: 64 });

  /** @param options.oneWay datagrams (mailslots): requests await no response */
  constructor(readonly conn: SmbConnection, readonly options: { oneWay?: boolean } = {}) {
    const maps = stateMaps<number, number, number>(conn, "smb1");
    this.#users = maps.users;
    this.#trees = maps.trees;
    this.#files = maps.files;
    this.#auth = new AuthTracker(conn, 1);
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
        this.conn.info.id,
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
    for (const p of result.problems) {
      this.conn.ctx.reporter.anomaly(
        "smb1",
        p.kind,
        `SMB1 transaction reassembly: ${p.detail}`,
        m.frames[m.frames.length - 1] ?? 0,
        m.ts,
        this.conn.info.id,
      );
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
    reportProblems(this.conn, "smb1", m, decoded.problems, "SMB1 reassembled transaction");
  }

  /** The connection ended: report requests never answered and authentications left open. */
  close(): void {
    this.#pending.close();
    this.#auth.close();
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
    const statusName = smb1StatusName(h.status, h.ntStatus);
    const ok = h.status === STATUS_SUCCESS;
    const reqCmd = request?.message.commands[index];

    switch (c.code) {
      case Smb1Command.NEGOTIATE:
        if (h.response) {
          const dialect = field<string>(c, "dialect", "string");
          if (dialect !== undefined) this.dialect = dialect;
        }
        break;
      case Smb1Command.SESSION_SETUP_ANDX:
        if (!h.response) {
          if (c.securityBlob !== undefined) {
            fields.security = tokenFields(this.#auth.request(key, c.securityBlob, evidence));
          } else if (c.ntResponse !== undefined || c.lmResponse !== undefined) {
            this.#auth.legacyRequest(key, legacyAuth(c), evidence);
          }
        } else {
          const action = field<number>(c, "action", "number");
          const outcome = this.#auth.response(
            key,
            c.securityBlob,
            h.status,
            statusName,
            action === undefined ? undefined : (action & ACTION_GUEST) !== 0,
            String(h.uid),
          );
          if (outcome.token) fields.security = tokenFields(outcome.token);
          if (outcome.user !== undefined) this.#users.set(h.uid, outcome.user);
        }
        break;
      case Smb1Command.LOGOFF_ANDX: // forgotten after the event (below)
        break;
      case Smb1Command.TREE_CONNECT_ANDX:
        if (h.response && reqCmd !== undefined) {
          const path = field<string>(reqCmd, "path", "string") ?? "";
          if (ok) this.#trees.set(h.tid, path);
          const service = field<string>(c, "service", "string");
          const user = this.#users.get(h.uid);
          emitTree(this.conn, m, {
            action: "connect",
            smbVersion: 1,
            path,
            treeId: h.tid,
            success: ok,
            status: h.status,
            statusName,
            ...(service === undefined ? {} : { shareType: serviceType(service) }),
            ...(user === undefined ? {} : { user }),
          });
        }
        break;
      case Smb1Command.TREE_DISCONNECT: {
        const path = this.#trees.get(h.tid);
        if (h.response && ok && path !== undefined) {
          emitTree(this.conn, m, {
            action: "disconnect",
            smbVersion: 1,
            path,
            treeId: h.tid,
            success: true,
            status: h.status,
            statusName,
          });
        }
        break;
      }
      case Smb1Command.NT_CREATE_ANDX:
      case Smb1Command.OPEN_ANDX:
        if (h.response && ok && reqCmd !== undefined) {
          const name = field<string>(reqCmd, "fileName", "string");
          const fid = field<number>(c, "fid", "number");
          if (name !== undefined && fid !== undefined) this.#files.set(fid, name);
        }
        break;
    }

    const event: SmbEvent = {
      type: "smb",
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
      status: h.status,
      statusName,
      request,
      ts: m.ts,
      user: this.#users.get(h.uid),
      share: this.#trees.get(h.tid),
      file: field<string>(c, "fileName", "string") ??
        (reqCmd ? field<string>(reqCmd, "fileName", "string") : undefined) ??
        this.#fileOf(c) ?? (reqCmd ? this.#fileOf(reqCmd) : undefined),
    });
    this.conn.ctx.out.push(event);

    // Ids are forgotten once closed, after the event still named them.
    if (h.response && ok) {
      if (c.code === Smb1Command.CLOSE && reqCmd !== undefined) {
        const fid = field<number>(reqCmd, "fid", "number");
        if (fid !== undefined) this.#files.delete(fid);
      } else if (c.code === Smb1Command.TREE_DISCONNECT) this.#trees.delete(h.tid);
      else if (c.code === Smb1Command.LOGOFF_ANDX) this.#users.delete(h.uid);
    }
  }

  #fileOf(c: Smb1Cmd): string | undefined {
    const fid = field<number>(c, "fid", "number");
    return fid === undefined ? undefined : this.#files.get(fid);
  }
}

/** A legacy SESSION_SETUP_ANDX as an NTLM attempt ([MS-CIFS] 3.2.4.2.4; lengths tell the version). */
function legacyAuth(c: Smb1Cmd): NtlmAuthenticate {
  const user = field<string>(c, "accountName", "string") ?? "";
  const nt = c.ntResponse?.length ?? 0, lm = c.lmResponse?.length ?? 0;
  const ntlmVersion = user === "" && nt === 0 && lm <= 1
    ? "anonymous"
    : nt === 24
    ? "v1"
    : nt > 24
    ? "v2"
    : "unknown";
  return {
    messageType: 3,
    flags: 0,
    flagNames: [],
    domain: field<string>(c, "primaryDomain", "string") ?? "",
    user,
    workstation: "",
    lmResponseLength: lm,
    ntResponseLength: nt,
    ntlmVersion,
    sessionKeyPresent: false,
  };
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
