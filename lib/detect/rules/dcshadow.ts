/**
 * DCShadow (best effort): a rogue domain controller registered from a host
 * that is not a DC. mimikatz lsadump::dcshadow adds the nTDSDSA object and
 * SPNs that make its host look like a DC (over LDAP, or with
 * IDL_DRSAddEntry, [MS-DRSR] drsuapi opnum 17), then asks a real DC to
 * replicate from it with IDL_DRSReplicaAdd (opnum 5, naming the rogue as
 * the source DSA address); the real DC then pulls the forged changes with
 * IDL_DRSGetNCChanges from the rogue. Reported: DRSReplicaAdd or
 * DRSAddEntry called by a host not seen serving drsuapi, Kerberos or the
 * global catalog before the call; and, stronger, a DC then pulling
 * changes from that same host. Administrative tools (repadmin /add) and a
 * new DC's promotion call the same operations: this rule is a lead, not a
 * verdict. DRSAddEntry's arguments are not decoded; an LDAP-only
 * registration is not visible here.
 * @module
 */
import type { JsonValue, RpcEvent } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { connOf, once, str } from "./facts.ts";
import {
  alertCall,
  argsOf,
  AssociationUsers,
  callLine,
  channelValues,
  DomainControllers,
  dsNameLine,
  IFACE,
  isCallTo,
} from "./rpc_facts.ts";

/** IDL_DRSReplicaAdd, IDL_DRSAddEntry. */
const REGISTER = [5, 17] as const;
/** IDL_DRSGetNCChanges. */
const GET_NC_CHANGES = [3] as const;

/** The rule. */
export const dcshadow: Rule = {
  id: "dcshadow",
  title: "DCShadow: replication source or DC object registered by a non-DC (best effort)",
  severity: "critical",
  technique: "T1207",
  techniqueName: "Rogue Domain Controller",
  references: [
    "https://www.dcshadow.com/",
    "https://attack.mitre.org/techniques/T1207/",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-drsr/7219df91-4eea-494f-88e3-780d40d2d559",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-drsr/5339140a-621e-4a3b-8230-b487687be881",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-drsr/06764fc5-4df6-4104-b6af-a92bdaa81f6e",
  ],
  description:
    "Best effort: drsuapi IDL_DRSReplicaAdd or IDL_DRSAddEntry from a host not seen serving drsuapi, Kerberos or the global catalog (a rogue DC registering itself), and a DC then replicating from that host.",
  listens: ["rpc", "ntlm", "kerberos", "connection"],
  create(ctx) {
    const users = new AssociationUsers(ctx);
    const dcs = new DomainControllers(ctx);
    /** Hosts that registered as a replication source, with the DC they asked. */
    const rogues = ctx.state<string, RpcEvent>(1024);
    const pulled = ctx.state<string, true>(1024);
    /** Registrations reported: once per association, operation, naming context and source. */
    const seen = ctx.state<string, true>(4096);

    const onRegister = (e: RpcEvent): void => {
      const dc = dcs.evidence(e.client.ip);
      if (dc !== undefined) return;
      const a = argsOf(e) ?? {};
      const key = `${connOf(e)}|${e.opnum}|${dsNameLine(a.nc) ?? ""}|${
        str(a.sourceDsaAddress) ?? str(a.dsaSrc) ?? ""
      }`;
      if (!once(seen, key)) return;
      const values: { [key: string]: JsonValue } = {
        kind: "registration",
        caller: e.client.ip,
        server: e.server.ip,
        operation: e.operation ?? null,
        opnum: e.opnum ?? null,
        ...channelValues(e),
      };
      const nc = dsNameLine(a.nc);
      if (nc !== undefined) values.namingContext = nc;
      const source = str(a.sourceDsaAddress) ?? str(a.dsaSrc);
      if (source !== undefined) values.sourceDsaAddress = source;
      const sourceDn = dsNameLine(a.sourceDsaDN);
      if (sourceDn !== undefined) values.sourceDsaDN = sourceDn;
      if (a.options !== undefined) values.options = a.options;
      users.nameIn(values, e);
      if (!rogues.has(e.client.ip)) rogues.set(e.client.ip, e);
      alertCall(ctx, users, e, {
        message: `DCShadow?: ${e.client.ip}, not seen as a DC, called ${
          callLine(e)
        } on ${e.server.ip}${
          source !== undefined ? ` naming ${source} as the replication source` : ""
        }${nc !== undefined ? ` for ${nc}` : ""}`,
        values,
      });
    };

    const onPull = (e: RpcEvent): void => {
      const registration = rogues.get(e.server.ip);
      if (registration === undefined || registration.server.ip !== e.client.ip) return;
      const key = `${e.client.ip}>${e.server.ip}`;
      if (!once(pulled, key)) return;
      ctx.alert({
        message: `DCShadow: ${e.client.ip} replicated from ${e.server.ip} (${
          callLine(e)
        }) after ${e.server.ip} registered itself as its replication source`,
        values: {
          kind: "replicated_from_rogue",
          rogue: e.server.ip,
          dc: e.client.ip,
          registration: registration.operation ?? null,
          ...channelValues(e),
        },
        rests: [registration, e],
      });
    };

    return {
      event(e) {
        if (e.type === "ntlm" || e.type === "kerberos") return users.learn(e);
        if (isCallTo(e, IFACE.drsuapi, REGISTER)) onRegister(e);
        else if (isCallTo(e, IFACE.drsuapi, GET_NC_CHANGES)) onPull(e);
        dcs.learn(e);
      },
    };
  },
};
