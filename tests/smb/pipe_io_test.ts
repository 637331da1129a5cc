/**
 * Pipe I/O facts against tshark on the public corpus: the DCE/RPC PDUs found
 * in the data a pipe consumer receives (SMB2 WRITE/READ and IOCTL
 * FSCTL_PIPE_TRANSCEIVE, SMB1 WRITE_ANDX/READ_ANDX and TransactNmPipe) are,
 * capture by capture, exactly the PDUs tshark dissects over SMB: same packet
 * types, call ids and fragment lengths, as many of each. Captures begun
 * mid-session (no CREATE seen) included: their handles are followed anyway.
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../../lib/decoder.ts";
import type { SmbIoFact } from "../../lib/smb/io.ts";
import { capturesWith, corpus, corpusPresent, readOracle } from "./oracle.ts";

/** `pktType/callId/fragLength` of each DCE/RPC connection-oriented PDU in a pipe message. */
function pdus(data: Uint8Array): string[] {
  const out: string[] = [];
  let b = data;
  while (b.length >= 16 && b[0] === 5 && b[1] === 0) {
    const fragLength = b[8]! | (b[9]! << 8);
    const callId = (b[12]! | (b[13]! << 8) | (b[14]! << 16) | (b[15]! << 24)) >>> 0;
    out.push(`${b[2]}/${callId}/${fragLength}`);
    if (fragLength < 16) break;
    b = b.subarray(fragLength);
  }
  return out;
}

function ours(capture: string): string[] {
  const found: string[] = [];
  const pipes: SmbIoFact["kind"][] = ["read", "write", "transceive"];
  const decoder = new Decoder({
    consumers: [{
      wantsFileData: false,
      wantsPipeData: true,
      io(fact) {
        if (pipes.includes(fact.kind) && "data" in fact) found.push(...pdus(fact.data));
      },
    }],
  });
  decoder.push(Deno.readFileSync(new URL(capture, corpus)));
  decoder.end();
  return found;
}

function tsharks(capture: string): string[] {
  const found: string[] = [];
  for (const row of readOracle(capture).values()) {
    const types = row.get("dcerpc.pkt_type") ?? [];
    if (types.length === 0) continue;
    if ((row.get("smb.cmd") ?? []).length === 0 && (row.get("smb2.cmd") ?? []).length === 0) {
      continue; // DCE/RPC straight over TCP, not over a pipe
    }
    const calls = row.get("dcerpc.cn_call_id")!, lengths = row.get("dcerpc.cn_frag_len")!;
    // tshark also dissects the input an IOCTL response echoes; consumers get its output.
    const ioctlResponse = row.get("smb2.cmd")?.[0] === "11" &&
      row.get("smb2.flags.response")?.[0] === "1";
    types.forEach((t, i) => {
      if (ioctlResponse && t === "0") return;
      found.push(`${t}/${calls[i]}/${lengths[i]}`);
    });
  }
  return found;
}

function counted(list: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of list) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

const captures = corpusPresent
  ? capturesWith("dcerpc.pkt_type").filter((c) => !c.endsWith(".gz"))
  : [];

Deno.test({
  name: corpusPresent
    ? `pipe io: DCE/RPC PDUs in pipe data agree with tshark (${captures.length} captures)`
    : "pipe io: DCE/RPC PDUs in pipe data agree with tshark (skipped: ../shared/pcaps/public not present)",
  ignore: !corpusPresent,
  fn() {
    let total = 0, checked = 0;
    for (const capture of captures) {
      const expected = tsharks(capture);
      if (expected.length === 0) continue;
      assert.deepEqual(counted(ours(capture)), counted(expected), capture);
      total += expected.length;
      checked++;
    }
    console.log(`${total} PDUs in ${checked} captures agree`);
    assert.ok(checked >= 15 && total >= 500, `${total} PDUs in ${checked} captures`);
  },
});
