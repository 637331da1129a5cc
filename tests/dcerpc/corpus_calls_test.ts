/**
 * Whole-capture checks on attack captures of the shared corpus: the calls
 * analysts look for come out named, paired and with their arguments.
 * Values checked by hand against the frames' bytes (tshark 4.0 does not
 * decode opnum 45 of svcctl).
 */
import * as assert from "node:assert/strict";
import { Decoder, type RpcEvent } from "../../mod.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";

function calls(capture: string): RpcEvent[] {
  const d = new Decoder();
  const events = [...d.push(Deno.readFileSync(new URL(capture, corpus))), ...d.end()];
  return events.filter((e): e is RpcEvent => e.type === "rpc" && e.action === "call");
}

Deno.test({
  name: "PsExec's service creation (RCreateServiceWOW64W) with its binary path" +
    (corpusPresent ? "" : " (skipped: ../shared/pcaps/public is not here)"),
  ignore: !corpusPresent,
  fn() {
    const all = calls("401trg/20171220_smb_psexec_add_user.pcap");
    const create = all.find((c) => c.operation === "RCreateServiceWOW64W")!;
    assert.equal(create.pipe, "svcctl");
    assert.equal(create.opnum, 45);
    assert.deepEqual(create.request?.frames, [160]);
    const a = create.arguments!;
    assert.deepEqual(
      [a.serviceName, a.displayName, a.binaryPathName, a.startType, a.serviceType, a.desiredAccess],
      ["PSEXESVC", "PSEXESVC", "%SystemRoot%\\PSEXESVC.exe", "SERVICE_DEMAND_START", 16, 0xf01ff],
    );
    assert.equal(create.statusName, "ERROR_SUCCESS");
    const sequence = all.filter((c) => c.pipe === "svcctl").map((c) => c.operation);
    assert.deepEqual(sequence.slice(0, 5), [
      "ROpenSCManagerW",
      "RCreateServiceWOW64W",
      "RCloseServiceHandle",
      "ROpenServiceW",
      "RStartServiceW",
    ]);
  },
});
