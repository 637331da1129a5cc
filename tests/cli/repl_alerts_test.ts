/**
 * The REPL's alert views: the summary's first line, `alerts`, `alerts TEXT`, `alerts N`,
 * `evidence N` (the jump to the first SMB message an alert cites) and the `A` key on a
 * terminal. Facts from fixtures/detect/auth (see its README) and tshark:
 *
 *     tshark -r fixtures/detect/auth/ntlmv1.pcap -Y "smb.cmd==0x73 || smb2.cmd==1"
 *       Session Setup requests: frame 10 (SMB2, WORKGROUP\alice), 46 (bob), 72 (carol: SMB1,
 *       24-byte LM response, no NT response), 84 (dave), one TCP connection each
 *     tshark -r fixtures/detect/auth/anonymous.pcap -Y "smb2.cmd==1 || dcerpc.pkt_type==0"
 *       frame 10 NTLMSSP_AUTH with an empty user (the null session), frame 21 the first RPC
 *       request (srvsvc NetShareEnumAll)
 *     tshark -r fixtures/dcerpc/rpc_smb2.pcap -Y "frame.number==87" -V
 *       SMB2 Write request carrying srvsvc NetPathCanonicalize (opnum 31),
 *       Path: \smbscope\..\..\fixture
 */
import * as assert from "node:assert/strict";
import { type AlertEvent, type DecodeEvent, Decoder, RULES } from "../../mod.ts";
import { CaptureModel } from "../../cli/repl/model.ts";
import { alertDetailLines, alertListLines, evidenceTarget } from "../../cli/repl/alert_view.ts";
import { summaryLines } from "../../cli/repl/render.ts";
import {
  answer as answerText,
  answerLines,
  fixturePath as fixture,
  hasTmux,
  replOk,
  type ReplSession,
  Terminal,
} from "../_support/cli.ts";

/** The REPL over a capture with commands on stdin (exit 0); its answers. */
const repl = replOk;
const answer = (s: ReplSession, command: string) => answerLines(s, command);

Deno.test("repl alerts: summary first, the list, a text filter and one alert in detail (ntlmv1.pcap)", async () => {
  const answers = await repl(fixture("detect/auth/ntlmv1.pcap"), [
    "summary",
    "alerts",
    "alerts carol",
    "alerts nothing-of-the-kind",
    "alerts 3",
    "alerts 9",
    "help",
  ]);
  assert.equal(answer(answers, "summary")[0], "ALERTS:        4 (ntlmv1 ×4): see alerts");

  const list = answer(answers, "alerts");
  assert.equal(list.length, 5);
  assert.deepEqual(
    list.slice(0, 4).map((l) =>
      /^ +(\d+) +(\w+) +(\S+) +#(\d+) f(\d+): .*user=(\S+)$/.exec(l)!.slice(1)
    ),
    [
      ["1", "MEDIUM", "ntlmv1", "0", "10", "WORKGROUP\\alice"],
      ["2", "MEDIUM", "ntlmv1", "1", "46", "WORKGROUP\\bob"],
      ["3", "MEDIUM", "ntlmv1", "2", "72", "WORKGROUP\\carol"],
      ["4", "MEDIUM", "ntlmv1", "3", "84", "WORKGROUP\\dave"],
    ],
  );
  assert.match(
    list[2]!,
    /: LM-only login \(no NT response\) as WORKGROUP\\carol from 10\.77\.0\.2/,
  );
  assert.match(list[4]!, /^alerts N: one alert in detail; evidence N: /);

  const carol = answer(answers, "alerts carol");
  assert.equal(carol.length, 2);
  assert.match(carol[0]!, /^ +3 +MEDIUM +ntlmv1 +#2 f72: /);
  assert.deepEqual(answer(answers, "alerts nothing-of-the-kind"), [
    'no alert matches "nothing-of-the-kind"',
  ]);

  const detail = answer(answers, "alerts 3").join("\n");
  assert.match(
    detail,
    /^alert 3 of 4 {2}MEDIUM {2}ntlmv1 {2}NTLMv1, LM or clear-text password login$/m,
  );
  assert.match(detail, /^ {2}message: +LM-only login \(no NT response\) as WORKGROUP\\carol /m);
  assert.match(detail, /^ {2}technique: +T1110\.002 /m);
  assert.match(detail, /^ {2}connection: +#2$/m);
  assert.match(detail, /^ {2}client: +10\.77\.0\.2:\d+$/m);
  assert.match(detail, /^ {2}server: +10\.77\.0\.1:445$/m);
  assert.match(detail, /^ {2}user: +WORKGROUP\\carol$/m);
  assert.match(detail, /^ {2}frames: +72$/m);
  // values as a tree: tshark's 24-byte LM response and empty NT response.
  assert.match(detail, /^ {2}values:\n {4}kind: "lm"\n/m);
  assert.match(detail, /^ {4}lmResponseLength: 24$/m);
  assert.match(detail, /^ {4}ntResponseLength: 0$/m);
  // The event it rests on, by seq: carol's NTLM login in frame 72.
  assert.match(
    detail,
    /^ {2}rests on 1 event:\n {4}seq +\d+ {2}ntlm +#2 f72 NTLM .*WORKGROUP\\carol/m,
  );
  assert.match(detail, /^ {2}evidence 3: open the connection at the first SMB message it cites$/m);

  assert.deepEqual(answer(answers, "alerts 9"), ["no alert 9: there are 4 (see alerts)"]);
  const help = answer(answers, "help").join("\n");
  assert.match(help, /^ {2}alerts \[TEXT\] +alerts of the detection rules, numbered/m);
  assert.match(help, /^ {2}alerts N +alert N in detail/m);
  assert.match(help, /^ {2}evidence N +open alert N's connection at the first SMB message/m);
});

Deno.test("repl evidence N opens the connection at the SMB message the alert cites", async () => {
  const answers = await repl(fixture("detect/auth/ntlmv1.pcap"), [
    "evidence 3",
    "next",
    "evidence 1",
    "evidence 7",
    "evidence x",
  ]);
  const carol = answer(answers, "evidence 3").join("\n");
  assert.match(carol, /^alert 3: the SMB message carrying ntlm seq \d+, message 3 of #2$/m);
  assert.match(carol, /^#2 tcp 10\.77\.0\.2:\d+ → 10\.77\.0\.1:445 /m);
  assert.match(carol, /^message 3 of 4 {2}#2 {2}SMB1 SESSION_SETUP_ANDX request$/m);
  assert.match(carol, /^ {2}frames: +72 {2}\(client → server/m);
  assert.match(carol, /accountName: "carol"/);
  // The connection is open: next steps to the answer (tshark: frame 73).
  assert.match(
    answer(answers, "next").join("\n"),
    /SESSION_SETUP_ANDX response[\s\S]*frames: +73 /,
  );
  const alice = answer(answers, "evidence 1").join("\n");
  assert.match(alice, /^message \d+ of \d+ {2}#0 {2}SMB2 SESSION_SETUP request$/m);
  assert.match(alice, /^ {2}frames: +10 {2}\(client → server/m);
  assert.deepEqual(answer(answers, "evidence 7"), ["no alert 7: there are 4 (see alerts)"]);
  assert.deepEqual(answer(answers, "evidence x"), ["usage: evidence N (N as in alerts)"]);
});

Deno.test("repl alerts on anonymous.pcap: the cited RPC calls by seq, the jump to the null session's login", async () => {
  const answers = await repl(fixture("detect/auth/anonymous.pcap"), ["alerts 1", "evidence 1"]);
  const detail = answer(answers, "alerts 1");
  assert.match(detail[0]!, /^alert 1 of 1 {2}MEDIUM {2}anonymous-enumeration /);
  const cited = detail.filter((l) => /^ {4}seq +\d+ /.test(l));
  const rests = detail.find((l) => l.startsWith("  rests on "))!;
  assert.equal(rests, `  rests on ${cited.length} events:`);
  // The login first (frame 10), then the first RPC call: NetShareEnumAll, frame 21 (tshark).
  assert.match(cited[0]!, /^ {4}seq +\d+ {2}ntlm +#0 f10 NTLM \(anonymous\)/);
  const rpc = cited.find((l) => / rpc /.test(l))!;
  assert.match(
    rpc,
    /^ {4}seq +\d+ {2}rpc +#0 f21 RPC \\pipe\\srvsvc srvsvc\.NetrShareEnum .*\[rpc \d+\]$/,
  );
  const jump = answer(answers, "evidence 1").join("\n");
  assert.match(jump, /^message \d+ of \d+ {2}#0 {2}SMB2 SESSION_SETUP request$/m);
  assert.match(jump, /^ {2}frames: +10 {2}/m);
});

/** The events of a capture, decoded whole with every rule (or none). */
function decodeFile(path: string, alerts = true): DecodeEvent[] {
  const d = new Decoder({ alerts });
  return [...d.push(Deno.readFileSync(path)), ...d.end()];
}

Deno.test("evidenceTarget: an alert resting on an RPC call jumps to the WRITE that carried it (rpc_smb2.pcap)", () => {
  const events = decodeFile(fixture("dcerpc/rpc_smb2.pcap"), false);
  const call = events.find((e) => e.type === "rpc" && e.opnum === 31)!;
  assert.equal(call.type === "rpc" && call.operation, "NetprPathCanonicalize");
  // An alert as a rule would raise it, citing only the call (the ms08-067 rule's shape).
  const alert: AlertEvent = {
    type: "alert",
    seq: (events.at(-1)!.seq ?? 0) + 1,
    rule: "test-rule",
    title: "a test",
    severity: "critical",
    technique: "T1210",
    techniqueName: "Exploitation of Remote Services",
    message: "test",
    values: {},
    events: [call.seq!],
    evidence: { frames: [87], ts: 0, connection: 0 },
  };
  const model = new CaptureModel();
  model.add(events);
  model.add([alert]);
  model.done = true;
  const target = evidenceTarget(model, 1);
  assert.equal(target.kind, "message");
  if (target.kind !== "message") return;
  const m = target.conversation.messages[target.index]!;
  assert.deepEqual([m.command, m.response, m.evidence.frames], ["WRITE", false, [87]]);
  const detail = alertDetailLines(model, 1, 0).join("\n");
  assert.match(
    detail,
    /^ {4}seq +\d+ {2}rpc +#0 f87 RPC \\pipe\\srvsvc srvsvc\.NetprPathCanonicalize .* pathName=\\smbscope\\\.\.\\\.\.\\fixture .*\[rpc \d+\]$/m,
  );
  assert.match(
    detail,
    /^ {4}seq +\d+ {2}rpc +#0 f87 RPC \\pipe\\srvsvc srvsvc\.NetprPathCanonicalize .*\\\\smbscope\\\\\.\.\\\\\.\.\\\\fixture|^ {4}seq +\d+ {2}rpc +#0 f87 RPC \\pipe\\srvsvc srvsvc\.NetprPathCanonicalize/m,
  );
});

Deno.test("alert views escape the capture's control characters", () => {
  const hostile = "evil\x1b]0;pwned\x07\x1b[31m";
  const alert: AlertEvent = {
    type: "alert",
    seq: 1,
    rule: "test-rule",
    title: `title ${hostile}`,
    severity: "high",
    technique: "T0000",
    techniqueName: "Test",
    message: `message ${hostile}`,
    values: { path: hostile, nested: { [hostile]: [hostile] } },
    user: `DOM\\${hostile}`,
    client: { ip: "10.0.0.1", port: 1 },
    server: { ip: "10.0.0.2", port: 445 },
    events: [1],
    evidence: { frames: [5], ts: 0 },
  };
  const model = new CaptureModel();
  model.add([alert]);
  model.done = true;
  const lines = [
    ...alertListLines(model),
    ...alertListLines(model, "evil"),
    ...alertDetailLines(model, 1, 0),
    ...summaryLines(model),
  ];
  const control = (l: string) => [...l].some((c) => c.charCodeAt(0) < 0x20 || c === "\x7f");
  for (const l of lines) assert.ok(!control(l), JSON.stringify(l));
  assert.ok(lines.some((l) => l.includes(String.raw`message evil\x1b]0;pwned\x07\x1b[31m`)));
  assert.deepEqual(evidenceTarget(model, 1), {
    kind: "none",
    reason: "alert 1 cites no connection the REPL knows",
  });
});

const hasMs08067 = RULES.some((r) => r.id === "ms08-067");

Deno.test({
  name: "repl on rpc_smb2.pcap: the ms08-067 alert and its jump to the WRITE of frame 87",
  ignore: !hasMs08067,
  fn: async () => {
    const list = answer(
      await repl(fixture("dcerpc/rpc_smb2.pcap"), ["alerts ms08"]),
      "alerts ms08",
    );
    assert.match(list[0]!, /^ +\d+ +CRITICAL +ms08-067 +#0 f87: .*\\smbscope\\\.\.\\\.\.\\fixture/);
    const n = /^ +(\d+)/.exec(list[0]!)![1]!;
    const jump = answerText(
      await repl(fixture("dcerpc/rpc_smb2.pcap"), [`evidence ${n}`]),
      `evidence ${n}`,
    );
    assert.match(jump, /SMB2 WRITE request/);
    assert.match(jump, /^ {2}frames: +87 {2}\(client → server/m);
    assert.match(jump, /↳ rpc \d+ \(request\): RPC \\pipe\\srvsvc srvsvc\.NetprPathCanonicalize/);
  },
});

Deno.test({
  name: "repl on a terminal: ALERTS first in the overview, key A lists them, Enter twice jumps",
  ignore: !hasTmux,
  fn: async () => {
    const t = new Terminal();
    try {
      t.start(fixture("detect/auth/ntlmv1.pcap"), 160);
      const overview = await t.waitFor("status:        decoded", "❯ #0 tcp");
      // The alerts line comes first, under the title, in bold red.
      assert.equal(overview.split("\n")[1], "ALERTS:        4 (ntlmv1 ×4): see alerts");
      const coloured = t.tmux("capture-pane", "-p", "-e", "-t", "repl");
      // tmux writes bold and red as two sequences.
      assert.ok(coloured.includes("\x1b[1m\x1b[31mALERTS:"), "the alerts line is emphasised");
      assert.match(overview, /\[alerts\] 4 alerts of the detection rules/);
      t.keys("Enter");
      const stepper = await t.waitFor("message 1 of ", "A alerts");
      assert.match(stepper, /^#0 tcp /m);
      t.keys("A");
      await t.waitFor(
        "Alerts (4; ↑↓ move, Enter details, Esc or q back)",
        "❯    1  MEDIUM    ntlmv1  #0 f10",
      );
      t.keys("Down", "Down", "Enter");
      const detail = await t.waitFor("alert 3 of 4", "Enter or j: jump to the evidence");
      assert.match(detail, /frames: +72/);
      t.keys("Enter");
      const jumped = await t.waitFor("SMB1 SESSION_SETUP_ANDX request", "message 3 of 4");
      assert.match(jumped, /^#2 tcp 10\.77\.0\.2:\d+ → 10\.77\.0\.1:445/m);
      assert.match(jumped, /frames: +72 {2}\(client → server/);
      // Back goes to the overview; the [alerts] view opens the same list.
      t.keys("b");
      await t.waitFor("❯ #0 tcp");
      t.keys("[alerts]");
      await t.waitFor("❯ [alerts] 4 alerts");
      t.keys("Enter");
      await t.waitFor("Alerts (4;");
      t.keys("Escape");
      // The connection list opens where it was: on [alerts].
      await t.waitFor("❯ [alerts] 4 alerts");
      // readline holds a lone Esc for 500 ms in case a sequence follows: let it pass.
      await new Promise((r) => setTimeout(r, 700));
      t.tmux("send-keys", "-t", "repl", "C-c");
      await t.waitFor("REPL-EXIT 0");
    } finally {
      t.close();
    }
  },
});
