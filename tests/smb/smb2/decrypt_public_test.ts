/**
 * SMB3 decryption on the public captures with a published session key
 * (../shared/pcaps/public; skips when absent): zeek/smb3.pcap, an SMB 3.0
 * session to an encrypted share (Wireshark wiki's smb3-aes-128-ccm, session
 * key 28f2847263c83dc00621f742dd3f2e7b for SessionId 3d00009400480000 in
 * wire order), compared frame by frame with tshark's decrypted oracle; and
 * two mid-stream cuts of the same session (suricata-verify smb3-02/03),
 * where no NEGOTIATE says the dialect.
 */
import assert from "node:assert/strict";
import { decode, type DecodeEvent, type SmbEvent } from "../../../mod.ts";
import { compareSmb2, corpus, corpusPresent, readOracle } from "../oracle.ts";

const KEY = "3d00009400480000:28f2847263c83dc00621f742dd3f2e7b";
const reason = corpusPresent ? "" : " (skipped: ../shared/pcaps/public is absent)";

async function decodeWith(capture: string, sessionKeys: string[]): Promise<DecodeEvent[]> {
  const file = await Deno.open(new URL(capture, corpus));
  const events: DecodeEvent[] = [];
  for await (const e of decode(file.readable, { keys: { sessionKeys } })) events.push(e);
  return events;
}

const smb = (events: DecodeEvent[]) => events.filter((e): e is SmbEvent => e.type === "smb");

Deno.test({
  name: `zeek/smb3.pcap decrypted with its session key agrees with tshark's decryption${reason}`,
  ignore: !corpusPresent,
  async fn() {
    const events = await decodeWith("zeek/smb3.pcap", [KEY]);
    const oracle = readOracle("zeek/smb3.pcap.decrypted");
    const { frames, differences } = compareSmb2(events, oracle, { decrypted: true });
    assert.deepEqual(differences, []);
    assert.equal(frames, 54);
    const messages = smb(events);
    // Every transform (frames 9-22 and 25-54: 44; the IPC$ TREE_CONNECT at 23-24 is clear) decrypted.
    assert.equal(messages.filter((e) => e.decrypted).length, 44);
    assert.equal(messages.filter((e) => e.command === "ENCRYPTED").length, 0);
    assert.equal(events.filter((e) => e.type === "anomaly").length, 0);
    // The user of the session names the decrypted messages too (SUSE\administrator, from the clear login).
    assert.ok(messages.filter((e) => e.decrypted).every((e) => e.user === "SUSE\\administrator"));
  },
});

Deno.test({
  name:
    `zeek/smb3.pcap: a wrong session key is said once, and its messages stay encrypted${reason}`,
  ignore: !corpusPresent,
  async fn() {
    const events = await decodeWith("zeek/smb3.pcap", [
      "3d00009400480000:00000000000000000000000000000000",
    ]);
    const failures = events.filter((e) => e.type === "anomaly" && e.code === "smb2_decrypt_failed");
    assert.equal(failures.length, 1);
    const encrypted = smb(events).filter((e) => e.command === "ENCRYPTED");
    assert.equal(encrypted.length, 44);
    assert.ok(encrypted.every((e) => e.fields.decryption === "failed"));
    // The key never appears in the output.
    assert.ok(!JSON.stringify(events).includes("28f2847263c83dc00621f742dd3f2e7b"));
  },
});

for (const cut of ["smb3-02-midstream", "smb3-03-midstream"]) {
  Deno.test({
    name: `suricata-verify ${cut}: picked up mid-stream, decrypted with the session key${reason}`,
    ignore: !corpusPresent,
    async fn() {
      const capture = `suricata-verify/${cut}__input.pcap`;
      const plain = smb(await decodeWith(capture, []));
      const events = await decodeWith(capture, [KEY]);
      const messages = smb(events);
      const transforms = plain.filter((e) => e.command === "ENCRYPTED").length;
      assert.ok(transforms > 40);
      // Each transform of the session becomes one decrypted message (no compounds here).
      assert.equal(messages.filter((e) => e.decrypted).length, transforms);
      assert.equal(messages.filter((e) => e.command === "ENCRYPTED").length, 0);
      // Same session as zeek/smb3.pcap: the same commands in the same order as there.
      const whole = smb(await decodeWith("zeek/smb3.pcap", [KEY])).filter((e) => e.decrypted);
      const wanted = whole.map((e) => `${e.command} ${e.messageId} ${e.response}`).join("\n");
      const got = messages.filter((e) => e.decrypted)
        .map((e) => `${e.command} ${e.messageId} ${e.response}`).join("\n");
      assert.ok(wanted.includes(got), `${cut}'s messages are a run of the whole session's`);
    },
  });
}
