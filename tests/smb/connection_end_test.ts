/**
 * What the end of a connection cuts short is reported with the connection's
 * last frame and time, never frame 0 at time 0 (issue 15, item 8).
 */
import * as assert from "node:assert/strict";
import { type AnomalyEvent, Decoder } from "../../mod.ts";
import { data, HANDSHAKE, tcpConnection } from "../_support/pcap_writer.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";

const ACK = 0x10, FIN = 0x01;

function gaps(bytes: Uint8Array): AnomalyEvent[] {
  const d = new Decoder();
  return [...d.push(bytes), ...d.end()].filter((e): e is AnomalyEvent =>
    e.type === "anomaly" && e.code === "nbss_gap"
  );
}

Deno.test("an NBSS message cut short by the connection's end cites its last frame and time", () => {
  // A session message header announcing 100 bytes, 10 of them sent, then both sides close:
  // frames 1-3 the handshake, 4 the data, 5-7 FIN, FIN and ACK (pcap_writer: frame i at
  // 1 700 000 000 s + (i - 1) µs).
  const cut = new Uint8Array([0, 0, 0, 100, 0xfe, 0x53, 0x4d, 0x42, 0x40, 0]);
  const pcap = tcpConnection([
    ...HANDSHAKE,
    data(true, cut),
    { fromClient: true, flags: FIN | ACK },
    { fromClient: false, flags: FIN | ACK },
    { fromClient: true, flags: ACK },
  ]);
  const [gap] = gaps(pcap);
  assert.ok(gap, "the cut message is reported");
  assert.deepEqual(gap.evidence.frames, [7]);
  assert.equal(gap.evidence.ts, 1_700_000_000.000006);
  assert.equal(gap.evidence.connection, 0);
});

Deno.test({
  name:
    "arkime_synthetic.pcap: the message cut short on 56001→445 cites frame 432 (tshark: its last)" +
    (corpusPresent ? "" : " [skipped: ../shared/pcaps/public is not here]"),
  ignore: !corpusPresent,
  fn() {
    const found = gaps(Deno.readFileSync(new URL("arkime/arkime_synthetic.pcap", corpus)))
      .filter((e) => e.client?.port === 56001);
    assert.deepEqual(found.map((e) => [e.evidence.frames, e.evidence.ts]), [[[432], 1737752611]]);
  },
});
