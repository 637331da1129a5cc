/** efs-coercion: EfsRpc* calls whose file name is a UNC path on another host (PetitPotam). */
import * as assert from "node:assert/strict";
import { efsCoercion } from "../../../lib/detect/rules/efs_coercion.ts";
import { corpus } from "../../_support/corpus.ts";
import { alertsOf, corpusTest, expectedJson, feed, FIXTURES, valuesOf as v } from "./_support.ts";

const RPC = new URL("detect/rpc/", FIXTURES);
const decode = (capture: URL) => alertsOf([efsCoercion], capture);

Deno.test("efs-coercion on fixtures/detect/rpc/rpc_coerce.pcap: \\pipe\\lsarpc and \\pipe\\efsrpc (WebDAV)", () => {
  const record = expectedJson<{
    calls: {
      interface: string;
      operation: string;
      arguments: { fileName?: string };
      errorCode: number;
      requestFrame: number;
    }[];
  }>(RPC, "rpc_coerce");
  const efs = record.calls.filter((c) => c.operation.startsWith("EfsRpc"));
  const alerts = decode(new URL("rpc_coerce.pcap", RPC));
  assert.deepEqual(
    alerts.map((a) => [v(a).operation, v(a).path, v(a).channel, v(a).target, v(a).webdav]),
    efs.map((c, i) => [
      c.operation,
      c.arguments.fileName,
      `\\pipe\\${c.interface}`,
      "10.77.0.66",
      i === 1,
    ]),
  );
  assert.deepEqual(alerts.map((a) => a.evidence.frames[0]), efs.map((c) => c.requestFrame));
  assert.deepEqual(efs.map((c) => c.errorCode), [53, 53]);
  assert.deepEqual(alerts.map((a) => v(a).status), ["ERROR_BAD_NETPATH", "ERROR_BAD_NETPATH"]);
  assert.deepEqual(alerts.map((a) => a.user), ["WORKGROUP\\fixadmin", "WORKGROUP\\fixadmin"]);
});

corpusTest(
  "efs-coercion raises nothing on corelight's PetitPotam captures (SMB 3 encrypted), like Zeek",
  () => {
    for (
      const name of [
        "PatchedDCAuthenticatedTryWithRpcEncryptFileSrv.pcapng",
        "PatchedDCAuthenticatedTryWithRpcOpenFileRawUsingEFSRPCNamePipeInsteadOfLSARPC.pcapng",
      ]
    ) {
      assert.deepEqual(decode(new URL(`corelight-petitpotam/${name}`, corpus)), [], name);
    }
    console.log("corelight-petitpotam: zeek no notice (! test -e notice.log); smbscope no alert");
  },
);

Deno.test("efs-coercion: a path on the server itself or on loopback is not coercion; \\\\?\\UNC\\ is", () => {
  const call = (fileName: string, more: Record<string, unknown> = {}) => ({
    type: "rpc",
    action: "call",
    transport: "smb2",
    pipe: "efsrpc",
    callId: 1,
    interface: "df1941c5-fe89-4e79-bf10-463657acf44d",
    opnum: 4,
    operation: "EfsRpcEncryptFileSrv",
    arguments: { fileName },
    outcome: "response",
    evidence: { frames: [1], ts: 1, connection: 0 },
    client: { ip: "10.0.0.2", port: 50000 },
    server: { ip: "10.0.0.1", port: 445 },
    ...more,
  });
  const tree = {
    type: "tree",
    action: "connect",
    smbVersion: 2,
    path: "\\\\FS1\\IPC$",
    evidence: { frames: [1], ts: 1, connection: 0 },
    client: { ip: "10.0.0.2", port: 50000 },
    server: { ip: "10.0.0.1", port: 445 },
  };
  const alerts = feed([efsCoercion], [
    tree,
    call("\\\\10.0.0.1\\share\\a.txt"),
    call("\\\\fs1.corp.local\\share\\a.txt"),
    call("\\\\localhost\\c$\\a.txt"),
    call("C:\\data\\a.txt"),
    call("\\\\?\\UNC\\attacker\\share\\a.txt"),
  ]);
  assert.deepEqual(alerts.map((a) => [v(a).target, v(a).serverNames]), [["attacker", ["fs1"]]]);
});
