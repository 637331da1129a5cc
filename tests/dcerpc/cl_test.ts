/** Connectionless DCE/RPC over UDP, on suricata-verify's scapy-made capture, against tshark. */
import * as assert from "node:assert/strict";
import { Decoder, type RpcEvent } from "../../mod.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";

Deno.test({
  name: "connectionless calls: interface, version, sequence number and pairing as tshark shows" +
    (corpusPresent ? "" : " (skipped: ../shared/pcaps/public is not here)"),
  ignore: !corpusPresent,
  fn() {
    const d = new Decoder();
    const bytes = Deno.readFileSync(
      new URL("suricata-verify/dcerpc-udp-scapy__input.pcap", corpus),
    );
    const calls = [...d.push(bytes), ...d.end()].filter((e): e is RpcEvent => e.type === "rpc");
    // tshark -T fields -e dcerpc.dg_if_id -e dcerpc.dg_if_ver -e dcerpc.dg_seqnum (requests).
    assert.deepEqual(
      calls.map((c) => [c.interface, c.interfaceVersion, c.callId, c.opnum, c.outcome]),
      [
        ["8f8ab437-0c52-4b49-a2ae-33aa20bc561f", "1.0", 0, 0, "response"],
        ["bacab84e-569d-4acd-bd97-8f9c56f37701", "1.0", 2, 0, "response"],
        ["1eb94ad0-be43-4990-9462-fa6e4829c0a9", "1.0", 4, 0, "response"],
        ["e96598c5-3f18-4a1e-8931-9e52b747adf8", "1.0", 6, 0, "response"],
        ["c91394fc-9863-4ac5-9239-b2c7c27d4c0f", "1.0", 8, 0, "response"],
      ],
    );
    assert.ok(calls.every((c) => c.transport === "udp" && c.evidence.frames.length === 2));
  },
});
