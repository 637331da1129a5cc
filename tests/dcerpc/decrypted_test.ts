/**
 * DCE/RPC and detection on decrypted SMB3 (fixtures/crypto/enc_rpc.pcap:
 * rpcclient over 3.1.1 AES-128-GCM and an impacket PsExec-like run over 3.0
 * AES-128-CCM, every message after the login encrypted). Expected binds,
 * calls and arguments come from the clients' own records (rpcclient's debug
 * prints, impacket's request objects), checked by the fixture script
 * against tshark's decryption; the alerts are the psexec-service rule's for
 * the upload and the two services the script created.
 */
import assert from "node:assert/strict";
import { decode, type DecodeEvent, type RpcEvent } from "../../mod.ts";

const DIR = new URL("../../fixtures/crypto/", import.meta.url);
const x = JSON.parse(Deno.readTextFileSync(new URL("enc_rpc.expected.json", DIR)));
const password = x.accounts[0].password as string;

async function run(keys?: object): Promise<DecodeEvent[]> {
  const out: DecodeEvent[] = [];
  const bytes = await Deno.readFile(new URL("enc_rpc.pcap", DIR));
  for await (const e of decode(bytes, keys === undefined ? {} : { keys })) out.push(e);
  return out;
}

const rpc = (events: DecodeEvent[]) => events.filter((e): e is RpcEvent => e.type === "rpc");

Deno.test("enc_rpc: binds and calls over encrypted SMB3 as the clients made them", async () => {
  const events = await run({ passwords: [`alice:${password}`] });
  const calls = rpc(events).filter((e) => e.action === "call");
  const outcome = (e: RpcEvent) =>
    e.outcome === "fault" ? `fault:${e.statusName}` : e.success ? "ok" : `status:${e.statusName}`;
  assert.deepEqual(
    calls.map((e) => [e.interfaceName, e.opnum, e.operation, outcome(e), e.evidence.frames[0]]),
    x.calls.map((c: Record<string, unknown>) => [
      c.interface,
      c.opnum,
      c.operation,
      c.result,
      c.requestFrame,
    ]),
  );
  const binds = rpc(events).filter((e) => e.action !== "call");
  assert.deepEqual(
    binds.map((e) => e.contexts?.[0]?.interfaceName),
    x.binds.map((b: { interface: string }) => b.interface),
  );
  // Arguments from the decrypted stubs: what impacket asked for.
  const created = calls.filter((e) => e.operation === "RCreateServiceW");
  assert.deepEqual(
    created.map((e) => [e.arguments?.serviceName, e.arguments?.binaryPathName]),
    x.calls.filter((c: { operation: string }) => c.operation === "RCreateServiceW")
      .map((c: { request: Record<string, string> }) => [
        c.request.lpServiceName,
        c.request.lpBinaryPathName,
      ]),
  );
  assert.ok(calls.every((e) => e.user === "WORKGROUP\\alice"));
  // The uploaded service binary, carved from the decrypted WRITEs.
  const [file] = x.files;
  assert.ok(
    events.some((e) =>
      e.type === "file" && e.path === file.name && e.hashes?.sha256 === file.sha256
    ),
  );
  // Detection on the decrypted session: the upload paired with its service, and the command line.
  const alerts = events.filter((e) => e.type === "alert").map((e) =>
    e.type === "alert" ? `${e.rule} ${e.severity} ${/"(\w+)"/.exec(e.message)?.[1]}` : ""
  );
  assert.deepEqual(alerts, ["psexec-service high fixsvc", "psexec-service high fixecho"]);
});

Deno.test("enc_rpc without secrets: no call, no alert, only encrypted messages", async () => {
  const events = await run();
  assert.equal(rpc(events).length, 0);
  assert.equal(events.filter((e) => e.type === "alert").length, 0);
  assert.ok(events.filter((e) => e.type === "smb" && e.command === "ENCRYPTED").length > 100);
});
