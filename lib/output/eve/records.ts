/**
 * Suricata-style EVE JSON records from our events: `smb` (one per request
 * and its final response), `dcerpc` (one per call or bind), `fileinfo` (one
 * per file whose content crossed the wire) and `alert`, with Suricata's field
 * names, so a pipeline that reads a sensor's `eve.json` takes ours.
 * @module
 */
import type {
  AlertEvent,
  DecodeEvent,
  Endpoint,
  FileEvent,
  JsonValue,
  NtlmEvent,
  RpcEvent,
  SmbEvent,
  TreeEvent,
} from "../../events.ts";
import { BoundedMap } from "../../state/bounded_map.ts";
import {
  eveDialect,
  eveFuid,
  eveNumber,
  eveSeverity,
  eveSignatureId,
  eveSmbCommand,
  eveTimestamp,
} from "./names.ts";

/** One EVE record: a JSON object with `timestamp`, `event_type` and the record's own object. */
export type EveRecord = { [key: string]: JsonValue };

/** Connections followed at once, requests awaiting their answer per connection. */
const MAX_CONNECTIONS = 1 << 16;
const MAX_PENDING = 1024;
/** STATUS_PENDING: an interim answer; the final one follows. */
const STATUS_PENDING = 0x103;

interface Flow {
  /** Transactions logged so far (Suricata's `tx_id`). */
  tx: number;
  /** Requests awaiting their answer, by message id and command. */
  pending: BoundedMap<string, SmbEvent>;
  /** The last NTLM login, for its SESSION_SETUP record. */
  ntlm: NtlmEvent | undefined;
  /** The last tree connect, for its TREE_CONNECT record. */
  tree: TreeEvent | undefined;
}

/** The 5-tuple part of every record. */
function head(
  type: string,
  ts: number,
  frame: number | undefined,
  conn: number | undefined,
  src: Endpoint | undefined,
  dst: Endpoint | undefined,
  proto: "TCP" | "UDP",
): EveRecord {
  const r: EveRecord = { timestamp: eveTimestamp(ts) };
  if (conn !== undefined) r.flow_id = conn;
  if (frame !== undefined) r.pcap_cnt = frame;
  r.event_type = type;
  if (src !== undefined && dst !== undefined) {
    r.src_ip = src.ip;
    r.src_port = src.port;
    r.dest_ip = dst.ip;
    r.dest_port = dst.port;
    r.proto = proto;
  }
  return r;
}

/** Seconds since the epoch (whole) of a FILETIME as the decoder prints it. */
function epoch(v: JsonValue | undefined): number | undefined {
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** Set `key` when `value` is there. */
function put(o: EveRecord, key: string, value: JsonValue | undefined): void {
  if (value !== undefined && value !== "") o[key] = value;
}

/**
 * Feed every event in order; each call returns the EVE records it completes.
 *
 * @example EVE records of a capture
 * ```ts
 * import { Decoder, EveRecords } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * const d = new Decoder();
 * const eve = new EveRecords();
 * const records = [...d.push(Deno.readFileSync("fixtures/smb/smb1_session.pcap")), ...d.end()]
 *   .flatMap((e) => eve.add(e));
 * const trees = records.filter((r) => r.event_type === "smb" &&
 *   (r.smb as { command: string }).command === "SMB1_COMMAND_TREE_CONNECT_ANDX");
 * assert.equal(trees.length, 2);
 * ```
 */
export class EveRecords {
  readonly #flows = new BoundedMap<number, Flow>({ max: MAX_CONNECTIONS });

  /** The records one event completes. */
  add(e: DecodeEvent): EveRecord[] {
    switch (e.type) {
      case "smb":
        return this.#smb(e);
      case "ntlm":
        if (e.evidence.connection !== undefined) this.#flow(e.evidence.connection).ntlm = e;
        return [];
      case "tree":
        if (e.evidence.connection !== undefined) this.#flow(e.evidence.connection).tree = e;
        return [];
      case "rpc":
        return [this.#dcerpc(e)];
      case "file":
        return this.#fileinfo(e);
      case "alert":
        return [this.#alert(e)];
      case "connection": {
        if (e.action !== "close") return [];
        const flow = this.#flows.get(e.id);
        this.#flows.delete(e.id);
        // Requests never answered are logged when their connection ends, as Suricata does.
        return flow === undefined
          ? []
          : [...flow.pending.values()].map((r) => this.#smbRecord(flow, r, undefined));
      }
      default:
        return [];
    }
  }

  #flow(conn: number): Flow {
    let f = this.#flows.get(conn);
    if (f === undefined) {
      f = {
        tx: 0,
        pending: new BoundedMap({ max: MAX_PENDING }),
        ntlm: undefined,
        tree: undefined,
      };
      this.#flows.set(conn, f);
    }
    return f;
  }

  #smb(e: SmbEvent): EveRecord[] {
    // Encrypted transforms carry nothing Suricata would log.
    if (e.command === "ENCRYPTED" || e.evidence.connection === undefined) return [];
    const flow = this.#flow(e.evidence.connection);
    const key = `${e.messageId}/${e.command}`;
    if (!e.response) {
      flow.pending.set(key, e);
      return [];
    }
    if (e.status === STATUS_PENDING) return [];
    const request = flow.pending.get(key);
    flow.pending.delete(key);
    return [this.#smbRecord(flow, request, e)];
  }

  /** One transaction: a request and its final response (either may be missing). */
  #smbRecord(flow: Flow, request: SmbEvent | undefined, response: SmbEvent | undefined): EveRecord {
    const e = (response ?? request)!;
    const r = head(
      "smb",
      e.evidence.ts,
      e.evidence.frames[0],
      e.evidence.connection,
      e.client,
      e.server,
      "TCP",
    );
    r.tx_id = flow.tx++;
    const smb: EveRecord = {
      id: flow.tx,
      dialect: eveDialect(e.dialect),
      command: eveSmbCommand(e),
    };
    if (response?.statusName !== undefined) smb.status = response.statusName;
    if (response?.status !== undefined) smb.status_code = `0x${response.status.toString(16)}`;
    smb.session_id = eveNumber(e.sessionId);
    put(smb, "tree_id", e.treeId);
    const req = request?.fields ?? {}, res = response?.fields ?? {};
    switch (e.command) {
      case "SESSION_SETUP":
      case "SESSION_SETUP_ANDX": {
        const ntlm = flow.ntlm;
        if (ntlm !== undefined && !ntlm.anonymous) {
          smb.ntlmssp = { domain: ntlm.domain, user: ntlm.user, host: ntlm.workstation };
        }
        break;
      }
      case "TREE_CONNECT":
      case "TREE_CONNECT_ANDX": {
        const tree = flow.tree;
        const share = e.share ?? tree?.path;
        const type = tree?.shareType;
        if (share !== undefined) smb[type === "PIPE" ? "named_pipe" : "share"] = share;
        if (type !== undefined) smb.share_type = type === "DISK" ? "FILE" : type;
        break;
      }
      case "CREATE":
      case "NT_CREATE_ANDX": {
        put(
          smb,
          "filename",
          e.file ?? (typeof req.fileName === "string" ? req.fileName : undefined),
        );
        put(smb, "disposition", req.createDispositionName);
        put(smb, "created", epoch(res.creationTime));
        put(smb, "accessed", epoch(res.lastAccessTime));
        put(smb, "modified", epoch(res.lastWriteTime));
        put(smb, "changed", epoch(res.changeTime));
        put(smb, "size", res.endOfFile);
        break;
      }
      default:
        put(smb, "filename", e.file);
    }
    const fileId = res.fileId ?? req.fileId;
    const fid = res.fid ?? req.fid;
    if (typeof fileId === "string") smb.fuid = eveFuid(fileId);
    else if (typeof fid === "number") smb.fuid = String(fid);
    r.smb = smb;
    return r;
  }

  #dcerpc(e: RpcEvent): EveRecord {
    // Logged, as Suricata does, when the answer completes it: its frame and time.
    const r = head(
      "dcerpc",
      e.evidence.ts + (e.responseTime ?? 0),
      e.evidence.frames.at(-1),
      e.evidence.connection,
      e.client,
      e.server,
      e.transport === "udp" ? "UDP" : "TCP",
    );
    const call = e.action === "call";
    const dcerpc: EveRecord = {
      request: call ? "REQUEST" : e.action === "bind" ? "BIND" : "ALTER_CONTEXT",
      response: e.outcome === "response"
        ? "RESPONSE"
        : e.outcome === "fault"
        ? "FAULT"
        : e.outcome === "ack"
        ? (e.action === "bind" ? "BINDACK" : "ALTER_CONTEXT_RESP")
        : e.outcome === "nak"
        ? "BINDNAK"
        : "UNREPLIED",
      call_id: e.callId,
      rpc_version: e.transport === "udp" ? "4.0" : "5.0",
    };
    if (call) {
      const req: EveRecord = {};
      put(req, "opnum", e.opnum);
      req.frag_cnt = e.requestFragments ?? 1;
      put(req, "stub_data_size", e.requestStubBytes);
      dcerpc.req = req;
      if (e.outcome === "response" || e.outcome === "fault") {
        const res: EveRecord = { frag_cnt: e.responseFragments ?? 1 };
        put(res, "stub_data_size", e.responseStubBytes);
        dcerpc.res = res;
      }
    } else if (e.contexts !== undefined) {
      const RESULTS: Record<string, number> = {
        acceptance: 0,
        user_rejection: 1,
        provider_rejection: 2,
        negotiate_ack: 3,
      };
      dcerpc.interfaces = e.contexts.map((c) => {
        const i: EveRecord = { uuid: c.interface, version: c.interfaceVersion };
        put(i, "ack_result", c.result === undefined ? undefined : RESULTS[c.result]);
        return i;
      });
    }
    r.dcerpc = dcerpc;
    return r;
  }

  #fileinfo(e: FileEvent): EveRecord[] {
    if (e.pipe === true || e.bytesRead + e.bytesWritten === 0) return [];
    // The file's data went from the client (an upload) or from the server (a download).
    const upload = e.bytesWritten > 0;
    const r = head(
      "fileinfo",
      e.closed?.ts ?? e.evidence.ts,
      e.evidence.frames.at(-1),
      e.evidence.connection,
      upload ? e.client : e.server,
      upload ? e.server : e.client,
      "TCP",
    );
    r.app_proto = "smb";
    const info: EveRecord = {
      filename: e.path,
      gaps: (e.missing?.length ?? 0) > 0,
      state: e.state === "closed" ? "CLOSED" : "TRUNCATED",
      stored: false,
      size: e.size ?? e.bytesSeen,
    };
    if (e.hashes !== undefined) {
      info.md5 = e.hashes.md5;
      info.sha1 = e.hashes.sha1;
      info.sha256 = e.hashes.sha256;
    }
    r.fileinfo = info;
    const smb: EveRecord = { session_id: eveNumber(e.sessionId), filename: e.path };
    smb.fuid = e.smbVersion === 2 ? eveFuid(e.handle) : e.handle;
    put(smb, "share", e.share);
    r.smb = smb;
    return [r];
  }

  #alert(e: AlertEvent): EveRecord {
    const r = head(
      "alert",
      e.evidence.ts,
      e.evidence.frames[0],
      e.evidence.connection,
      e.client,
      e.server,
      "TCP",
    );
    r.alert = {
      action: "allowed",
      gid: 1,
      signature_id: eveSignatureId(e.rule),
      rev: 1,
      signature: `SMBSCOPE ${e.title}`,
      category: e.techniqueName,
      severity: eveSeverity(e.severity),
      metadata: {
        smbscope_rule: [e.rule],
        smbscope_message: [e.message],
        mitre_technique_id: [e.technique],
        mitre_technique_name: [e.techniqueName],
      },
    };
    return r;
  }
}
