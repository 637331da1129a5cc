/**
 * The DCE/RPC attack rules (ms08-067, psexec-service, remote-scheduled-task,
 * remote-registry-run-key, printnightmare, efs-coercion, printerbug, zerologon,
 * dcsync, dcshadow) over every capture under fixtures/ and every capture of the
 * public corpus: the alerts raised are exactly the list below, each an attack
 * the capture holds; every other capture raises none. Also: odd events never
 * make a rule fail.
 *
 * How the corpus was classified. A capture is an attack capture when its
 * source says so (CATALOG.md: "psexec", "at.exe remote schedule", "smbexec",
 * "PrintNightmare", "CVE-2020-1472"/"zerologon", the suricata-verify copies
 * and slices of those: bug-5133, dcerpc-auth3-5133, bug-8629*,
 * dcerpc-smb-test-01, smb2-07/smb2-04 inputs, dcerpc-dce-stub-data-04 (a Run
 * key written through winreg), dcerpc-smb-ctxid (an at job running
 * cmd /c whoami)); all others (Zeek, Arkime, nDPI and tcpdump test traces,
 * Kerberos and SMB file captures, EternalBlue-family captures, which are other
 * rules' business) are benign for these rules. Attack captures that raise
 * nothing here, and why:
 * - corelight-petitpotam/*: the EFS calls are inside SMB 3 encryption; the
 *   drsuapi in the first one is replication between two DCs (each serves
 *   drsuapi in the capture), not DCSync. Zeek's package expects no notice
 *   either ("! test -e notice.log").
 * - corelight-printnightmare/cve-2021-1675.pcap: the victim fetching the DLL
 *   from the attacker's share, no RPC (Zeek: no notice either).
 * - suricata-verify/dcerpc-dce-iface-many: 3 all-zero NetrServerAuthenticate2
 *   (a Zerologon test's start), below the threshold of 10 (see zerologon_test).
 * - pcap-attack/Remote_Pwd_Reset_RPC_Admin_Mimikatz_PostZeroLogon: samr and
 *   lsarpc password reset after the fact, no Netlogon.
 * - arkime/dcerpc_synthetic.pcap: one call per interface with zeroed or cut
 *   stubs (a DRSGetNCChanges whose stub ends at byte 20, a NetrJobAdd with
 *   no command, an EfsRpcRemoveUsersFromFile with an empty file name): no
 *   rule's condition holds.
 * - zeek/cs_window7-join_stream092.pcap: a Windows 7 domain join calling
 *   DRSBind, DRSCrackNames, DRSUnbind (sealed), never DRSGetNCChanges or
 *   DRSReplicaAdd: the join reads its computer object's name, it does not
 *   replicate, so it is neither DCSync nor DCShadow.
 */
import * as assert from "node:assert/strict";
import type { AlertEvent } from "../../../lib/events.ts";
import type { Rule } from "../../../lib/detect/rule.ts";
import { dcshadow } from "../../../lib/detect/rules/dcshadow.ts";
import { dcsync } from "../../../lib/detect/rules/dcsync.ts";
import { efsCoercion } from "../../../lib/detect/rules/efs_coercion.ts";
import { ms08067 } from "../../../lib/detect/rules/ms08_067.ts";
import { printerBug } from "../../../lib/detect/rules/printerbug.ts";
import { printNightmare } from "../../../lib/detect/rules/printnightmare.ts";
import { psexecService } from "../../../lib/detect/rules/psexec_service.ts";
import { remoteRegistryRunKey } from "../../../lib/detect/rules/remote_registry_run_key.ts";
import { remoteScheduledTask } from "../../../lib/detect/rules/remote_task.ts";
import { zerologon } from "../../../lib/detect/rules/zerologon.ts";
import { corpus } from "../../_support/corpus.ts";
import { corpusTest, FIXTURES, RuleBench, sweep } from "./_support.ts";

const RPC_RULES: Rule[] = [
  ms08067,
  psexecService,
  remoteScheduledTask,
  remoteRegistryRunKey,
  printNightmare,
  efsCoercion,
  printerBug,
  zerologon,
  dcsync,
  dcshadow,
];

/** Every alert these rules raise, as `rule@first frame`, by capture (fixtures/ paths start so). */
const EXPECTED: Record<string, string[]> = {
  // fixtures of the DCE/RPC decoder: the MS08-067 traversal path, the PrintNightmare driver
  // (a UNC data file, APD_INSTALL_WARNED_DRIVER), the Zerologon password set
  "fixtures/dcerpc/rpc_smb2.pcap": ["ms08-067@87", "printnightmare@274"],
  "fixtures/dcerpc/rpc_netlogon.pcap": ["zerologon@50"],
  // this rule set's own fixtures
  "fixtures/detect/rpc/rpc_lateral.pcap": [
    "psexec-service@17",
    "psexec-service@62",
    "remote-registry-run-key@113",
    "remote-registry-run-key@131",
    "printerbug@180",
  ],
  "fixtures/detect/rpc/rpc_coerce.pcap": [
    "efs-coercion@20",
    "efs-coercion@52",
    "remote-scheduled-task@84",
    "remote-scheduled-task@116",
  ],
  "fixtures/detect/rpc/rpc_drs.pcap": ["dcshadow@52", "dcsync@84", "dcshadow@86", "dcsync@39"],
  // public corpus: attack captures
  "401trg/20171220_smb_at_schedule.pcap": ["remote-scheduled-task@9"],
  "401trg/20171220_smb_psexec_add_user.pcap": ["psexec-service@22"],
  "401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap": ["psexec-service@23"],
  "corelight-printnightmare/packetcapture_1.pcap": ["printnightmare@14"],
  "corelight-zerologon/CVE-2020-1472_exploit_win2019.pcap": [
    "zerologon@22",
    "zerologon@573",
    "zerologon@581",
  ],
  "corelight-zerologon/CVE-2020-1472_test_win2016.pcap": ["zerologon@23", "zerologon@22045"],
  "pcap-attack/LM_smbexec_smb_dcerpc_svcctl_epm.pcapng": ["psexec-service@10", "psexec-service@51"],
  "pcap-attack/zerologon_mimikatz_ntlm_privacy_scan_and_exploit_encrypted.pcapng": [
    "zerologon@11",
    "zerologon@393",
  ],
  "suricata-verify/20171220_smb_at_schedule.pcap": ["remote-scheduled-task@9"],
  "suricata-verify/20171220_smb_psexec_add_user.pcap": ["psexec-service@22"],
  "suricata-verify/20171220_smb_psexec_mimikatz_ticket_dump-s2.pcap": ["psexec-service@11"],
  "suricata-verify/bug-5133__input.pcap": ["psexec-service@10", "psexec-service@51"],
  "suricata-verify/bug-8629-async-oneside__input.pcap": ["psexec-service@12"],
  "suricata-verify/bug-8629__input.pcap": ["psexec-service@22"],
  "suricata-verify/dcerpc-auth3-5133__input.pcap": ["psexec-service@6", "psexec-service@21"],
  "suricata-verify/dcerpc-dce-stub-data-04__input.pcap": ["remote-registry-run-key@16"],
  "suricata-verify/dcerpc-smb-ctxid__input.pcap": ["remote-scheduled-task@25"],
  "suricata-verify/dcerpc-smb-test-01__input.pcap": ["psexec-service@22"],
};

/** `rule@first frame`, as EXPECTED lists them. */
const describe = (a: AlertEvent) => `${a.rule}@${a.evidence.frames[0]}`;

/** The part of EXPECTED whose captures are under fixtures/ (`true`) or in the corpus. */
function expected(underFixtures: boolean): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(EXPECTED).filter(([k]) => k.startsWith("fixtures/") === underFixtures),
  );
}

Deno.test(
  "the DCE/RPC attack rules raise exactly the expected alerts on every fixture",
  () =>
    sweep(FIXTURES, RPC_RULES, describe, expected(true), {
      prefix: "fixtures/",
      atLeast: 21,
      label: "fixtures",
    }),
);

corpusTest(
  "the DCE/RPC attack rules raise exactly the expected alerts on every public corpus capture",
  () => sweep(corpus, RPC_RULES, describe, expected(false), { atLeast: 101, label: "corpus" }),
  "the DCE/RPC attack rules on the public corpus",
);

/** Events with missing, null and wrongly typed fields, as no decoder emits them. */
const ODD: unknown[] = [
  { type: "rpc" },
  { type: "rpc", action: "call" },
  { type: "rpc", action: "call", evidence: { frames: [], ts: 0 }, client: {}, server: {} },
  {
    type: "rpc",
    action: "call",
    interface: 42,
    opnum: "3",
    arguments: "x",
    results: [],
    evidence: { frames: [1], ts: 1 },
    client: { ip: "10.0.0.2", port: 1 },
    server: { ip: "10.0.0.1", port: 445 },
  },
  ...[
    ["4b324fc8-1670-01d3-1278-5a47bf6ee188", 31],
    ["4b324fc8-1670-01d3-1278-5a47bf6ee188", 32],
    ["367abb81-9844-35f1-ad32-98f038001003", 12],
    ["367abb81-9844-35f1-ad32-98f038001003", 19],
    ["1ff70682-0a51-30e8-076d-740be8cee98b", 0],
    ["86d35949-83c9-4044-b424-db363231fd0c", 1],
    ["338cd001-2244-31f1-aaaa-900038001003", 2],
    ["338cd001-2244-31f1-aaaa-900038001003", 15],
    ["338cd001-2244-31f1-aaaa-900038001003", 22],
    ["12345678-1234-abcd-ef00-0123456789ab", 65],
    ["12345678-1234-abcd-ef00-0123456789ab", 89],
    ["76f03f96-cdfd-44fc-a22c-64950a001209", 39],
    ["c681d488-d850-11d0-8c52-00c04fd90f7e", 0],
    ["12345678-1234-abcd-ef00-01234567cffb", 26],
    ["12345678-1234-abcd-ef00-01234567cffb", 30],
    ["e3514235-4b06-11d1-ab04-00c04fc2dcd2", 0],
    ["e3514235-4b06-11d1-ab04-00c04fc2dcd2", 3],
    ["e3514235-4b06-11d1-ab04-00c04fc2dcd2", 5],
    ["e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3],
  ].flatMap(([iface, opnum]) =>
    [
      {},
      null,
      { pathName: 5, binaryPathName: null, command: [], xml: 7, subKey: {}, handle: 9 },
      {
        pathName: "\\..\\",
        binaryPathName: "%COMSPEC% /c x",
        command: "x",
        xml: "<Exec><Command>",
        subKey: "Run",
        handle: "00",
        valueName: 3,
        data: { a: 1 },
        localMachine: "\\\\",
        fileName: "\\\\",
        driverPath: "\\\\\\",
        dependentFiles: [1, null],
        fileCopyFlags: "x",
        clientCredentialAllZero: true,
        authenticatorAllZero: true,
        nc: "DC=x",
        clientDsa: 5,
      },
    ].map((args) => ({
      type: "rpc",
      action: "call",
      interface: iface,
      opnum,
      arguments: args,
      results: { handle: 5, towers: [null, 3, { host: 1 }] },
      encrypted: args === null ? true : undefined,
      outcome: "response",
      evidence: { frames: [1], ts: 1 },
      client: { ip: "10.0.0.2", port: 1 },
      server: { ip: "10.0.0.1", port: 445 },
    }))
  ),
  { type: "rpc", action: "bind", contexts: [null, { interface: 1 }] },
  {
    type: "rpc",
    action: "bind",
    outcome: "ack",
    contexts: [{ interface: "e3514235-4b06-11d1-ab04-00c04fc2dcd2", result: "acceptance" }],
    evidence: { frames: [1], ts: 1 },
    client: { ip: "10.0.0.2", port: 1 },
    server: { ip: "10.0.0.1", port: 135 },
  },
  // no addresses or evidence
  {
    type: "rpc",
    action: "call",
    interface: "367abb81-9844-35f1-ad32-98f038001003",
    opnum: 12,
    arguments: { binaryPathName: "%COMSPEC% /c x" },
  },
  {
    type: "rpc",
    action: "call",
    interface: "12345678-1234-abcd-ef00-01234567cffb",
    opnum: 26,
    arguments: { clientCredentialAllZero: true },
    evidence: null,
  },
  { type: "file", actions: "write", share: 5, evidence: { frames: [], ts: 0 }, server: {} },
  { type: "file", actions: ["write"], share: "\\\\h\\ADMIN$", path: null, server: { ip: "1" } },
  { type: "ntlm", protocol: "dcerpc", evidence: { frames: [], ts: 0 } },
  { type: "kerberos", protocol: "dcerpc", clientPrincipal: 5, evidence: { frames: [], ts: 0 } },
  { type: "tree", path: 5, server: {} },
  { type: "connection", action: "open", transport: "tcp", handshake: true, server: {} },
];

Deno.test("the DCE/RPC attack rules never fail on odd events", () => {
  const bench = new RuleBench(RPC_RULES);
  bench.feed(...ODD);
  bench.end();
  const bugs = bench.reported.filter((e) => e.type === "anomaly" && e.layer === "detect");
  assert.deepEqual(bugs.map((e) => e.type === "anomaly" ? e.detail : ""), []);
});
