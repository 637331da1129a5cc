/** psexec-service: a service binary uploaded to ADMIN$/C$ and a service created to run it; command-line services; encrypted creations. */
import * as assert from "node:assert/strict";
import { psexecService } from "../../../lib/detect/rules/psexec_service.ts";
import { corpus } from "../../_support/corpus.ts";
import { alertsOf, corpusTest, expectedJson, feed, FIXTURES, valuesOf as v } from "./_support.ts";

const RPC = new URL("detect/rpc/", FIXTURES);
const SVCCTL = "367abb81-9844-35f1-ad32-98f038001003";
const decode = (capture: URL) => alertsOf([psexecService], capture);
const made = (events: unknown[]) => feed([psexecService], events);

corpusTest(
  "psexec-service pairs PSEXESVC.exe on ADMIN$ with its service in 401trg psexec_add_user",
  () => {
    const alerts = decode(new URL("401trg/20171220_smb_psexec_add_user.pcap", corpus));
    assert.equal(alerts.length, 1);
    const [a] = alerts;
    // tshark: the SMB2 CREATE of PSEXESVC.exe is frames 21/22, RCreateServiceWOW64W (opnum 45)
    // frame 160; tshark --export-objects smb gives the file, sha256 141b2190…
    assert.ok(a!.evidence.frames.includes(22) && a!.evidence.frames.includes(160));
    assert.equal(v(a).kind, "uploaded_binary");
    assert.equal(v(a).serviceName, "PSEXESVC");
    assert.equal(v(a).binaryPathName, "%SystemRoot%\\PSEXESVC.exe");
    assert.equal(v(a).operation, "RCreateServiceWOW64W");
    assert.equal(v(a).status, "ERROR_SUCCESS");
    assert.deepEqual(v(a).upload, {
      share: "\\\\dc1\\ADMIN$",
      path: "PSEXESVC.exe",
      bytesWritten: 145568,
      size: 145568,
      sha256: "141b2190f51397dbd0dfde0e3904b264c91b6f81febc823ff0c33da980b69944",
    });
    assert.equal(a!.server?.ip, "192.168.10.10");
  },
);

corpusTest(
  "psexec-service reports smbexec's encrypted create-and-start twice in pcap-attack",
  () => {
    const alerts = decode(new URL("pcap-attack/LM_smbexec_smb_dcerpc_svcctl_epm.pcapng", corpus));
    // tshark: RCreateServiceA (24) in frames 10 and 51, RStartServiceA (31) in 12 and 53, sealed
    assert.deepEqual(alerts.map((a) => a.evidence.frames), [[10, 11, 12, 13], [51, 52, 53, 54]]);
    for (const a of alerts) {
      assert.equal(v(a).kind, "encrypted");
      assert.equal(v(a).confidence, "low");
      assert.equal(v(a).started, true);
      assert.equal(a.user, "3B\\Backdoor"); // the NTLM AUTHENTICATE of the svcctl association
    }
  },
);

corpusTest(
  "psexec-service ties the sealed PsExec service to its ADMIN$ upload (401trg ticket dump)",
  () => {
    const alerts = decode(
      new URL("401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap", corpus),
    );
    assert.equal(alerts.length, 1);
    const [a] = alerts;
    assert.equal(v(a).kind, "encrypted");
    assert.equal(v(a).confidence, "medium");
    assert.deepEqual((v(a).uploads as { path: string; share: string }[]).map((u) => u.path), [
      "PSEXESVC.exe",
    ]);
    // tshark: RCreateServiceWOW64W (45) in frame 78 and RStartServiceW (19) in 84 on TCP 49155;
    // Kerberos: the client is RonHD@CONTOSO.LOCAL
    assert.ok(a!.evidence.frames.includes(78) && a!.evidence.frames.includes(84));
    assert.equal(a!.user, "RonHD@CONTOSO.LOCAL");
  },
);

corpusTest("psexec-service names PsExec's service when its upload is not in the slice", () => {
  const alerts = decode(new URL("suricata-verify/dcerpc-smb-test-01__input.pcap", corpus));
  assert.deepEqual(alerts.map((a) => [v(a).kind, v(a).tool, v(a).serviceName]), [
    ["known_tool", "PsExec", "PSEXESVC"],
  ]);
});

Deno.test("psexec-service on fixtures/detect/rpc/rpc_lateral.pcap: the upload, and smbexec's command line", () => {
  const record = expectedJson<{
    calls: {
      operation: string;
      arguments: { serviceName?: string; binaryPathName?: string };
      error?: string;
      requestFrame: number;
    }[];
    files: {
      share: string;
      path: string;
      size: number;
      sha256: string;
      createRequestFrame: number;
    }[];
    user: string;
  }>(RPC, "rpc_lateral");
  const creates = record.calls.filter((c) => c.operation === "RCreateServiceW");
  const alerts = decode(new URL("rpc_lateral.pcap", RPC));
  assert.equal(alerts.length, 2);
  const [up, cmd] = alerts;
  assert.equal(v(up).kind, "uploaded_binary");
  assert.equal(v(up).serviceName, creates[0]!.arguments.serviceName);
  assert.equal(v(up).binaryPathName, creates[0]!.arguments.binaryPathName);
  assert.equal(v(up).status, creates[0]!.error); // Samba: fault nca_s_op_rng_error
  const upload = v(up).upload as { path: string; sha256: string; size: number };
  assert.equal(upload.path, record.files[0]!.path);
  assert.equal(upload.sha256, record.files[0]!.sha256);
  assert.equal(upload.size, record.files[0]!.size);
  assert.ok(up!.evidence.frames.includes(creates[0]!.requestFrame));
  assert.ok(up!.evidence.frames[0]! >= record.files[0]!.createRequestFrame);
  assert.equal(up!.user, record.user);
  assert.equal(v(cmd).kind, "command_line");
  assert.equal(v(cmd).matched, "%COMSPEC%");
  assert.equal(v(cmd).serviceName, creates[1]!.arguments.serviceName);
  assert.equal(v(cmd).binaryPathName, creates[1]!.arguments.binaryPathName);
  assert.ok(cmd!.evidence.frames.includes(creates[1]!.requestFrame));
});

const ev = {
  client: { ip: "10.0.0.2", port: 50000 },
  server: { ip: "10.0.0.1", port: 445 },
};
const create = (ts: number, bin: string, name = "svc1") => ({
  type: "rpc",
  action: "call",
  transport: "smb2",
  pipe: "svcctl",
  callId: 2,
  interface: SVCCTL,
  opnum: 12,
  operation: "RCreateServiceW",
  arguments: { serviceName: name, binaryPathName: bin },
  outcome: "response",
  statusName: "ERROR_SUCCESS",
  success: true,
  evidence: { frames: [ts], ts, connection: 1 },
  ...ev,
});
const upload = (ts: number, share: string, path: string) => ({
  type: "file",
  smbVersion: 2,
  sessionId: "1",
  handle: "00",
  share,
  path,
  pipe: false,
  openSeen: true,
  state: "closed",
  actions: ["write"],
  reads: 0,
  bytesRead: 0,
  writes: 1,
  bytesWritten: 10,
  bytesSeen: 10,
  complete: true,
  evidence: { frames: [ts], ts, connection: 1 },
  ...ev,
});

Deno.test("psexec-service pairs an upload that closes after the service creation, within the window", () => {
  const alerts = made([
    create(100, '"C:\\Windows\\evil.exe" -k'),
    upload(160, "\\\\h\\C$", "Windows\\evil.exe"),
    create(200, "C:\\Windows\\other.exe", "svc2"),
    upload(9000, "\\\\h\\ADMIN$", "other.exe"), // past windowSeconds (3600)
    create(9100, "C:\\Program Files\\App\\app.exe", "svc3"),
    upload(9200, "\\\\h\\data", "app.exe"), // not an administrative share
  ]);
  assert.deepEqual(alerts.map((a) => [v(a).serviceName, (v(a).upload as { path: string }).path]), [
    ["svc1", "Windows\\evil.exe"],
  ]);
  assert.deepEqual(
    made([create(100, "%COMSPEC% /Q /c echo x"), create(101, "cmd.exe /c whoami", "s2")]).map((a) =>
      v(a).matched
    ),
    ["%COMSPEC%", "cmd /c"],
  );
  assert.equal(made([create(1, "C:\\Windows\\System32\\svchost.exe -k netsvcs")]).length, 0);
});
