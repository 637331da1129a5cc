/**
 * Rule `anonymous-enumeration`: a null session enumerating accounts, shares
 * or sessions over DCE/RPC.
 *
 * A null session is an SMB session set up with an empty user name and
 * password ([MS-CIFS] 3.2.4.2.4 "anonymous authentication"; NTLMSSP
 * anonymous, [MS-NLMP] 3.2.5.1.2) that then opens IPC$. Where the server
 * lets anonymous callers use SAMR, LSA and SRVSVC (Windows:
 * RestrictAnonymous, RestrictAnonymousSAM, "Network access: Allow anonymous
 * SID/Name translation"; Samba: restrict anonymous = 0), such a session
 * lists users, groups, the password policy, shares and sessions, or walks
 * RIDs with LsarLookupSids: the classic recon of enum4linux, rpcclient -U ''
 * -N, impacket's samrdump and lookupsid, net view. The rule counts the calls
 * of a null session to the enumeration and look-up operations of samr,
 * lsarpc, srvsvc and wkssvc (see `ENUMERATION_OPERATIONS`; the opens that
 * start them, SamrConnect* and LsarOpenPolicy*, count too, since a hardened
 * server refuses just those), whether the server answered or refused. A call
 * is anonymous when its `rpc` event says so (its SMB session was a null
 * session) and no RPC-level login with a name covers it, or when it is
 * authenticated at the RPC level (NTLM, SPNEGO) by an anonymous NTLM login on
 * its connection (ncacn_ip_tcp too).
 *
 * One alert per client and server at the end of the decode, once the calls
 * reach the threshold, naming the operations and their counts, how many
 * succeeded, and the null session's login and IPC$ connect among the events
 * it rests on.
 * @module
 */
import type { DecodeEvent, Endpoint } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { enumerationOperation, firstFew, tally } from "./auth_facts.ts";
import { endpoint, eventConnection, eventTs, str } from "./facts.ts";

/** Events kept per client/server pair to rest the alert on. */
const MAX_RESTS = 24;
/** Distinct operation and pipe names kept per pair (the operation list is finite anyway). */
const MAX_NAMES = 64;

/** What a connection has shown about its callers. */
interface ConnectionAuth {
  /** The last anonymous login (SMB or RPC) and anonymous IPC$ connect on it (evidence for the alert). */
  login?: DecodeEvent;
  tree?: DecodeEvent;
  /** The last RPC-level NTLM login on it: anonymous or with a name. */
  rpcLogin?: "anonymous" | "named";
  /** Whether its setup events were already added to a pair's rests. */
  cited: boolean;
}

/** Enumeration seen from one client to one server. */
interface PairTally {
  client: Endpoint;
  server: Endpoint;
  calls: number;
  succeeded: number;
  refused: number;
  operations: Map<string, number>;
  pipes: Set<string>;
  first: number;
  last: number;
  rests: DecodeEvent[];
}

/** The rule. */
export const anonymousEnumeration: Rule = {
  id: "anonymous-enumeration",
  title: "Null session enumeration over DCE/RPC",
  severity: "medium",
  technique: "T1087.002",
  techniqueName: "Account Discovery: Domain Account",
  references: [
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/3a3cdd47-5b43-4276-91f5-645b82b0938f",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-samr/6bdc92c0-c692-4ffb-9de7-65858b68da75",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-lsat/eb7ac899-e697-4883-93de-1e60c7720c02",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-lsad/3a635f0d-5db8-4efe-af3d-131b8b62aed5",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-srvs/c4a98e7b-d416-439c-97bd-4d9f52f8ba52",
    "https://learn.microsoft.com/en-us/windows/win32/netmgmt/requirements-for-network-management-functions-on-servers-and-workstations",
    "https://attack.mitre.org/techniques/T1087/002/",
  ],
  description:
    "A null session (empty user and password) calling samr, lsarpc, srvsvc or wkssvc operations " +
    "that enumerate or look up users, groups, domains, shares or sessions (SamrEnumerate*, " +
    "SamrLookup*, LsarLookup*, NetrShareEnum, NetrSessionEnum\u2026). One alert per client and server.",
  listens: ["ntlm", "tree", "rpc"],
  options: {
    calls: {
      default: 1,
      description:
        "enumeration calls of null sessions from one client to one server before an alert",
    },
  },
  create(ctx) {
    const connections = ctx.connectionState<ConnectionAuth>();
    const pairs = ctx.state<string, PairTally>();
    const conn = (id: number): ConnectionAuth => {
      let c = connections.get(id);
      if (c === undefined) connections.set(id, c = { cited: false });
      return c;
    };
    return {
      event(e: DecodeEvent) {
        const id = eventConnection(e);
        if (e.type === "ntlm") {
          if (id === undefined) return;
          if (e.protocol === "dcerpc") {
            conn(id).rpcLogin = e.anonymous === true ? "anonymous" : "named";
          }
          if (e.anonymous === true && e.success !== false) {
            conn(id).login = e;
          }
          return;
        }
        if (e.type === "tree") {
          const path = str(e.path) ?? "";
          if (
            id !== undefined && e.anonymous === true && e.action === "connect" &&
            /\\IPC\$$/i.test(path)
          ) {
            conn(id).tree = e;
          }
          return;
        }
        if (e.type !== "rpc" || e.action !== "call") return;
        // Whether the caller is anonymous first: the operation's name is built only then.
        const c = id === undefined ? undefined : connections.get(id);
        const authType = str(e.authType);
        const anonymous = authType === "ntlm" || authType === "spnego"
          ? c?.rpcLogin === "anonymous"
          : authType !== undefined
          ? false // Kerberos, Netlogon secure channel: a named caller
          : e.anonymous === true;
        if (!anonymous) return;
        const op = enumerationOperation(e);
        if (op === undefined) return;
        const client = endpoint(e.client), server = endpoint(e.server);
        if (client === undefined || server === undefined) return;
        const key = `${client.ip}|${server.ip}`;
        let p = pairs.get(key);
        if (p === undefined) {
          p = {
            client,
            server,
            calls: 0,
            succeeded: 0,
            refused: 0,
            operations: new Map(),
            pipes: new Set(),
            first: eventTs(e),
            last: eventTs(e),
            rests: [],
          };
          pairs.set(key, p);
        }
        p.calls++;
        if (e.success === true) p.succeeded++;
        else if (e.success === false) p.refused++;
        if (p.operations.has(op) || p.operations.size < MAX_NAMES) {
          p.operations.set(op, (p.operations.get(op) ?? 0) + 1);
        }
        const pipe = str(e.pipe);
        if (pipe !== undefined && pipe !== "" && p.pipes.size < MAX_NAMES) p.pipes.add(pipe);
        p.last = Math.max(p.last, eventTs(e));
        if (c !== undefined && !c.cited) {
          c.cited = true;
          for (const setup of [c.login, c.tree]) {
            if (setup !== undefined && p.rests.length < MAX_RESTS) p.rests.push(setup);
          }
        }
        if (p.rests.length < MAX_RESTS) p.rests.push(e);
      },
      end() {
        const threshold = ctx.option("calls");
        for (const p of pairs.values()) {
          if (p.calls < Math.max(1, threshold)) continue;
          const ops = [...p.operations].sort((a, b) => b[1] - a[1]).map(([op, n]) =>
            n > 1 ? `${op} \u00D7${n}` : op
          );
          const interfaces = [...new Set([...p.operations.keys()].map((o) => o.split(".")[0]!))]
            .sort();
          ctx.alert({
            message: `null session from ${p.client.ip} enumerated ${p.server.ip} with ${p.calls} ` +
              `call${p.calls === 1 ? "" : "s"} (${firstFew(ops, 6)}); ${p.succeeded} succeeded, ` +
              `${p.refused} refused`,
            values: {
              client: p.client.ip,
              server: p.server.ip,
              calls: p.calls,
              succeeded: p.succeeded,
              refused: p.refused,
              interfaces,
              operations: tally(p.operations),
              pipes: [...p.pipes].sort(),
              firstSeen: p.first,
              lastSeen: p.last,
            },
            rests: p.rests,
            client: p.client,
            server: p.server,
          });
        }
      },
    };
  },
};
