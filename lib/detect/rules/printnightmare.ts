/**
 * PrintNightmare (CVE-2021-1675, CVE-2021-34527): a printer driver
 * installed from the network whose files are the attacker's DLL -
 * RpcAddPrinterDriverEx ([MS-RPRN] opnum 89; RpcAddPrinterDriver, opnum 9)
 * or RpcAsyncAddPrinterDriver ([MS-PAR] opnum 39). The public exploits name
 * a DLL on a UNC share, then the copy the spooler left in
 * `spool\drivers\<arch>\3\old\N\`, as the driver's configuration (or data)
 * file, with dwFileCopyFlags APD_COPY_ALL_FILES | APD_COPY_FROM_DIRECTORY |
 * APD_INSTALL_WARNED_DRIVER (0x8014; the last bypassed the patch's check).
 * Flagged: a driver file on a UNC path (unless it is the server's own),
 * in the spooler's `old` folder, or at an absolute path outside the driver
 * store and the spooler's driver folders; copy flags with
 * APD_INSTALL_WARNED_DRIVER (0x8000) or APD_COPY_FROM_DIRECTORY (0x10).
 * [MS-PAR] is always at packet privacy, and [MS-RPRN] may be: an encrypted
 * driver installation is reported with lower confidence.
 * @module
 */
import type { JsonValue } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { num, str } from "./facts.ts";
import {
  alertCall,
  alertSealedCall,
  argsOf,
  CallerFacts,
  callLine,
  callValues,
  encrypted,
  IFACE,
  isCallTo,
  uncHost,
} from "./rpc_facts.ts";

/** dwFileCopyFlags bits ([MS-RPRN] 3.1.4.4.8). */
const APD_COPY_FROM_DIRECTORY = 0x10;
const APD_INSTALL_WARNED_DRIVER = 0x8000;
/** Their names, for values. */
const FLAG_NAMES: readonly [number, string][] = [
  [0x1, "APD_STRICT_UPGRADE"],
  [0x2, "APD_STRICT_DOWNGRADE"],
  [0x4, "APD_COPY_ALL_FILES"],
  [0x8, "APD_COPY_NEW_FILES"],
  [0x10, "APD_COPY_FROM_DIRECTORY"],
  [0x1000, "APD_DONT_COPY_FILES_TO_CLUSTER"],
  [0x2000, "APD_COPY_TO_ALL_SPOOLERS"],
  [0x8000, "APD_INSTALL_WARNED_DRIVER"],
  [0x10000, "APD_RETURN_BLOCKING_STATUS_CODE"],
];
/** RpcAddPrinterDriver, RpcAddPrinterDriverEx ([MS-RPRN]). */
const ADD_DRIVER = [9, 89] as const;
/** RpcAsyncAddPrinterDriver ([MS-PAR]). */
const ASYNC_ADD_DRIVER = [39] as const;
/** The driver structure's file fields ([MS-RPRN] 2.2.1.5). */
const FILE_FIELDS = ["driverPath", "dataFile", "configFile", "helpFile"] as const;

/** Why a driver file's path is suspect, or undefined. */
function suspectPath(path: string): string | undefined {
  const p = path.replaceAll("/", "\\").toLowerCase();
  if (/\\spool\\drivers\\[^\\]+\\\d+\\old\\/.test(p)) return "spooler_old_folder";
  if (!/^([a-z]:\\|\\\\\?\\[a-z]:\\)/.test(p)) return undefined;
  if (/\\system32\\driverstore\\/.test(p) || /\\system32\\spool\\drivers\\/.test(p)) {
    return undefined;
  }
  return "outside_driver_store";
}

/** The rule. */
export const printNightmare: Rule = {
  id: "printnightmare",
  title: "PrintNightmare: printer driver installed from a remote or unusual path",
  severity: "critical",
  technique: "T1210",
  techniqueName: "Exploitation of Remote Services",
  references: [
    "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2021-34527",
    "https://nvd.nist.gov/vuln/detail/CVE-2021-1675",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rprn/b96cc497-59e5-4510-ab04-5484993b259b",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-par/5d864e3e-5d8b-4337-89ce-cb0258ab97cd",
    "https://github.com/cube0x0/CVE-2021-1675",
  ],
  description:
    "RpcAddPrinterDriver(Ex) or RpcAsyncAddPrinterDriver whose driver files are on a UNC path (not the server's own), in the spooler's old-driver folder or outside the driver store, or whose copy flags include APD_INSTALL_WARNED_DRIVER or APD_COPY_FROM_DIRECTORY; an encrypted driver installation is reported with lower confidence.",
  listens: ["rpc", "ntlm", "kerberos", "tree"],
  create(ctx) {
    const facts = new CallerFacts(ctx);
    const { users, names } = facts;
    return {
      event(e) {
        facts.learn(e);
        if (
          !(isCallTo(e, IFACE.winspool, ADD_DRIVER) ||
            isCallTo(e, IFACE.remoteWinspool, ASYNC_ADD_DRIVER))
        ) return;
        if (encrypted(e)) return alertSealedCall(ctx, users, e, "Printer driver installation");
        const a = argsOf(e);
        if (a === undefined) return;
        const files: { field: string; path: string; reason: string; host?: string }[] = [];
        const paths: [string, string][] = FILE_FIELDS.flatMap((k) => {
          const v = str(a[k]);
          return v === undefined ? [] : [[k, v] as [string, string]];
        });
        if (Array.isArray(a.dependentFiles)) {
          for (const v of a.dependentFiles.slice(0, 64)) {
            if (typeof v === "string") paths.push(["dependentFiles", v]);
          }
        }
        for (const [field, path] of paths) {
          const unc = uncHost(path);
          if (unc !== undefined) {
            if (names.isHost(unc.host, e.server.ip) !== true) {
              files.push({ field, path, reason: "remote_unc", host: unc.host });
            }
            continue;
          }
          const reason = suspectPath(path);
          if (reason !== undefined) files.push({ field, path, reason });
        }
        const flags = num(a.fileCopyFlags);
        const badFlags = flags === undefined
          ? []
          : FLAG_NAMES.filter(([bit]) =>
            (bit === APD_INSTALL_WARNED_DRIVER || bit === APD_COPY_FROM_DIRECTORY) &&
            (flags & bit) !== 0
          ).map(([, n]) => n);
        if (files.length === 0 && badFlags.length === 0) return;
        const values: { [key: string]: JsonValue } = {
          driverName: a.name ?? null,
          environment: a.environment ?? null,
          level: a.level ?? null,
          files: files.map((f) => ({ ...f })),
        };
        for (const k of FILE_FIELDS) if (a[k] !== undefined) values[k] = a[k]!;
        if (flags !== undefined) {
          values.fileCopyFlags = flags;
          values.fileCopyFlagNames = FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map((
            [, n],
          ) => n);
          values.suspectFlags = badFlags;
        }
        const first = files[0];
        const why = first !== undefined
          ? `${first.field} ${first.path} (${first.reason.replaceAll("_", " ")})`
          : `flags ${badFlags.join("|")}`;
        const flagText = flags !== undefined ? `, flags 0x${flags.toString(16)}` : "";
        alertCall(ctx, users, e, {
          message: `PrintNightmare: driver "${
            str(a.name) ?? "?"
          }" installed on ${e.server.ip} with ${why}${flagText} (${callLine(e)})`,
          values: callValues(e, users, values),
        });
      },
    };
  },
};
