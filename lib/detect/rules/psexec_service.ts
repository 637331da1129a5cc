/**
 * PsExec-style remote execution through the Service Control Manager: a
 * service binary copied to an administrative share (ADMIN$, which is
 * %SystemRoot%, or a drive share such as C$) and a service created on the
 * same server with svcctl RCreateService (opnums 12, 24, 44, 45) whose
 * binary path names that file (PsExec's PSEXESVC.exe, impacket psexec's
 * random name, Metasploit psexec, PAExec, RemCom); a service named after
 * one of those tools when its upload is not in the capture; or, without any upload,
 * a service whose "binary" is a command line (`%COMSPEC% /Q /c ...`: impacket
 * smbexec, CrackMapExec, Metasploit psexec_command; SCShell does the same
 * through RChangeServiceConfig). Over an encrypted association (packet
 * privacy) only the opnums show: a service created and then started there
 * is reported with what is known.
 * @module
 */
import type { DecodeEvent, FileEvent, JsonValue, RpcEvent } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { connOf, once, str } from "./facts.ts";
import {
  addressed,
  alertCall,
  argsOf,
  AssociationUsers,
  callLine,
  callValues,
  channelOf,
  encrypted,
  IFACE,
  isCallTo,
  outcomeOf,
} from "./rpc_facts.ts";

/** RCreateServiceW, RCreateServiceA, RCreateServiceWOW64A, RCreateServiceWOW64W. */
const CREATE = [12, 24, 44, 45] as const;
/** RChangeServiceConfigW, RChangeServiceConfigA. */
const CHANGE = [11, 23] as const;
/** Either: the calls that set a service's binary. */
const CREATE_OR_CHANGE = [...CREATE, ...CHANGE] as const;
/** RStartServiceW, RStartServiceA. */
const START = [19, 31] as const;
/** Uploads remembered per server. */
const UPLOADS_PER_HOST = 32;
/** Services waiting for their binary's upload, per server. */
const PENDING_PER_HOST = 16;

/** An administrative share: ADMIN$ or a drive letter's (C$). */
function adminShare(share: string | undefined): string | undefined {
  if (share === undefined) return undefined;
  const name = share.replace(/^\\\\[^\\]*\\/, "");
  return /^(admin\$|[a-z]\$)$/i.test(name) ? name.toUpperCase() : undefined;
}

/** What in a service's binary path makes it a command line rather than a program. */
function commandLine(bin: string): string | undefined {
  if (/%comspec%/i.test(bin)) return "%COMSPEC%";
  if (/(^|[\\/"\s])cmd(\.exe)?"?\s+(\/[a-z]+\s+)*\/[ck]\b/i.test(bin)) return "cmd /c";
  if (/(^|[\\/"\s])(powershell|pwsh)(\.exe)?"?(\s|$)/i.test(bin)) return "powershell";
  if (/(^|[\\/"\s])mshta(\.exe)?"?(\s|$)/i.test(bin)) return "mshta";
  return undefined;
}

/**
 * Service names of remote-execution tools: Sysinternals PsExec (PSEXESVC, the name its -r
 * option changes), RemCom and impacket psexec's RemComSvc, PAExec (PAExec-<pid>-<host>),
 * CSExec (csexecsvc). Matched on the service name or the binary's file name.
 */
function knownTool(service: string | undefined, bin: string): string | undefined {
  const names = [service ?? "", baseName(bin.replaceAll('"', "").split(" ", 1)[0] ?? "")];
  for (const n of names) {
    const x = n.toLowerCase().replace(/\.exe$/, "");
    if (x === "psexesvc") return "PsExec";
    if (x === "remcomsvc") return "RemCom";
    if (/^paexec/.test(x)) return "PAExec";
    if (x === "csexecsvc") return "CSExec";
  }
  return undefined;
}

/** The last component of a path, lower case. */
function baseName(path: string): string {
  const parts = path.replaceAll("/", "\\").split("\\");
  return (parts[parts.length - 1] ?? "").toLowerCase();
}

/** Whether a service binary path runs the file `name`. */
function runs(bin: string, name: string): boolean {
  if (name.length < 3) return false;
  const b = bin.toLowerCase().replaceAll("/", "\\").replaceAll('"', "");
  return b === name || b.startsWith(`${name} `) || b.includes(`\\${name}`);
}

interface Upload {
  name: string;
  file: FileEvent;
}

interface Pending {
  call: RpcEvent;
  bin: string;
}

interface HostState {
  uploads: Upload[];
  pending: Pending[];
}

/** The rule. */
export const psexecService: Rule = {
  id: "psexec-service",
  title: "Service created to run an uploaded binary or a command line (PsExec, smbexec)",
  severity: "high",
  technique: "T1569.002",
  techniqueName: "System Services: Service Execution",
  references: [
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-scmr/3ab258d6-87b0-459e-8d83-a2cdd8038b78",
    "https://learn.microsoft.com/en-us/sysinternals/downloads/psexec",
    "https://attack.mitre.org/techniques/T1569/002/",
    "https://github.com/fortra/impacket/blob/master/examples/smbexec.py",
    "https://401trg.com/an-introduction-to-smb-for-network-security-analysts/",
  ],
  description:
    "A service binary written to ADMIN$ or C$ and a service created (svcctl RCreateService*) on the same server to run it, a service of a known remote-execution tool (PSEXESVC, RemComSvc, PAExec, CSExec) whose upload was not seen, or a service whose binary path is a command line (%COMSPEC% /c \u2026); over an encrypted association, a service created and started (arguments unseen).",
  listens: ["file", "rpc", "ntlm", "kerberos"],
  options: {
    windowSeconds: {
      default: 3600,
      description: "seconds between the upload and the service creation that still pair them",
    },
  },
  create(ctx) {
    const hosts = ctx.state<string, HostState>(4096);
    const users = new AssociationUsers(ctx);
    /** Encrypted service creations awaiting a start on their connection. */
    const sealed = ctx.state<string, RpcEvent>(1024);
    const seen = ctx.state<string, true>(4096);

    const host = (ip: string): HostState => {
      let h = hosts.get(ip);
      if (h === undefined) {
        h = { uploads: [], pending: [] };
        hosts.set(ip, h);
      }
      return h;
    };

    const within = (a: DecodeEvent, b: DecodeEvent): boolean => {
      const ta = "evidence" in a ? a.evidence.ts : 0, tb = "evidence" in b ? b.evidence.ts : 0;
      return Math.abs(ta - tb) <= ctx.option("windowSeconds");
    };

    const serviceValues = (call: RpcEvent): { [key: string]: JsonValue } => {
      const a = argsOf(call) ?? {};
      const service: { [key: string]: JsonValue } = {};
      for (const k of ["serviceName", "displayName", "binaryPathName", "startType"]) {
        if (a[k] !== undefined) service[k] = a[k]!;
      }
      return callValues(call, users, service);
    };

    const alertUpload = (call: RpcEvent, bin: string, up: Upload): void => {
      if (!once(seen, `u|${call.server.ip}|${str(argsOf(call)?.serviceName)}|${up.file.path}`)) {
        return;
      }
      const f = up.file;
      const service = str(argsOf(call)?.serviceName) ?? "?";
      const upload: { [key: string]: JsonValue } = {
        share: f.share ?? null,
        path: f.path,
        bytesWritten: f.bytesWritten,
      };
      if (f.size !== undefined) upload.size = f.size;
      if (f.hashes !== undefined) upload.sha256 = f.hashes.sha256;
      alertCall(ctx, users, call, {
        message:
          `PsExec-style service "${service}" on ${call.server.ip}: binary ${bin} uploaded to ` +
          `${f.share ?? "?"}\\${f.path} (${callLine(call)})`,
        values: { kind: "uploaded_binary", ...serviceValues(call), upload },
        rests: [f, call],
        user: users.userOf(call) ?? f.user,
      });
    };

    const alertSealed = (create: RpcEvent, start: RpcEvent | undefined): void => {
      const uploads = (hosts.get(create.server.ip)?.uploads ?? []).filter((u) =>
        within(u.file, create) && u.file.evidence.ts <= create.evidence.ts
      );
      const values: { [key: string]: JsonValue } = {
        kind: "encrypted",
        confidence: uploads.length > 0 ? "medium" : "low",
        argumentsEncrypted: true,
        server: create.server.ip,
        operation: create.operation ?? null,
        opnum: create.opnum ?? null,
        channel: channelOf(create),
        ...outcomeOf(create),
        started: start !== undefined,
        ...users.flagOf(create),
      };
      if (start !== undefined) values.startOutcome = start.outcome;
      const user = users.userOf(create);
      if (user !== undefined) values.user = user;
      if (uploads.length > 0) {
        values.uploads = uploads.slice(-8).map((u) => {
          const up: { [key: string]: JsonValue } = {
            share: u.file.share ?? null,
            path: u.file.path,
            bytesWritten: u.file.bytesWritten,
          };
          if (u.file.hashes !== undefined) up.sha256 = u.file.hashes.sha256;
          return up;
        });
      }
      const last = uploads[uploads.length - 1];
      const rests: DecodeEvent[] = [];
      if (last !== undefined) rests.push(last.file);
      rests.push(create);
      if (start !== undefined) rests.push(start);
      alertCall(ctx, users, create, {
        message: `Service created${
          start !== undefined ? " and started" : ""
        } on ${create.server.ip} over an encrypted svcctl association (${callLine(create)}${
          start !== undefined ? `, ${callLine(start)}` : ""
        }): arguments encrypted, service and binary unseen${
          last !== undefined
            ? `; ${last.file.share ?? "?"}\\${last.file.path} was uploaded to it before`
            : ""
        }`,
        values,
        rests,
      });
    };

    const onService = (call: RpcEvent): void => {
      if (encrypted(call)) {
        if (!(CREATE as readonly number[]).includes(call.opnum!)) return;
        const key = connOf(call);
        const before = sealed.get(key);
        if (before !== undefined) alertSealed(before, undefined);
        sealed.set(key, call);
        return;
      }
      const a = argsOf(call);
      const bin = str(a?.binaryPathName);
      if (bin === undefined || bin === "") return;
      const cmd = commandLine(bin);
      if (cmd !== undefined) {
        if (!once(seen, `c|${call.server.ip}|${str(a?.serviceName)}|${bin}`)) return;
        const service = str(a?.serviceName);
        alertCall(ctx, users, call, {
          message:
            `Service ${service !== undefined ? `"${service}" ` : ""}on ${call.server.ip} runs a ` +
            `command line (${cmd}): ${bin} (${callLine(call)})`,
          values: { kind: "command_line", matched: cmd, ...serviceValues(call) },
        });
        return;
      }
      const h = host(call.server.ip);
      const up = [...h.uploads].reverse().find((u) => runs(bin, u.name) && within(u.file, call));
      if (up !== undefined) {
        alertUpload(call, bin, up);
        return;
      }
      const tool = knownTool(str(a?.serviceName), bin);
      if (tool !== undefined) {
        if (once(seen, `t|${call.server.ip}|${str(a?.serviceName)}|${bin}`)) {
          alertCall(ctx, users, call, {
            message:
              `${tool} service "${str(a?.serviceName) ?? "?"}" on ${call.server.ip}: ${bin} ` +
              `(${callLine(call)}; its upload not seen)`,
            values: { kind: "known_tool", tool, ...serviceValues(call) },
          });
        }
      }
      if (h.pending.length >= PENDING_PER_HOST) {
        h.pending.shift();
        ctx.limit(`more than ${PENDING_PER_HOST} service creations awaiting an upload on one host`);
      }
      h.pending.push({ call, bin });
    };

    const onFile = (f: FileEvent): void => {
      if (!addressed(f) || f.pipe === true || f.directory === true) return;
      if (!Array.isArray(f.actions) || !f.actions.includes("write")) return;
      if (adminShare(f.share) === undefined || typeof f.path !== "string") return;
      const name = baseName(f.path);
      if (name === "") return;
      const h = host(f.server.ip);
      const up = { name, file: f };
      if (h.uploads.length >= UPLOADS_PER_HOST) {
        h.uploads.shift();
        ctx.limit(`more than ${UPLOADS_PER_HOST} admin-share uploads remembered for one host`);
      }
      h.uploads.push(up);
      for (const p of h.pending) {
        if (runs(p.bin, name) && within(f, p.call)) alertUpload(p.call, p.bin, up);
      }
      h.pending = h.pending.filter((p) => !runs(p.bin, name));
    };

    return {
      event(e) {
        if (e.type === "ntlm" || e.type === "kerberos") {
          users.learn(e);
        } else if (e.type === "file") {
          onFile(e);
        } else if (isCallTo(e, IFACE.svcctl, CREATE_OR_CHANGE)) {
          onService(e);
        } else if (isCallTo(e, IFACE.svcctl, START) && encrypted(e)) {
          const key = connOf(e);
          const create = sealed.get(key);
          if (create !== undefined) {
            sealed.delete(key);
            alertSealed(create, e);
          }
        }
      },
      end() {
        for (const create of sealed.values()) alertSealed(create, undefined);
      },
    };
  },
};
