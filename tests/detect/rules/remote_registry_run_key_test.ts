/** remote-registry-run-key: winreg values written under autostart keys, keys followed by handle. */
import * as assert from "node:assert/strict";
import { remoteRegistryRunKey } from "../../../lib/detect/rules/remote_registry_run_key.ts";
import { corpus } from "../../_support/corpus.ts";
import { alertsOf, corpusTest, expectedJson, feed, FIXTURES, valuesOf as v } from "./_support.ts";

const RPC = new URL("detect/rpc/", FIXTURES);
const WINREG = "338cd001-2244-31f1-aaaa-900038001003";
const decode = (capture: URL) => alertsOf([remoteRegistryRunKey], capture);

corpusTest(
  "remote-registry-run-key: the Run value of suricata-verify dcerpc-dce-stub-data-04",
  () => {
    const alerts = decode(
      new URL("suricata-verify/dcerpc-dce-stub-data-04__input.pcap", corpus),
    );
    // tshark: OpenLocalMachine (frame 8), OpenKey SOFTWARE\Microsoft\Windows\CurrentVersion\Run
    // (12), SetValue Osa32 = NTOSA32.EXE (16), all over TCP 135
    assert.deepEqual(
      alerts.map((a) => [v(a).key, v(a).valueName, v(a).data, v(a).kind, v(a).status]),
      [
        [
          "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
          "Osa32",
          "NTOSA32.EXE",
          "run_key",
          "ERROR_SUCCESS",
        ],
      ],
    );
    assert.ok(alerts[0]!.evidence.frames.includes(16));
  },
);

Deno.test("remote-registry-run-key on fixtures/detect/rpc/rpc_lateral.pcap: what Samba allowed and refused", () => {
  const record = expectedJson<{
    calls: {
      operation: string;
      arguments: Record<string, string>;
      outcome: string;
      errorCode?: number;
      requestFrame: number;
    }[];
  }>(RPC, "rpc_lateral");
  const sets = record.calls.filter((c) => c.operation === "BaseRegSetValue");
  const alerts = decode(new URL("rpc_lateral.pcap", RPC));
  assert.deepEqual(
    alerts.map((a) => [v(a).key, v(a).valueName, v(a).data, v(a).success, a.evidence.frames[0]]),
    sets.map((c) => [
      c.arguments.key,
      c.arguments.valueName,
      c.arguments.data,
      c.outcome === "ok",
      c.requestFrame,
    ]),
  );
  // Samba wrote the Run value and refused Winlogon's Userinit (ERROR_REGISTRY_IO_FAILED, 1016)
  assert.deepEqual(sets.map((c) => c.errorCode ?? 0), [0, 1016]);
  assert.deepEqual(alerts.map((a) => v(a).kind), ["run_key", "winlogon"]);
});

const base = {
  type: "rpc",
  action: "call",
  transport: "smb2",
  pipe: "winreg",
  interface: WINREG,
  outcome: "response",
  statusName: "ERROR_SUCCESS",
  success: true,
  client: { ip: "10.0.0.2", port: 50000 },
  server: { ip: "10.0.0.1", port: 445 },
};
let n = 0;
const rr = (opnum: number, args: Record<string, unknown>, handle?: string, connection = 1) => ({
  ...base,
  callId: ++n,
  opnum,
  arguments: args,
  ...(handle !== undefined ? { results: { handle } } : {}),
  evidence: { frames: [n], ts: n, connection },
});
const H = (x: number) => x.toString(16).padStart(40, "0");

Deno.test("remote-registry-run-key follows handles through nested opens, per connection", () => {
  const alerts = feed([remoteRegistryRunKey], [
    rr(2, { desiredAccess: 0x2000000 }, H(1)), // OpenLocalMachine
    rr(15, { handle: H(1), subKey: "SOFTWARE" }, H(2)),
    rr(6, { handle: H(2), subKey: "Microsoft\\Windows\\CurrentVersion\\RunOnce\\" }, H(3)),
    rr(22, { handle: H(3), valueName: "x", type: "REG_SZ", data: "C:\\x.exe" }),
    rr(15, { handle: H(1), subKey: "SYSTEM\\CurrentControlSet\\Services\\evil" }, H(4)),
    rr(22, { handle: H(4), valueName: "ImagePath", type: "REG_EXPAND_SZ", data: "C:\\e.exe" }),
    rr(22, { handle: H(4), valueName: "Start", type: "REG_DWORD", data: 2 }), // not ImagePath
    rr(6, {
      handle: H(1),
      subKey:
        "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\sethc.exe",
    }, H(5)),
    rr(22, { handle: H(5), valueName: "Debugger", type: "REG_SZ", data: "cmd.exe" }),
    rr(15, { handle: H(1), subKey: "SOFTWARE\\Vendor\\Run" }, H(6)), // not CurrentVersion\Run
    rr(22, { handle: H(6), valueName: "x", type: "REG_SZ", data: "y" }),
    rr(22, { handle: H(3), valueName: "x", type: "REG_SZ", data: "y" }, undefined, 2), // other connection
    rr(22, { handle: H(99), valueName: "ImagePath", type: "REG_SZ", data: "y" }), // unknown key
  ]);
  assert.deepEqual(alerts.map((a) => [v(a).kind, v(a).key, v(a).valueName]), [
    ["run_key", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce", "x"],
    ["service_image_path", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\evil", "ImagePath"],
    [
      "ifeo_debugger",
      "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\sethc.exe",
      "Debugger",
    ],
  ]);
});
