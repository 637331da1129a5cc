/**
 * A sharded decode merged equals one decoder: for every fixture and the
 * multi-host captures of the public corpus, 2 and 3 shards, byte for byte
 * (NDJSON lines), except where the README documents why not.
 */
import * as assert from "node:assert/strict";
import { Decoder, ShardMerger } from "../../mod.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";
import { capturesUnder } from "../_support/decode.ts";
import { decodeSharded, decodeWhole, lines } from "./_decode.ts";

const root = new URL("../../fixtures/", import.meta.url);

/**
 * Captures whose sharded result differs, and why (README, "Sharding"): the
 * SMB2 decompression allowance is per capture, so per shard; the merged
 * summary says so in `sharded`.
 */
const PER_SHARD_CAP: Record<string, string[]> = {
  "hostile/compression_lz77_bomb.pcap": ["maxDecompressionRatio"],
  "hostile/compression_pattern_bomb.pcap": ["maxDecompressionRatio"],
};

for (const path of capturesUnder(root)) {
  const name = path.slice(root.pathname.length);
  Deno.test(`ShardMerger over 2 and 3 shards equals one decoder: ${name}`, () => {
    const bytes = Deno.readFileSync(path);
    const whole = lines(decodeWhole(bytes));
    for (const count of [2, 3]) {
      const merged = decodeSharded(bytes, count);
      const caps = PER_SHARD_CAP[name];
      if (caps !== undefined) {
        const summary = merged.at(-1)!;
        assert.equal(summary.type, "summary");
        assert.deepEqual(summary.type === "summary" && summary.sharded, {
          shards: count,
          perShardLimits: caps,
        });
        continue;
      }
      assert.deepEqual(lines(merged), whole, `${count} shards`);
    }
  });
}

/**
 * Multi-host captures of the public corpus (2 to 178 host pairs), each
 * against one decoder. Two differ, as documented: a Kerberos ticket issued
 * on the client-KDC pair names the client of a login on another pair only
 * when both pairs land in one shard (20171220_smb_psexec_mimikatz_ticket_dump
 * at 2 and 3 shards), and a capture whose clock jumps back (arkime_synthetic,
 * sections years apart) times out idle conversations shard by shard.
 */
const CORPUS = [
  "arkime/dcerpc_synthetic.pcap",
  "arkime/ntlm_synthetic.pcap",
  "corelight-petitpotam/PatchedDCAuthenticatedTryWithRpcEncryptFileSrv.pcapng",
  "corelight-petitpotam/PatchedDCAuthenticatedTryWithRpcOpenFileRawUsingEFSRPCNamePipeInsteadOfLSARPC.pcapng",
  "zeek/mapi.pcap",
  "ndpi/netbios.pcap",
  "suricata-verify/20171220_smb_psexec_add_user.pcap",
  "zeek-eternalsafety/metasploit-ms017-010-win7x64.pcap",
  "401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap",
  "zeek-eternalsafety/eternalblue-failed-patched-win7.pcap",
  "zeek-eternalsafety/esteemedaudit-failed-XPSP2.pcap",
  "zeek/bind-ack-no-inband-null.pcap",
  "ndpi/kerberos-login.pcap",
  "zeek-eternalsafety/eternalromance-success-2008r2.pcap",
  "zeek/dce_rpc_ntlm.pcapng",
  "zeek/ctu-sme-11-win7ad-1-ldap-tcp-50041.pcap",
  "zeek/pcapng-multi-interface.pcapng",
  "arkime/arkime_synthetic.pcap",
  "401trg/20171220_smb_mimikatz_copy_to_host.pcap",
  "pcap-attack/zerologon_mimikatz_ntlm_privacy_scan_and_exploit_encrypted.pcapng",
];
const KNOWN: Record<string, number[]> = {
  "401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap": [2, 3],
  "arkime/arkime_synthetic.pcap": [3],
};

for (const name of CORPUS) {
  Deno.test({
    name: `ShardMerger equals one decoder on the corpus: ${name}`,
    ignore: !corpusPresent,
    fn() {
      const bytes = Deno.readFileSync(new URL(name, corpus));
      const whole = lines(decodeWhole(bytes));
      for (const count of [2, 3]) {
        const merged = lines(decodeSharded(bytes, count));
        if (KNOWN[name]?.includes(count)) {
          assert.notDeepEqual(merged, whole, `${count} shards: listed as differing, now equal`);
          continue;
        }
        assert.deepEqual(merged, whole, `${count} shards`);
      }
    },
  });
}

Deno.test("ShardMerger equals one decoder with small reads, options changed", () => {
  const bytes = Deno.readFileSync(new URL("detect/rpc/rpc_lateral.pcap", root));
  for (
    const options of [
      {},
      { connectionOpenEvents: false },
      { maxAnomaliesPerKind: 1 },
      { alerts: false },
      { detect: { rules: ["psexec-service"] } },
    ]
  ) {
    for (const chunk of [1500, 4093]) {
      assert.deepEqual(
        lines(decodeSharded(bytes, 3, options, chunk)),
        lines(decodeWhole(bytes, options, chunk)),
        `${JSON.stringify(options)} in ${chunk}-byte reads`,
      );
    }
  }
});

Deno.test("ShardMerger with one host pair: one shard does all the work, the result is the same", () => {
  // smb3_11.pcap: one TCP conversation, 10.77.0.2 → 10.77.0.1 (smb3_11.expected.json).
  const bytes = Deno.readFileSync(new URL("smb/smb3_11.pcap", root));
  const busy = new Set<number>();
  for (let index = 0; index < 3; index++) {
    const d = new Decoder({ shard: { index, count: 3 } });
    const events = [...d.push(bytes), ...d.end()];
    if (events.some((e) => e.type === "smb")) busy.add(index);
  }
  // The pair hash of 0a4d0001 0a4d0002 is 0x9ca6191e (Python, as in hash_test.ts): shard 2 of 3.
  assert.deepEqual([...busy], [2]);
  assert.deepEqual(lines(decodeSharded(bytes, 3)), lines(decodeWhole(bytes)));
});

Deno.test("ShardMerger streams: it emits before every shard has ended", () => {
  const bytes = Deno.readFileSync(new URL("smb/io/io_smb2_5mib.pcap", root));
  const merger = new ShardMerger(2);
  const shards = [0, 1].map((index) => new Decoder({ shard: { index, count: 2 } }));
  let early = 0;
  for (let at = 0; at < bytes.length; at += 1 << 16) {
    shards.forEach((d, i) => merger.push(i, d.push(bytes.subarray(at, at + (1 << 16)))));
    early += merger.pull().length;
    for (let i = 0; i < 2; i++) assert.ok(merger.queued(i) <= 1, "at most the last batch held");
  }
  assert.ok(early > 0);
  shards.forEach((d, i) => merger.push(i, d.end()));
  assert.equal(merger.pull().at(-1)?.type, "summary");
  assert.ok(merger.done);
});
