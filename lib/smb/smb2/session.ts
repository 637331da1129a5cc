/**
 * SMB2/SMB3 state of one connection: pairs requests with responses by
 * MessageId (interim STATUS_PENDING and final async responses both linked),
 * remembers SessionId → user, TreeId → share and FileId → file (related
 * compound operations inherit them), and emits `smb`, `ntlm` and `tree` events.
 * @module
 */
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
import { Smb2Command } from "./commands.ts";
import { parseSmb2 } from "./parse.ts";
import type { Smb2Message, Smb2Packet } from "./types.ts";
import { ntStatusName } from "../status.ts";

type Pending = PendingRequest<Smb2Message>;

const STATUS_SUCCESS = 0;
const STATUS_PENDING = 0x00000103;
/** SessionFlags in a SESSION_SETUP response. [MS-SMB2] 2.2.6 */
const SESSION_FLAG_IS_GUEST = 0x0001;
/** A FileId of all ones in a related compound operation means "the previous one's". */
const RELATED_FILE_ID = "ffffffffffffffffffffffffffffffff";

function str(fields: Fields, name: string): string | undefined {
  const v = fields[name];
  return typeof v === "string" ? v : undefined;
}

function num(fields: Fields, name: string): number | undefined {
  const v = fields[name];
  return typeof v === "number" ? v : undefined;
}

/**
 * The cipher of encrypted messages: from the 3.1.1 ENCRYPTION_CAPABILITIES
 * context of the NEGOTIATE response, or AES-128-CCM, the only one of 3.0 and
 * 3.0.2. [MS-SMB2] 3.1.4.3
 */
function negotiatedCipher(fields: Fields, dialect: string | undefined): string | undefined {
  const contexts = fields.negotiateContexts;
  if (Array.isArray(contexts)) {
    for (const c of contexts) {
      if (
        c !== null && typeof c === "object" && !Array.isArray(c) && Array.isArray(c.cipherNames)
      ) {
        const name = c.cipherNames[0];
        if (typeof name === "string") return name;
      }
    }
  }
  return dialect === "3.0" || dialect === "3.0.2" ? "AES-128-CCM" : undefined;
}

/** One connection's SMB2/3 conversation. */
export class Smb2Session {
  dialect: string | undefined;
  readonly #users: BoundedMap<string, string>;
  readonly #trees: BoundedMap<number, string>;
  readonly #files: BoundedMap<string, string>;
  readonly #pending: PendingRequests<Smb2Message>;
  readonly #auth: AuthTracker;
  /** The cipher the NEGOTIATE response chose, for encrypted messages. */
  #cipher: string | undefined;
  /** The parser's way to the request a response answers. */
  readonly #requestOf = (id: string) => this.#pending.get(id)?.message;

  constructor(readonly conn: SmbConnection) {
    const maps = stateMaps<string, number, string>(conn, "smb2");
    this.#users = maps.users;
    this.#trees = maps.trees;
    this.#files = maps.files;
    this.#auth = new AuthTracker(conn, 2);
    this.#pending = new PendingRequests(
      conn,
      "smb2",
      (msg) => `SMB2 ${msg.name} request (MessageId ${msg.header.messageId})`,
    );
  }

  message(fromClient: boolean, m: NbssMessage): void {
    let packet: Smb2Packet;
    try {
      packet = parseSmb2(m.body, this.#requestOf);
    } catch (e) {
      reportParserBug(this.conn, "smb2", m, e);
      return;
    }
    reportProblems(this.conn, "smb2", m, packet.problems, "SMB2 message");
    const evidence = {
      frames: m.frames,
      ts: m.ts,
      connection: this.conn.info.id,
      streamOffset: m.streamOffset,
      fromClient,
    };
    if (packet.transform !== undefined) {
      const t = packet.transform;
      const event: SmbEvent = {
        type: "smb",
        version: 2,
        command: "ENCRYPTED",
        commandCode: 0xfd,
        response: !fromClient,
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
        },
        evidence,
      };
      if (this.dialect !== undefined) event.dialect = this.dialect;
      const user = this.#users.get(t.sessionId);
      if (user !== undefined) event.user = user;
      this.conn.ctx.out.push(event);
      return;
    }
    // Related operations of a compound inherit the previous one's ids.
    let previousFile: string | undefined;
    const messages = packet.messages;
    for (let index = 0; index < messages.length; index++) {
      previousFile = this.#message(messages[index]!, index, m, evidence, previousFile);
    }
  }

  /** The connection ended: report requests never answered and authentications left open. */
  close(): void {
    this.#pending.close();
    this.#auth.close();
  }

  #message(
    msg: Smb2Message,
    index: number,
    m: NbssMessage,
    evidence: SmbEvent["evidence"],
    previousFile: string | undefined,
  ): string | undefined {
    const h = msg.header;
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

    switch (h.command) {
      case Smb2Command.NEGOTIATE:
        if (h.response) {
          const dialect = str(msg.fields, "dialect");
          if (dialect !== undefined && !dialect.includes("?")) this.dialect = dialect;
          this.#cipher = negotiatedCipher(msg.fields, dialect) ?? this.#cipher;
        }
        break;
      case Smb2Command.SESSION_SETUP:
        if (!h.response) {
          if (msg.securityBlob !== undefined) {
            fields.security = tokenFields(this.#auth.request(key, msg.securityBlob, evidence));
          }
        } else {
          const flags = num(msg.fields, "sessionFlags");
          const outcome = this.#auth.response(
            key,
            msg.securityBlob,
            h.status,
            statusName,
            flags === undefined ? undefined : (flags & SESSION_FLAG_IS_GUEST) !== 0,
            h.sessionId,
          );
          if (outcome.token) fields.security = tokenFields(outcome.token);
          if (outcome.user !== undefined) this.#users.set(h.sessionId, outcome.user);
        }
        break;
      case Smb2Command.LOGOFF: // forgotten after the event (below)
        break;
      case Smb2Command.TREE_CONNECT:
        if (h.response && req !== undefined) {
          const path = str(req.fields, "path") ?? "";
          if (ok && h.treeId !== undefined) this.#trees.set(h.treeId, path);
          const shareType = str(msg.fields, "shareTypeName");
          const user = this.#users.get(h.sessionId);
          emitTree(this.conn, m, {
            action: "connect",
            smbVersion: 2,
            path,
            success: ok,
            status: h.status,
            statusName,
            ...(h.treeId === undefined ? {} : { treeId: h.treeId }),
            ...(shareType === undefined ? {} : { shareType }),
            ...(user === undefined ? {} : { user }),
          });
        }
        break;
      case Smb2Command.TREE_DISCONNECT: {
        const path = h.treeId === undefined ? undefined : this.#trees.get(h.treeId);
        if (h.response && ok && path !== undefined) {
          emitTree(this.conn, m, {
            action: "disconnect",
            smbVersion: 2,
            path,
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
          const name = str(req.fields, "fileName");
          if (name !== undefined) this.#files.set(msg.fileId, name);
        }
        break;
    }

    const event: SmbEvent = {
      type: "smb",
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
    if (h.treeId !== undefined) event.treeId = h.treeId;
    if (h.processId !== undefined) event.processId = h.processId;
    if (h.asyncId !== undefined) event.asyncId = h.asyncId;
    const treeId = h.treeId ?? req?.header.treeId;
    const file = this.#fileOf(msg, req, previousFile);
    endSmbEvent(event, {
      dialect: this.dialect,
      response: h.response,
      status: h.status,
      statusName,
      request,
      ts: m.ts,
      user: this.#users.get(h.sessionId),
      share: treeId === undefined ? undefined : this.#trees.get(treeId),
      file,
    });
    this.conn.ctx.out.push(event);

    // Ids are forgotten once closed, after the event still named them; a rename
    // renames the open file.
    if (h.response && ok) {
      const newName = req ? str(req.fields, "newFileName") : undefined;
      if (
        h.command === Smb2Command.SET_INFO && newName !== undefined && req?.fileId !== undefined
      ) {
        this.#files.set(req.fileId, newName);
      }
      if (h.command === Smb2Command.CLOSE && req?.fileId !== undefined) {
        this.#files.delete(req.fileId);
      } else if (h.command === Smb2Command.TREE_DISCONNECT && h.treeId !== undefined) {
        this.#trees.delete(h.treeId);
      } else if (h.command === Smb2Command.LOGOFF) this.#users.delete(h.sessionId);
    }
    return file;
  }

  /** The file a message concerns: its own name, its FileId's, its request's, or the compound's previous. */
  #fileOf(msg: Smb2Message, req: Smb2Message | undefined, previous: string | undefined) {
    const own = str(msg.fields, "fileName") ?? (req ? str(req.fields, "fileName") : undefined);
    if (own !== undefined) return own;
    const id = msg.fileId ?? req?.fileId;
    if (id === undefined) return undefined;
    if (id === RELATED_FILE_ID) return previous;
    return this.#files.get(id);
  }
}
