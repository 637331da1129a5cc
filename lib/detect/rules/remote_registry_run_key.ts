/**
 * Persistence written through the Remote Registry ([MS-RRP], winreg): a
 * value set (BaseRegSetValue, opnum 22) in one of the keys Windows reads a
 * program to start from - `...\CurrentVersion\Run` and its kin (RunOnce,
 * RunOnceEx, RunServices, Policies\Explorer\Run), a service's ImagePath or
 * ServiceDll, Winlogon's Userinit or Shell, an Image File Execution Options
 * Debugger. winreg addresses keys by handle: the handles returned by the
 * hive openers (OpenLocalMachine...), BaseRegOpenKey and BaseRegCreateKey
 * (impacket reg.py opens its key with CreateKey) are followed per
 * connection to know the path a value is written under.
 * @module
 */
import type { JsonValue, RpcEvent } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { connectionOf, str } from "./facts.ts";
import { BoundedMap, SharedEntryCap } from "../../state/bounded_map.ts";
import {
  alertCall,
  argsOf,
  AssociationUsers,
  callLine,
  channelOf,
  IFACE,
  isCallTo,
  outcomeOf,
  resultsOf,
} from "./rpc_facts.ts";

/** The hive openers' opnums and the root they open ([MS-RRP] 3.1.5.1-5, 3.1.5.25, 3.1.5.29-30). */
const HIVES: Readonly<Record<number, string>> = {
  0: "HKCR",
  1: "HKCU",
  2: "HKLM",
  3: "HKPD",
  4: "HKU",
  27: "HKCC",
  32: "HKPT",
  33: "HKPN",
};
const HIVE_OPNUMS = Object.keys(HIVES).map(Number);
/** BaseRegCreateKey, BaseRegOpenKey. */
const OPEN = [6, 15] as const;
/** BaseRegSetValue. */
const SET = [22] as const;
/** Characters of a value's data kept. */
const KEEP = 1024;
/** A context handle of zeros: the call failed, no key. */
const NULL_HANDLE = /^0+$/;

/** A persistence location: which key (relative to anything), which values, what it is. */
interface Location {
  kind: string;
  key: RegExp;
  values?: RegExp;
}

/** Keys and values Windows starts programs from (ATT&CK T1547.001, T1543.003, T1547.004, T1546.012). */
const LOCATIONS: readonly Location[] = [
  {
    kind: "run_key",
    key:
      /(^|\\)software\\(wow6432node\\)?microsoft\\windows\\currentversion\\(run|runonce|runonceex|runservices|runservicesonce|policies\\explorer\\run)(\\|$)/i,
  },
  {
    kind: "service_image_path",
    key: /(^|\\)system\\(currentcontrolset|controlset\d{3})\\services\\[^\\]+$/i,
    values: /^imagepath$/i,
  },
  {
    kind: "service_dll",
    key: /(^|\\)system\\(currentcontrolset|controlset\d{3})\\services\\[^\\]+\\parameters$/i,
    values: /^servicedll$/i,
  },
  {
    kind: "winlogon",
    key: /(^|\\)software\\(wow6432node\\)?microsoft\\windows nt\\currentversion\\winlogon$/i,
    values: /^(userinit|shell)$/i,
  },
  {
    kind: "ifeo_debugger",
    key:
      /(^|\\)software\\(wow6432node\\)?microsoft\\windows nt\\currentversion\\image file execution options\\[^\\]+$/i,
    values: /^debugger$/i,
  },
];

/** `HKLM` + `SOFTWARE\x` -> `HKLM\SOFTWARE\x` (no doubled or trailing separators). */
function join(parent: string, sub: string): string {
  const s = sub.replace(/^\\+|\\+$/g, "").replace(/\\{2,}/g, "\\");
  return s === "" ? parent : `${parent}\\${s}`;
}

/**
 * Registry key handles followed, over all connections open at once (and so on
 * any one of them); past it the oldest of the connection holding the most are
 * forgotten.
 */
const MAX_KEYS = 8192;

/** The rule. */
export const remoteRegistryRunKey: Rule = {
  id: "remote-registry-run-key",
  title: "Autostart registry value written remotely (winreg)",
  severity: "high",
  technique: "T1547.001",
  techniqueName: "Boot or Logon Autostart Execution: Registry Run Keys / Startup Folder",
  references: [
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rrp/2b61fa7e-2a38-46ce-a186-7c91b3ed1b61",
    "https://attack.mitre.org/techniques/T1547/001/",
    "https://attack.mitre.org/techniques/T1546/012/",
    "https://attack.mitre.org/techniques/T1547/004/",
    "https://github.com/fortra/impacket/blob/master/examples/reg.py",
  ],
  description:
    "winreg BaseRegSetValue under a key Windows starts programs from (CurrentVersion\\Run, RunOnce\u2026, a service's ImagePath or ServiceDll, Winlogon Userinit/Shell, an IFEO Debugger), the key followed from the handles of OpenLocalMachine/BaseRegOpenKey/BaseRegCreateKey.",
  listens: ["rpc", "ntlm", "kerberos"],
  create(ctx) {
    const users = new AssociationUsers(ctx);
    /** Per connection (forgotten at its close, its handles leaving the shared count): handle -> path. */
    const shared = new SharedEntryCap(MAX_KEYS);
    const keys = ctx.connectionState<BoundedMap<string, string>>(undefined, (held) => held.clear());

    const remember = (e: RpcEvent, path: string): void => {
      const handle = str(resultsOf(e)?.handle);
      if (handle === undefined || NULL_HANDLE.test(handle)) return;
      const conn = connectionOf(e);
      let held = keys.get(conn);
      if (held === undefined) {
        held = new BoundedMap({
          max: MAX_KEYS,
          shared,
          onEvict: () => ctx.limit(`more than ${MAX_KEYS} registry key handles followed`),
        });
        keys.set(conn, held);
      }
      held.set(handle, path);
    };
    const pathOf = (e: RpcEvent, handle: string | undefined): string =>
      (handle !== undefined ? keys.get(connectionOf(e))?.get(handle) : undefined) ??
        "(unknown key)";

    return {
      event(e) {
        if (e.type === "ntlm" || e.type === "kerberos") return users.learn(e);
        if (isCallTo(e, IFACE.winreg, HIVE_OPNUMS)) {
          remember(e, HIVES[e.opnum!]!);
        } else if (isCallTo(e, IFACE.winreg, OPEN)) {
          const a = argsOf(e);
          const sub = str(a?.subKey);
          if (sub === undefined) return;
          remember(e, join(pathOf(e, str(a?.handle)), sub));
        } else if (isCallTo(e, IFACE.winreg, SET)) {
          const a = argsOf(e);
          if (a === undefined) return;
          const key = pathOf(e, str(a.handle));
          const valueName = str(a.valueName) ?? "";
          const at = LOCATIONS.find((l) =>
            l.key.test(key) && (l.values === undefined || l.values.test(valueName))
          );
          if (at === undefined) return;
          const data = a.data;
          const shownData = typeof data === "string"
            ? data.slice(0, KEEP)
            : Array.isArray(data)
            ? data.slice(0, 16)
            : data ?? null;
          const values: { [key: string]: JsonValue } = {
            kind: at.kind,
            server: e.server.ip,
            channel: channelOf(e),
            key,
            valueName,
            type: a.type ?? null,
            data: shownData,
            ...outcomeOf(e),
            ...users.flagOf(e),
          };
          const dataLine = typeof shownData === "string"
            ? shownData.slice(0, 200)
            : JSON.stringify(shownData).slice(0, 200);
          alertCall(ctx, users, e, {
            message: `Remote registry write on ${e.server.ip}: ${key}\\${
              valueName || "(Default)"
            } = ${dataLine} (${callLine(e)})`,
            values,
          });
        }
      },
    };
  },
};
