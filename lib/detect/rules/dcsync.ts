/**
 * DCSync: replication asked for by a host that is not a domain controller.
 * IDL_DRSGetNCChanges ([MS-DRSR] 4.1.10, drsuapi opnum 3) is how one DC
 * pulls changes from another; mimikatz lsadump::dcsync, impacket
 * secretsdump and DSInternals call it with an account holding the
 * replication rights to read password hashes (usually one object, the
 * EXOP_REPL_OBJ extended operation naming the user, or the whole domain).
 * Domain controllers show themselves in a capture by serving drsuapi (a
 * bind accepted, a call answered), by an endpoint mapper naming a drsuapi
 * endpoint on them, or by answering Kerberos or the global catalog; a
 * caller with none of these is reported. When the caller bound with
 * NTDSAPI_CLIENT_GUID ([MS-DRSR] 5.138: a client application, not a DC's
 * replication engine) the alert is raised at once; otherwise the decision
 * waits for the end of the capture, so a DC seen serving drsuapi later is
 * not reported. Caveats: a DC whose own service is not in the capture looks
 * like any host (one alert per association), Azure AD Connect's
 * password hash sync replicates legitimately, and so does a new DC's
 * promotion.
 * @module
 */
import type { JsonValue, RpcEvent } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { connectionOf, once, str } from "./facts.ts";
import {
  alertCall,
  argsOf,
  AssociationUsers,
  callLine,
  channelValues,
  DomainControllers,
  dsNameLine,
  encrypted,
  IFACE,
  isCallTo,
} from "./rpc_facts.ts";

/** [MS-DRSR] 5.138 NTDSAPI_CLIENT_GUID: the puuidClientDsa of a non-DC client (ntdsapi.dll). */
export const NTDSAPI_CLIENT_GUID = "e24d201a-4fd6-11d1-a3da-0000f875ae0d";
/** IDL_DRSBind. */
const BIND = [0] as const;
/** IDL_DRSGetNCChanges. */
const GET_NC_CHANGES = [3] as const;
/** Naming contexts listed per caller. */
const NCS = 16;

interface Pending {
  calls: RpcEvent[];
  count: number;
  ncs: string[];
  user?: string;
  /** The NTDSAPI_CLIENT_GUID its connection bound with after the calls (the alert names it). */
  clientDsa?: string;
}

/** The rule. */
export const dcsync: Rule = {
  id: "dcsync",
  title: "DCSync: directory replication requested by a non-DC",
  severity: "critical",
  technique: "T1003.006",
  techniqueName: "OS Credential Dumping: DCSync",
  references: [
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-drsr/b63730ac-614c-431c-9501-28d6aca91894",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-drsr/cbea3604-9703-4a07-93af-d97a1238f3c2",
    "https://attack.mitre.org/techniques/T1003/006/",
    "https://github.com/fortra/impacket/blob/master/examples/secretsdump.py",
    "https://github.com/gentilkiwi/mimikatz/blob/master/modules/rpc/kull_m_rpc_drsr.c",
  ],
  description:
    "drsuapi IDL_DRSGetNCChanges from a host that the capture does not show to be a domain controller (it never served drsuapi, Kerberos or the global catalog), naming the naming context and the user; at once when the caller bound with NTDSAPI_CLIENT_GUID, else at the end of the capture.",
  listens: ["rpc", "ntlm", "kerberos", "connection"],
  create(ctx) {
    const users = new AssociationUsers(ctx);
    const dcs = new DomainControllers(ctx);
    /** Connections whose DRSBind named NTDSAPI_CLIENT_GUID (forgotten at their close). */
    const ntdsapi = ctx.connectionState<string>(4096);
    /** Calls awaiting the end of the capture, by association (connection). */
    const pending = ctx.state<number, Pending>(1024);
    /** Connections alerted on; none is pending, so none is asked about after its close. */
    const alerted = ctx.connectionState<true>(4096);

    /** One alert per association: `call` gives the values, `p` the count and what it rests on. */
    const raise = (call: RpcEvent, p: Pending, reason: string): void => {
      if (!once(alerted, connectionOf(call))) return;
      const a = argsOf(call) ?? {};
      const nc = dsNameLine(a.nc);
      const values: { [key: string]: JsonValue } = {
        caller: call.client.ip,
        server: call.server.ip,
        reason,
        calls: p.count,
        namingContexts: p.ncs,
        ...channelValues(call),
      };
      if (encrypted(call)) values.confidence = "low";
      if (a.extendedOp !== undefined) values.extendedOp = a.extendedOp;
      if (a.dsaObjDest !== undefined) values.dsaObjDest = a.dsaObjDest;
      if (a.partialAttrSet !== undefined) values.partialAttrSet = a.partialAttrSet;
      const clientDsa = ntdsapi.get(connectionOf(call)) ?? p.clientDsa;
      if (clientDsa !== undefined) values.clientDsa = clientDsa;
      const user = users.nameIn(values, call, p.user);
      alertCall(ctx, users, call, {
        message: `DCSync: ${call.client.ip} asked ${call.server.ip} for replication (${
          callLine(call)
        }${nc !== undefined ? `, ${nc}` : encrypted(call) ? ", arguments encrypted" : ""}${
          a.extendedOp !== undefined ? `, ${a.extendedOp}` : ""
        }${user !== undefined ? `, as ${user}` : ""}): ${reason}`,
        values,
        rests: p.calls.includes(call) ? p.calls : [...p.calls, call],
        user,
      });
    };

    const onGetChanges = (e: RpcEvent): void => {
      if (!encrypted(e) && argsOf(e) === undefined) return;
      if (dcs.evidence(e.client.ip) !== undefined) return;
      const key = connectionOf(e);
      if (alerted.has(key)) return;
      let p = pending.get(key);
      if (p === undefined) {
        p = { calls: [], count: 0, ncs: [] };
        pending.set(key, p);
      }
      p.count++;
      if (p.calls.length < 8) p.calls.push(e);
      const nc = dsNameLine(argsOf(e)?.nc);
      if (nc !== undefined && !p.ncs.includes(nc) && p.ncs.length < NCS) p.ncs.push(nc);
      const user = users.userOf(e);
      if (user !== undefined) p.user ??= user;
      if (ntdsapi.has(key)) {
        pending.delete(key);
        raise(
          e,
          p,
          "it bound to drsuapi as a client application (NTDSAPI_CLIENT_GUID), not as a DC",
        );
      }
    };

    return {
      event(e) {
        if (e.type === "ntlm" || e.type === "kerberos") return users.learn(e);
        dcs.learn(e);
        if (isCallTo(e, IFACE.drsuapi, BIND)) {
          const dsa = str(argsOf(e)?.clientDsa);
          if (dsa !== undefined && dsa.toLowerCase() === NTDSAPI_CLIENT_GUID) {
            const key = connectionOf(e);
            ntdsapi.set(key, dsa.toLowerCase());
            const p = pending.get(key);
            if (p !== undefined) p.clientDsa = dsa.toLowerCase();
          }
        } else if (isCallTo(e, IFACE.drsuapi, GET_NC_CHANGES)) {
          onGetChanges(e);
        }
      },
      end() {
        for (const p of pending.values()) {
          const first = p.calls[0];
          if (first === undefined || dcs.evidence(first.client.ip) !== undefined) continue;
          const best = p.calls.find((c) => argsOf(c) !== undefined) ?? first;
          raise(
            best,
            p,
            "the capture never shows it serving drsuapi, Kerberos or the global catalog",
          );
        }
      },
    };
  },
};
