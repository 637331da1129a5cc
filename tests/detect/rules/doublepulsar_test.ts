/**
 * Rules `doublepulsar` (an implant answered: MID + 0x10/0x20/0x30) and `doublepulsar-ping` (a
 * DoublePulsar command answered with the same MID, or not at all) on
 * fixtures/detect/smb1/doublepulsar_samba.pcap (Samba: not infected) and doublepulsar_fake.pcap
 * (fake_doublepulsar.py, a FAKE infected host; the XOR key and architecture in its expected.json
 * are computed by the script, with countercept's formula), on the corpus (nDPI's unanswered ping,
 * the Trans2 SESSION_SETUP in the EternalRomance capture), on the opcode and key arithmetic, and on
 * answers the decoder paired with another request.
 */
import * as assert from "node:assert/strict";
import {
  doublepulsar,
  doublePulsarOpcode,
  doublepulsarPing,
  doublePulsarXorKey,
} from "../../../lib/detect/rules/doublepulsar.ts";
import { corpus } from "../../_support/corpus.ts";
import {
  agree,
  alertsOf,
  corpusTest,
  FIXTURES,
  planned,
  RuleBench,
  SMB1_REQUEST,
} from "./_support.ts";

const SMB1 = new URL("detect/smb1/", FIXTURES);
const alerts = (capture: URL) => alertsOf([doublepulsar, doublepulsarPing], capture);

Deno.test("doublepulsar-ping: Samba answers the ping and kill with the same MID (doublepulsar_samba.pcap)", () => {
  const got = alerts(new URL("doublepulsar_samba.pcap", SMB1));
  const exp = planned(SMB1, "doublepulsar_samba", "doublepulsar-ping");
  assert.equal(planned(SMB1, "doublepulsar_samba", "doublepulsar").length, 0);
  agree(got, exp);
  // IPC$ refuses TRANS2 (STATUS_ACCESS_DENIED); on a disk share Samba says STATUS_NOT_IMPLEMENTED, as Windows does.
  assert.deepEqual(
    got.map((a) => [a.values.command, a.values.replyStatus, a.values.windowsAnswer]),
    [
      ["ping", "STATUS_ACCESS_DENIED", false],
      ["kill", "STATUS_ACCESS_DENIED", false],
      ["ping", "STATUS_NOT_IMPLEMENTED", true],
    ],
  );
  assert.equal(got[0]!.severity, "medium");
});

Deno.test("doublepulsar: the FAKE infected host answers with MID + 0x10 (doublepulsar_fake.pcap)", () => {
  const got = alerts(new URL("doublepulsar_fake.pcap", SMB1));
  const exp = planned(SMB1, "doublepulsar_fake", "doublepulsar");
  assert.equal(planned(SMB1, "doublepulsar_fake", "doublepulsar-ping").length, 0);
  agree(got, exp);
  assert.deepEqual(got.map((a) => [a.values.requestMid, a.values.replyMid]), [[65, 81], [66, 82], [
    65,
    81,
  ]]);
  assert.equal(got[0]!.values.xorKey, "0x80a67e32");
  assert.equal(got[0]!.values.arch, "x64");
  assert.equal(got[0]!.severity, "critical");
});

corpusTest(
  "doublepulsar-ping on the corpus: nDPI's unanswered ping, EternalRomance's Trans2 SESSION_SETUP",
  () => {
    // tshark: frame 7 is TRANS2 SESSION_SETUP, MID 65, Timeout 15428812 (bytes cc 6c eb 00, summing
    // to 0x223: ping), 12 parameter bytes; the capture ends there.
    const ndpi = alerts(new URL("ndpi/smbv1.pcap", corpus));
    assert.deepEqual(
      ndpi.map((
        a,
      ) => [
        a.rule,
        a.evidence.frames,
        a.values.requestMid,
        a.values.timeout,
        a.values.command,
        a.values.replyStatus,
      ]),
      [
        ["doublepulsar-ping", [7], 65, 15428812, "ping", "none"],
      ],
    );
    // tshark: frame 198 TRANS2 SESSION_SETUP MID 129, Timeout 3480770 (opcode 0x13, none of the
    // implant's); frame 199 answers STATUS_SUCCESS with MID 129, where Windows' own handler says
    // STATUS_NOT_IMPLEMENTED (the exploit has replaced it).
    const er = alerts(new URL("zeek-eternalsafety/eternalromance-success-2008r2.pcap", corpus));
    assert.deepEqual(
      er.map((
        a,
      ) => [a.rule, a.evidence.frames, a.values.opcode, a.values.replyStatus, a.values.replyMid]),
      [
        ["doublepulsar-ping", [198, 199], "0x13", "STATUS_SUCCESS", 129],
      ],
    );
  },
  "doublepulsar-ping on the corpus",
);

Deno.test("doublePulsarOpcode and doublePulsarXorKey follow the published arithmetic", () => {
  // Timeouts as the public tools send them: countercept/nmap ping (a6 d9 a4 00), countercept's
  // kill (0e 69 00 00), the exec of WannaCry's trans2 packet (25 89 1a 00).
  assert.equal(doublePulsarOpcode(0x00a4d9a6), 0x23);
  assert.equal(doublePulsarOpcode(0x0000690e), 0x77);
  assert.equal(doublePulsarOpcode(0x001a8925), 0xc8);
  assert.equal(doublePulsarOpcode(0xffffffff), 0xfc);
  // Values from countercept's Python formula (python3 -c, arbitrary-precision integers).
  assert.equal(doublePulsarXorKey(0x5a5a1234), 0x80a67e32);
  assert.equal(doublePulsarXorKey(0x12345678), 0x5c3e98e2);
});

Deno.test("doublepulsar: an answer the decoder paired with its own request is no implant answer", () => {
  const bench = new RuleBench([doublepulsar, doublepulsarPing]);
  // Every event below says whether it is a response.
  const base = { ...SMB1_REQUEST, command: "TRANSACTION2" };
  const feed = (e: object) => bench.feed(e);
  feed({ ...base, messageId: "65", response: false, fields: { setup: [14], timeout: 0x00a4d9a6 } });
  // MID 81 answers a FIND_FIRST2 the client also sent (the decoder paired them).
  feed({
    ...base,
    messageId: "81",
    response: true,
    status: 0,
    request: { frames: [1], ts: 0 },
    fields: {},
  });
  feed({ ...base, messageId: "65", response: true, fields: "odd" }); // unreadable: skipped
  feed({ ...base, messageId: "66", response: false, fields: { setup: ["x"], timeout: "y" } });
  feed({ ...base, messageId: "65", response: true, status: 0xc0000002, fields: {} });
  bench.end();
  const raised = bench.alerts;
  // Only the ping's own answer (same MID): no implant, and the odd request 66 is no command.
  assert.deepEqual(raised.map((a) => [a.rule, a.values.replyMid, a.values.windowsAnswer]), [
    ["doublepulsar-ping", 65, true],
  ]);
  assert.deepEqual(bench.reported, []);
});
