/**
 * Sharding by host pair (decoder option `shard`): the shards of a capture
 * together make exactly the events of one decoder, each conversation in one
 * shard, capture-level anomalies in shard 0 only. Event ids (`id`,
 * `evidence.connection`, `seq`, the `seq`s alerts cite) are each shard's own,
 * so they are left out of the comparison; so are the summaries.
 */
import assert from "node:assert/strict";
import { type DecodeEvent, Decoder, shardOf } from "../mod.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url);
const CORPUS = new URL("../../shared/pcaps/public/", import.meta.url);

/**
 * What a shard cannot know: the Kerberos client principal learned from the
 * exchange with the KDC on port 88, another host pair (README: Sharding).
 */
const LEARNED_FROM_THE_KDC = new Set(["clientPrincipal", "clientRealm"]);

/** An event as text without the numbers that are each decoder's own. */
function comparable(e: DecodeEvent, kdc = false): string {
  return JSON.stringify(e, (key, value) => {
    if (key === "seq" || key === "id" || key === "connection" || key === "connections") {
      return undefined;
    }
    if (kdc && (LEARNED_FROM_THE_KDC.has(key) || (e.type === "alert" && key === "user"))) {
      return undefined;
    }
    if (key === "events" && e.type === "alert") return undefined;
    return value;
  });
}

function decode(bytes: Uint8Array, shard?: { index: number; count: number }): DecodeEvent[] {
  const decoder = new Decoder(shard === undefined ? {} : { shard });
  return [...decoder.push(bytes), ...decoder.end()].filter((e) => e.type !== "summary");
}

function checkUnion(bytes: Uint8Array, count: number, name: string, kdc = false): number {
  const whole = decode(bytes).map((e) => comparable(e, kdc)).sort();
  const parts: string[] = [];
  const conversations = new Set<string>();
  for (let index = 0; index < count; index++) {
    for (const e of decode(bytes, { index, count })) {
      parts.push(comparable(e, kdc));
      if (e.type === "connection" && e.action === "open") {
        const key = `${e.client.ip} ${e.server.ip}`;
        // Every conversation lies in the shard its addresses hash to.
        const v4 = (ip: string) => new Uint8Array(ip.split(".").map(Number));
        if (!ip6(e.client.ip)) {
          assert.equal(shardOf(v4(e.client.ip), v4(e.server.ip), count), index, `${name}: ${key}`);
        }
        conversations.add(`${index} ${key}`);
      }
    }
  }
  assert.deepEqual(parts.sort(), whole, `${name} in ${count} shards`);
  return conversations.size;
}

const ip6 = (ip: string) => ip.includes(":");

Deno.test("shardOf: unordered, fixed, spread", () => {
  const a = new Uint8Array([10, 0, 0, 1]), b = new Uint8Array([10, 0, 0, 2]);
  assert.equal(shardOf(a, b, 7), shardOf(b, a, 7));
  assert.equal(shardOf(a, b, 1), 0);
  // 32-bit FNV-1a of the bytes 0a000001 0a000002 is 0x17fe6360 (computed in Python from the
  // published offset basis and prime).
  assert.equal(shardOf(a, b, 2 ** 31), 0x17fe6360 % 2 ** 31);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(shardOf(a, new Uint8Array([10, 0, 1, i]), 4));
  assert.equal(seen.size, 4);
});

Deno.test("shard option: a bad one is a RangeError naming it", () => {
  for (
    const shard of [{ index: 2, count: 2 }, { index: -1, count: 2 }, { index: 0, count: 0 }, {
      index: 0.5,
      count: 2,
    }]
  ) {
    assert.throws(() => new Decoder({ shard }), /option shard must be/);
  }
});

Deno.test("shards of the fixture captures make exactly one decoder's events", () => {
  for (const dir of ["smb", "dcerpc", "detect/rpc", "detect/auth", "tcp", "net"]) {
    for (const entry of Deno.readDirSync(new URL(`${dir}/`, FIXTURES))) {
      if (!/\.pcap(ng)?$/.test(entry.name)) continue;
      const bytes = Deno.readFileSync(new URL(`${dir}/${entry.name}`, FIXTURES));
      for (const count of [2, 3]) checkUnion(bytes, count, `${dir}/${entry.name}`);
    }
  }
});

Deno.test("shards of multi-host public captures make exactly one decoder's events", () => {
  // [capture, whether it holds a Kerberos exchange with a KDC that names a client elsewhere]
  const names: [string, boolean][] = [
    ["401trg/20171220_smb_psexec_add_user.pcap", false],
    ["401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap", true],
    ["corelight-zerologon/CVE-2020-1472_exploit_win2019.pcap", false],
    ["corelight-petitpotam/PatchedDCAuthenticatedTryWithRpcEncryptFileSrv.pcapng", false],
    ["pcap-attack/LM_smbexec_smb_dcerpc_svcctl_epm.pcapng", false],
    ["arkime/ntlm_synthetic.pcap", false],
  ];
  let read = 0;
  for (const [name, kdc] of names) {
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(new URL(name, CORPUS));
    } catch {
      continue;
    }
    read++;
    const spread = checkUnion(bytes, 3, name, kdc);
    assert.ok(spread > 0);
  }
  if (read === 0) console.log("skipped: the shared corpus (../shared/pcaps/public) is not here");
});

Deno.test("a shard does not learn a Kerberos client from a KDC that is another host pair", () => {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(
      new URL("401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap", CORPUS),
    );
  } catch {
    console.log("skipped: the shared corpus (../shared/pcaps/public) is not here");
    return;
  }
  const principals = (events: DecodeEvent[]) =>
    events.filter((e) => e.type === "kerberos" && e.clientPrincipal !== undefined).length;
  // 401TRG's notes: RonHD of CONTOSO.LOCAL runs PsExec; the one decoder names him from port 88.
  assert.ok(principals(decode(bytes)) > 0);
  let inShards = 0;
  for (let index = 0; index < 3; index++) {
    inShards += principals(decode(bytes, { index, count: 3 }));
  }
  assert.ok(inShards < principals(decode(bytes)));
});
