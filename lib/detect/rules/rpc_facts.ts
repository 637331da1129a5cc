/**
 * What the DCE/RPC rules share: the interfaces they watch (by UUID, so a
 * renamed interface still matches), defensive readers of an `rpc` event's
 * arguments, UNC host names, who authenticated on a TCP association, the
 * names each host goes by, which hosts showed themselves to be domain
 * controllers, and the values and alert of a call. Every store is a rule's
 * capped state; field readers are in facts.ts.
 * @module
 */
import type { DecodeEvent, JsonValue, RpcEvent } from "../../events.ts";
import type { AlertInput, RuleContext, RuleState } from "../rule.ts";
import { connectionOf, obj, str } from "./facts.ts";

/** Interface UUIDs (lower case) from the [MS-*] IDL. */
export const IFACE = {
  /** [MS-SCMR] svcctl. */
  svcctl: "367abb81-9844-35f1-ad32-98f038001003",
  /** [MS-SRVS] srvsvc. */
  srvsvc: "4b324fc8-1670-01d3-1278-5a47bf6ee188",
  /** [MS-RPRN] winspool (\pipe\spoolss). */
  winspool: "12345678-1234-abcd-ef00-0123456789ab",
  /** [MS-PAR] IRemoteWinspool (TCP, always at packet privacy). */
  remoteWinspool: "76f03f96-cdfd-44fc-a22c-64950a001209",
  /** [MS-EFSR] efsrpc on \pipe\lsarpc (and lsass, netlogon, samr). */
  efsrpcLsarpc: "c681d488-d850-11d0-8c52-00c04fd90f7e",
  /** [MS-EFSR] efsrpc on \pipe\efsrpc. */
  efsrpc: "df1941c5-fe89-4e79-bf10-463657acf44d",
  /** [MS-NRPC] logon (netlogon). */
  netlogon: "12345678-1234-abcd-ef00-01234567cffb",
  /** [MS-DRSR] drsuapi. */
  drsuapi: "e3514235-4b06-11d1-ab04-00c04fc2dcd2",
  /** [MS-TSCH] atsvc (at.exe jobs). */
  atsvc: "1ff70682-0a51-30e8-076d-740be8cee98b",
  /** [MS-TSCH] ITaskSchedulerService. */
  tsch: "86d35949-83c9-4044-b424-db363231fd0c",
  /** [MS-RRP] winreg. */
  winreg: "338cd001-2244-31f1-aaaa-900038001003",
  /** [C706] endpoint mapper. */
  epm: "e1af8308-5d1f-11c9-91a4-08002b14a0fa",
} as const;

/** Whether an event carries the addresses and evidence every event about a connection has. */
export function addressed(e: DecodeEvent): boolean {
  const x = e as unknown as {
    client?: { ip?: unknown };
    server?: { ip?: unknown };
    evidence?: { ts?: unknown; frames?: unknown };
  };
  return typeof x.client?.ip === "string" && typeof x.server?.ip === "string" &&
    typeof x.evidence?.ts === "number" && Array.isArray(x.evidence.frames);
}

/** An `rpc` event of a call. */
export type RpcCall = RpcEvent & { action: "call" };

/**
 * An event that is a DCE/RPC call to `uuid` with one of `opnums`, with its addresses and
 * evidence. Every RPC rule asks this of every call: the opnum is compared first and the
 * addresses last (testing them allocated, per call and rule, in a heap profile). False narrows
 * nothing: the next test may be of another call.
 */
export function isCallTo(e: DecodeEvent, uuid: string, opnums: readonly number[]): e is RpcCall {
  return e.type === "rpc" && e.action === "call" && callTo(e, uuid, opnums) && addressed(e);
}

/**
 * Whether a call is to `uuid` (lower case) with one of `opnums`. Asked of every call by many
 * rules: the opnum is compared first, and the interface is lower-cased only when it differs.
 */
export function callTo(e: RpcEvent, uuid: string, opnums: readonly number[]): boolean {
  return typeof e.opnum === "number" && opnums.includes(e.opnum) && isInterface(e, uuid);
}

/** Whether a call is to the interface `uuid` (lower case), whatever the case of its UUID. */
export function isInterface(e: RpcEvent, uuid: string): boolean {
  const i = e.interface;
  return typeof i === "string" && (i === uuid || lowerUuid(i) === uuid);
}

/** The UUID last lower-cased by `lowerUuid`, and its lower-case form. */
let lastUuid = "", lastUuidLower = "";

/**
 * A UUID in lower case. The rules ask one after another about the same call's UUID (one string
 * per association), and `toLowerCase` copies even a string already in lower case: the last
 * answer is kept.
 */
export function lowerUuid(uuid: string): string {
  if (uuid !== lastUuid) {
    lastUuidLower = uuid.toLowerCase();
    lastUuid = uuid;
  }
  return lastUuidLower;
}

/** The call's decoded request arguments, when there are any. */
export function argsOf(e: RpcEvent): { [key: string]: JsonValue } | undefined {
  return obj(e.arguments);
}

/** The call's decoded response values, when there are any. */
export function resultsOf(e: RpcEvent): { [key: string]: JsonValue } | undefined {
  return obj(e.results);
}

/** Whether the call's stubs were encrypted (packet privacy): only its opnum is known. */
export function encrypted(e: RpcEvent): boolean {
  return e.encrypted === true;
}

/** How the call ended, for an alert's values: outcome, status name, success. */
export function outcomeOf(e: RpcEvent): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = { outcome: e.outcome };
  if (typeof e.statusName === "string") out.status = e.statusName;
  if (typeof e.success === "boolean") out.success = e.success;
  return out;
}

/** `RCreateServiceW -> ERROR_SUCCESS`, `... -> fault nca_s_op_rng_error`, `... -> no answer`. */
export function callLine(e: RpcEvent): string {
  const op = e.operation ?? `opnum ${e.opnum ?? "?"}`;
  if (e.outcome === "no_response") return `${op} \u2192 no answer`;
  if (e.outcome === "fault") return `${op} \u2192 fault ${e.statusName ?? ""}`.trimEnd();
  return `${op} \u2192 ${e.statusName ?? "answered"}`;
}

/** Where the call went: `\pipe\svcctl` or `tcp/49683`. */
export function channelOf(e: RpcEvent): string {
  if (typeof e.pipe === "string" && e.pipe !== "") return `\\pipe\\${e.pipe}`;
  return `${e.transport}/${e.server?.port ?? "?"}`;
}

/** The first component of a name or path after its leading backslashes: `\\host\x` gives `host`. */
export function hostPart(name: string): string {
  // Scanned, not split: rules ask this of several names of every call and login.
  let from = 0;
  while (name.charCodeAt(from) === 0x5c) from++;
  const to = name.indexOf("\\", from);
  return to < 0 ? name.slice(from) : name.slice(from, to);
}

/** A host as compared: lower case, without a trailing dot. */
export function hostKey(host: string): string {
  const h = host.toLowerCase();
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

/** Whether `host` is an IPv4 or IPv6 literal. */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ||
    (host.includes(":") && /^[0-9a-f:.]+$/i.test(host));
}

/** Whether `host` names the machine it is read on (loopback or `.`). */
export function isLoopback(host: string): boolean {
  const h = hostKey(host);
  return h === "localhost" || h === "." || h === "::1" || h.startsWith("127.");
}

/**
 * The host a UNC path names (`\\host\share\...`, `\\?\UNC\host\...`, forward
 * slashes too), with a WebDAV `@port` or `@SSL` suffix taken off (`webdav`
 * then true); undefined when the path is not UNC.
 */
export function uncHost(path: string): { host: string; webdav: boolean } | undefined {
  const p = path.replaceAll("/", "\\");
  let rest: string;
  if (/^\\\\[?.]\\unc\\/i.test(p)) rest = p.slice(8);
  else if (p.startsWith("\\\\") && !/^\\\\[?.]\\/.test(p)) rest = p.slice(2);
  else return undefined;
  const first = rest.split("\\", 1)[0] ?? "";
  if (first === "") return undefined;
  const at = first.indexOf("@");
  const host = at >= 0 ? first.slice(0, at) : first;
  return host === "" ? undefined : { host, webdav: at >= 0 };
}

/** What the association map holds for an anonymous login (never shown). */
const ANONYMOUS = "\0anonymous";

/** Seconds for a message: `850 ms`, `2.7 s`. */
export function duration(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`;
}

/**
 * Who authenticated on each DCE/RPC association carried directly over TCP
 * (its `rpc` events carry no user; its `ntlm`/`kerberos` events do). SMB
 * calls carry their session's user themselves.
 */
export class AssociationUsers {
  /** By connection id (-1: none), a number so that no key is built per login. */
  readonly #byConnection: RuleState<number, string>;
  constructor(ctx: RuleContext, max = 4096) {
    this.#byConnection = ctx.connectionState<string>(max);
  }
  /** Learn from an `ntlm` or `kerberos` event carried by DCE/RPC. */
  learn(e: DecodeEvent): void {
    if (e.type === "ntlm" && e.protocol === "dcerpc") {
      const user = str(e.user) ?? "", domain = str(e.domain) ?? "";
      const who = e.anonymous === true || user === ""
        ? ANONYMOUS
        : domain === ""
        ? user
        : `${domain}\\${user}`;
      this.#byConnection.set(connectionOf(e), who);
    } else if (e.type === "kerberos" && e.protocol === "dcerpc") {
      const principal = str(e.clientPrincipal), realm = str(e.clientRealm);
      if (principal === undefined) return;
      this.#byConnection.set(
        connectionOf(e),
        realm === undefined ? principal : `${principal}@${realm}`,
      );
    }
  }
  /** The user of a call: its SMB session's, else its TCP association's (none when anonymous). */
  userOf(e: RpcEvent): string | undefined {
    if (typeof e.user === "string" && e.user !== "") return e.user;
    if (e.anonymous === true) return undefined;
    const who = this.#byConnection.get(connectionOf(e));
    return who === ANONYMOUS ? undefined : who;
  }
  /** Whether the call's SMB session or TCP association is anonymous. */
  anonymousOf(e: RpcEvent): boolean {
    if (typeof e.user === "string" && e.user !== "") return false;
    return e.anonymous === true || this.#byConnection.get(connectionOf(e)) === ANONYMOUS;
  }
  /** `{ anonymous: true }` for an anonymous call, for an alert's values; else nothing. */
  flagOf(e: RpcEvent): { anonymous?: true } {
    return this.anonymousOf(e) ? { anonymous: true } : {};
  }
  /** Names `user` (the call's by default) in an alert's values, or marks the call anonymous. */
  nameIn(
    values: { [key: string]: JsonValue },
    e: RpcEvent,
    user: string | undefined = this.userOf(e),
  ): string | undefined {
    if (user !== undefined) values.user = user;
    else Object.assign(values, this.flagOf(e));
    return user;
  }
}

/**
 * Where a call went and how it ended, for an alert's values: its channel,
 * whether its stubs were sealed, its outcome, status and success.
 */
export function channelValues(e: RpcEvent): { [key: string]: JsonValue } {
  return { channel: channelOf(e), argumentsEncrypted: encrypted(e), ...outcomeOf(e) };
}

/**
 * An alert's values about one call: the server, operation, opnum and
 * channel, then `more`, then how the call ended and whether it was
 * anonymous (in that order).
 */
export function callValues(
  e: RpcEvent,
  users: AssociationUsers,
  more: { [key: string]: JsonValue } = {},
): { [key: string]: JsonValue } {
  return {
    server: e.server.ip,
    operation: e.operation ?? null,
    opnum: e.opnum ?? null,
    channel: channelOf(e),
    ...more,
    ...outcomeOf(e),
    ...users.flagOf(e),
  };
}

/**
 * Raises an alert about a call: it rests on the call unless `rests` says
 * otherwise, and names `user`, else the call's user, when one is known.
 */
export function alertCall(
  ctx: RuleContext,
  users: AssociationUsers,
  e: RpcEvent,
  input: Pick<AlertInput, "message" | "values"> & {
    rests?: readonly DecodeEvent[];
    user?: string | undefined;
  },
): void {
  const user = input.user ?? users.userOf(e);
  ctx.alert({
    message: input.message,
    values: input.values,
    rests: input.rests ?? [e],
    ...(user !== undefined ? { user } : {}),
  });
}

/**
 * Raises the low-confidence alert of a call made over an encrypted
 * association (packet privacy), of which only the operation is known:
 * "`what` on <server> over an encrypted association: <call> (arguments
 * encrypted)".
 */
export function alertSealedCall(
  ctx: RuleContext,
  users: AssociationUsers,
  e: RpcEvent,
  what: string,
): void {
  alertCall(ctx, users, e, {
    message: `${what} on ${e.server.ip} over an encrypted association: ${
      callLine(e)
    } (arguments encrypted)`,
    values: callValues(e, users, { confidence: "low", argumentsEncrypted: true }),
  });
}

/** Names kept per host address. */
const NAMES_PER_HOST = 16;
/** The arguments of a call that name its server. */
const SERVER_NAME_ARGS = ["serverName", "printerName", "machineName", "primaryName"] as const;

/**
 * The names each address goes by, as the capture shows them: NTLM
 * workstation names (the client) and the server's NetBIOS and DNS names
 * from its CHALLENGE, tree connect paths (`\\name\share`: the server), the
 * client machine a print client declares (RpcOpenPrinterEx), and the server
 * names callers put in their requests.
 */
export class HostNames {
  readonly #byIp: RuleState<string, Set<string>>;
  constructor(ctx: RuleContext, max = 4096) {
    this.#byIp = ctx.state<string, Set<string>>(max);
  }
  #add(ip: string | undefined, name: unknown): void {
    if (ip === undefined || typeof name !== "string") return;
    const n = hostKey(hostPart(name));
    if (n === "") return;
    let set = this.#byIp.get(ip);
    // A name already held is no address: only a new one is matched against the patterns.
    if (set === undefined || !set.has(n)) {
      if (isIpLiteral(n)) return;
      set ??= new Set<string>();
    }
    if (set.size >= NAMES_PER_HOST) return;
    set.add(n);
    this.#byIp.set(ip, set);
  }
  /** Learn from `ntlm`, `tree` and `rpc` events. */
  learn(e: DecodeEvent): void {
    if (e.type === "ntlm") {
      this.#add(e.client?.ip, e.workstation);
      this.#add(e.server?.ip, e.serverNbComputerName);
      this.#add(e.server?.ip, e.serverDnsComputerName);
    } else if (e.type === "tree") {
      this.#add(e.server?.ip, e.path);
    } else if (e.type === "rpc" && e.action === "call") {
      const a = argsOf(e);
      if (a === undefined || !addressed(e)) return;
      this.#add(e.client?.ip, a.clientMachine);
      for (let i = 0; i < SERVER_NAME_ARGS.length; i++) {
        const v = str(a[SERVER_NAME_ARGS[i]!]);
        if (v !== undefined && !v.includes(",")) this.#add(e.server?.ip, v);
      }
    }
  }
  /** The names known for an address. */
  namesOf(ip: string | undefined): string[] {
    return ip === undefined ? [] : [...(this.#byIp.get(ip) ?? [])];
  }
  /**
   * Whether `host` (a name or an address) is the machine at `ip`: the same
   * address, loopback, or one of its names (a DNS name matches its first
   * label, `dc1.contoso.local` = `DC1`). Undefined when `host` is a name and
   * no name is known for `ip`.
   */
  isHost(host: string, ip: string | undefined): boolean | undefined {
    const h = hostKey(host);
    if (isLoopback(h)) return true;
    if (ip !== undefined && h === hostKey(ip)) return true;
    if (isIpLiteral(h)) return false;
    const names = this.namesOf(ip);
    if (names.length === 0) return undefined;
    const label = h.split(".", 1)[0];
    return names.some((n) => n === h || n.split(".", 1)[0] === label);
  }
}

/**
 * What the rules about the host a call names learn from every event: who
 * authenticated on each association (`users`) and the names each host goes
 * by (`names`).
 */
export class CallerFacts {
  readonly users: AssociationUsers;
  readonly names: HostNames;
  constructor(ctx: RuleContext) {
    this.users = new AssociationUsers(ctx);
    this.names = new HostNames(ctx);
  }
  /** Learn from `ntlm`, `kerberos`, `tree` and `rpc` events. */
  learn(e: DecodeEvent): void {
    if (e.type === "ntlm" || e.type === "kerberos") this.users.learn(e);
    if (e.type === "ntlm" || e.type === "tree" || e.type === "rpc") this.names.learn(e);
  }
}

/** TCP ports only a domain controller answers on in an AD network: Kerberos, global catalog. */
const DC_PORTS: ReadonlySet<number> = new Set([88, 3268, 3269]);

/**
 * Which hosts showed themselves to be domain controllers: they answered
 * drsuapi (a bind accepting it, or a call to it), an endpoint mapper named
 * a drsuapi endpoint on them, or they accepted a TCP connection on the
 * Kerberos or global catalog ports.
 */
export class DomainControllers {
  readonly #hosts: RuleState<string, string>;
  constructor(ctx: RuleContext, max = 4096) {
    this.#hosts = ctx.state<string, string>(max);
  }
  /** Learn from `rpc` and `connection` events. */
  learn(e: DecodeEvent): void {
    if (e.type === "connection") {
      const port = e.server?.port;
      if (
        e.action === "open" && e.transport === "tcp" && e.handshake === true &&
        typeof port === "number" && DC_PORTS.has(port) && typeof e.server.ip === "string"
      ) {
        this.#mark(e.server.ip, `answered TCP ${e.server.port}`);
      }
      return;
    }
    // What marks a host is tested before the addresses (read last: asked of every call).
    if (e.type !== "rpc") return;
    if (e.action !== "call") {
      if (acceptsDrsuapi(e.contexts) && e.outcome === "ack" && addressed(e)) {
        this.#mark(e.server.ip, "accepted a drsuapi bind");
      }
      return;
    }
    if (e.interface === IFACE.drsuapi && e.outcome !== "no_response") {
      if (addressed(e)) this.#mark(e.server?.ip, "answered drsuapi");
    } else if (e.interface === IFACE.epm) {
      if (!addressed(e)) return;
      const towers = resultsOf(e)?.towers;
      if (!Array.isArray(towers)) return;
      for (const t of towers) {
        const tower = obj(t);
        const host = str(tower?.host);
        if (str(tower?.interface) === IFACE.drsuapi && host !== undefined && host !== "0.0.0.0") {
          this.#mark(host, "its endpoint mapper named a drsuapi endpoint");
        }
      }
    }
  }
  #mark(ip: string | undefined, why: string): void {
    if (ip !== undefined && !this.#hosts.has(ip)) this.#hosts.set(ip, why);
  }
  /** Why `ip` is taken for a domain controller, or undefined. */
  evidence(ip: string | undefined): string | undefined {
    return ip === undefined ? undefined : this.#hosts.get(ip);
  }
}

/** Whether a bind's presentation contexts accept drsuapi (indexed: no closure or iterator per bind). */
function acceptsDrsuapi(contexts: unknown): boolean {
  if (!Array.isArray(contexts)) return false;
  for (let i = 0; i < contexts.length; i++) {
    const ctx = obj(contexts[i]);
    if (ctx?.interface === IFACE.drsuapi && ctx?.result === "acceptance") return true;
  }
  return false;
}

/** A DSNAME as emitted (`{ stringName, guid, sid }`) in one line: the DN, else the GUID, else the SID. */
export function dsNameLine(v: unknown): string | undefined {
  const d = obj(v);
  if (d === undefined) return undefined;
  return str(d.stringName) ?? str(d.guid) ?? str(d.sid);
}
