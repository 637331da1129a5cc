/**
 * The REPL's DCE/RPC views: `rpc`, `rpc TEXT`, `rpc N`, the calls nested under the SMB message
 * that carried them, the summary's RPC line, and the `d` key on a terminal. Facts come from
 * fixtures/dcerpc/*.expected.json (what impacket sent and got back) and from tshark
 * (`tshark -r fixtures/dcerpc/rpc_smb2.pcap -Y dcerpc`: frame numbers).
 */
import * as assert from "node:assert/strict";
import type { DecodeEvent, RpcEvent, SmbEvent } from "../../mod.ts";
import { CaptureModel } from "../../cli/repl/model.ts";
import { rpcDetailLines, rpcListLines, rpcNestedLines } from "../../cli/repl/rpc_view.ts";
import { answer, fixturePath as fixture, hasTmux, replOk, Terminal } from "../_support/cli.ts";

/** The REPL over a capture with commands on stdin (exit 0); its answers. */
const repl = replOk;

interface Expected {
  binds: { pipe: string; uuid: string; callId?: number | null; result: string }[];
  calls: {
    pipe: string;
    operation: string;
    result: string;
    request?: Record<string, unknown>;
  }[];
}

const expected: Expected = JSON.parse(
  Deno.readTextFileSync(fixture("dcerpc/rpc_smb2.expected.json")),
);

/** The status the REPL shows for an expected call of a Win32 interface (svcctl). */
function win32Status(result: string): string {
  if (result === "ok") return "ERROR_SUCCESS";
  return result.replace(/^(status|fault):/, "");
}

Deno.test("repl rpc: list, filter and summary of rpc_smb2.pcap match what impacket sent", async () => {
  const a = await repl(fixture("dcerpc/rpc_smb2.pcap"), [
    "summary",
    "conns",
    "rpc",
    "rpc svcctl",
    "rpc ERROR_ACCESS_DENIED",
    "rpc nothing-like-this",
    "help",
  ]);
  const sent = expected.binds.filter((b) => typeof b.callId === "number");
  // impacket's calls, all sent on one connection; its binds that reached the wire (the
  // others' pipe opens failed, so no bind was sent).
  const summary = answer(a, "summary");
  const rpcLine = summary.split("\n").find((l) => l.startsWith("RPC:")) ?? "";
  assert.match(
    rpcLine,
    new RegExp(`^RPC: +${expected.calls.length} calls \\(\\d+ failed\\), ${sent.length} binds; `),
  );
  for (const name of ["svcctl", "srvsvc", "wkssvc", "samr", "lsarpc", "winreg", "efsrpc"]) {
    assert.ok(rpcLine.includes(name), `${name} not in ${rpcLine}`);
  }
  assert.match(
    answer(a, "conns"),
    new RegExp(`messages=\\d+ .*rpc=${expected.calls.length + sent.length}$`),
  );

  const list = answer(a, "rpc").split("\n");
  assert.equal(list.length, expected.calls.length + sent.length + 1);
  assert.equal(list.at(-1), "rpc N: one call or bind in detail");
  // tshark: the svcctl bind is frame 18, the first ROpenSCManagerW request frame 25.
  assert.match(
    list[0]!,
    /^ {3}1 {2}#0 f18 RPC bind \\pipe\\svcctl svcctl v2\.0 \(ndr\) → ack {2}user=WORKGROUP\\alice$/,
  );
  assert.match(
    list[1]!,
    /^ {3}2 {2}#0 f25 RPC \\pipe\\svcctl svcctl\.ROpenSCManagerW → ERROR_ACCESS_DENIED [\d.]+ms {2}machineName=FIXTURESRV {2}databaseName=ServicesActive {2}desiredAccess=983103 /,
  );

  // `rpc svcctl`: its bind, then impacket's svcctl calls in order, each with the status it got.
  const svcctl = answer(a, "rpc svcctl").split("\n").slice(0, -1);
  const calls = expected.calls.filter((c) => c.pipe === "svcctl");
  assert.equal(svcctl.length, calls.length + 1);
  assert.match(svcctl[0]!, /RPC bind \\pipe\\svcctl svcctl v2\.0 \(ndr\) → ack/);
  calls.forEach((c, i) => {
    assert.ok(
      svcctl[i + 1]!.includes(`svcctl.${c.operation} → ${win32Status(c.result)} `),
      `${c.operation} ${c.result}: ${svcctl[i + 1]}`,
    );
  });
  // A status filters too: every listed call was refused, and the first is call 2.
  const denied = answer(a, "rpc ERROR_ACCESS_DENIED").split("\n").slice(0, -1);
  assert.ok(denied.length >= 2);
  for (const line of denied) assert.match(line, /→ ERROR_ACCESS_DENIED /);
  assert.match(denied[0]!, /^ {3}2 {2}#0 f25 /);
  assert.equal(
    answer(a, "rpc nothing-like-this"),
    'no DCE/RPC call or bind matches "nothing-like-this"',
  );
  const help = answer(a, "help");
  assert.match(help, /^ {2}rpc \[TEXT\] +DCE\/RPC calls and binds/m);
  assert.match(help, /^ {2}rpc N +call or bind N in detail/m);
});

Deno.test("repl rpc: rpc N shows a call and a bind in detail, with frames and carrying messages", async () => {
  const a = await repl(fixture("dcerpc/rpc_smb2.pcap"), ["rpc 2", "rpc 1", "rpc 0", "rpc 9999"]);
  const first = expected.calls[0]!;
  assert.equal(first.operation, "ROpenSCManagerW");
  const call = answer(a, "rpc 2");
  assert.match(
    call,
    /^rpc 2 of \d+ {2}#0 {2}svcctl\.ROpenSCManagerW {2}over \\pipe\\svcctl \(SMB2\/3\)$/m,
  );
  assert.match(call, /^ {2}outcome: +response$/m);
  // impacket got ErrorCode 5 back (expected.json); Windows names it ERROR_ACCESS_DENIED.
  assert.equal(first.result, "status:ERROR_ACCESS_DENIED");
  assert.match(call, /^ {2}status: +ERROR_ACCESS_DENIED \(0x00000005\), failed$/m);
  assert.match(call, /^ {2}interface: +svcctl 367abb81-9844-35f1-ad32-98f038001003 v2\.0$/m);
  assert.match(call, /^ {2}operation: +ROpenSCManagerW \(opnum 15\)$/m);
  assert.match(call, /^ {2}callId: +1$/m);
  assert.match(call, /^ {2}user: +WORKGROUP\\alice \(session \d+\)$/m);
  assert.match(call, /^ {2}share: +\\\\10\.77\.0\.1\\IPC\$$/m);
  assert.match(call, /^ {2}pipe: +svcctl$/m);
  // The arguments impacket sent, as an indented tree with quoted strings.
  assert.match(
    call,
    new RegExp(
      `^ {2}arguments:\\n {4}machineName: "${first.request!.lpMachineName}"\\n {4}databaseName: "${
        first.request!.lpDatabaseName
      }"\\n {4}desiredAccess: ${first.request!.dwDesiredAccess}$`,
      "m",
    ),
  );
  assert.match(call, /^ {2}results:\n {4}handle: "0{40}"$/m);
  // tshark: request in frame 25 (an SMB2 WRITE), the answer in frame 28 (a READ response).
  assert.match(call, /^ {2}frames: +request 25; answer 28$/m);
  assert.match(call, /^ {2}messages: +\d+ \(f25 WRITE request\), \d+ \(f28 READ response\)$/m);

  const bind = answer(a, "rpc 1");
  assert.match(bind, /^rpc 1 of \d+ {2}#0 {2}bind svcctl {2}over \\pipe\\svcctl \(SMB2\/3\)$/m);
  assert.match(bind, /^ {2}outcome: +ack$/m);
  assert.match(
    bind,
    /^ {2}contexts:\n {4}0: svcctl 367abb81-9844-35f1-ad32-98f038001003 v2\.0 {2}offered ndr → acceptance ndr$/m,
  );
  // tshark: Bind in frame 18, Bind_ack in frame 23.
  assert.match(bind, /^ {2}frames: +request 18; answer 23$/m);
  assert.match(bind, /^ {2}endpoint: +\\pipe\\svcctl$/m);
  assert.match(answer(a, "rpc 0"), /^no rpc 0: there are \d+ \(see rpc\)$/);
  assert.match(answer(a, "rpc 9999"), /^no rpc 9999: there are \d+ \(see rpc\)$/);
});

Deno.test("repl rpc: an SMB message lists the RPC calls it carried", async () => {
  const a = await repl(fixture("dcerpc/rpc_smb2.pcap"), [
    "conn 0",
    "goto f25",
    "goto f26",
    "goto f28",
    "goto f18",
  ]);
  // Frame 25: the WRITE carrying the ROpenSCManagerW request; frame 26 its WRITE response
  // (no PDU); frame 28 the READ response carrying the answer (tshark).
  const write = answer(a, "goto f25");
  assert.match(write, /^message \d+ of \d+ {2}#0 {2}SMB2 WRITE request$/m);
  assert.match(
    write,
    /^ {2}frames: +25 .*\n {2}↳ rpc 2 \(request\): RPC \\pipe\\svcctl svcctl\.ROpenSCManagerW → ERROR_ACCESS_DENIED [\d.]+ms {2}machineName=FIXTURESRV/m,
  );
  assert.equal(write.split("\n").filter((l) => l.includes("↳")).length, 1);
  const ack = answer(a, "goto f26");
  assert.match(ack, /^message \d+ of \d+ {2}#0 {2}SMB2 WRITE response$/m);
  assert.ok(!ack.includes("↳"), ack);
  const read = answer(a, "goto f28");
  assert.match(read, /^message \d+ of \d+ {2}#0 {2}SMB2 READ response$/m);
  assert.match(
    read,
    /^ {2}↳ rpc 2 \(response\): RPC \\pipe\\svcctl svcctl\.ROpenSCManagerW → ERROR_ACCESS_DENIED/m,
  );
  assert.match(
    answer(a, "goto f18"),
    /^ {2}↳ rpc 1 \(bind\): RPC bind \\pipe\\svcctl svcctl v2\.0 \(ndr\) → ack/m,
  );
});

Deno.test("repl rpc: SMB1 WRITE_ANDX, READ_ANDX and TRANSACTION carry their calls (rpc_smb1.pcap)", async () => {
  // tshark: frame 36 OpenSCManagerW request (Write AndX), frame 39 its response (Read AndX);
  // on the second connection (rpcclient), NetSrvGetInfo in a TRANSACTION (frames 200, 201).
  const a = await repl(fixture("dcerpc/rpc_smb1.pcap"), [
    "conn 0",
    "goto f36",
    "goto f39",
    "conn 1",
    "goto f200",
    "goto f201",
  ]);
  assert.match(
    answer(a, "goto f200"),
    /SMB1 TRANSACTION request\n(?:.*\n)*? {2}↳ rpc \d+ \(request\): RPC \\pipe\\srvsvc srvsvc\.NetrServerGetInfo → ERROR_SUCCESS/,
  );
  assert.match(
    answer(a, "goto f201"),
    /SMB1 TRANSACTION response\n(?:.*\n)*? {2}↳ rpc \d+ \(response\): RPC \\pipe\\srvsvc srvsvc\.NetrServerGetInfo/,
  );
  assert.match(
    answer(a, "goto f36"),
    /SMB1 WRITE_ANDX request\n(?:.*\n)*? {2}↳ rpc \d+ \(request\): RPC \\pipe\\svcctl svcctl\.ROpenSCManagerW → ERROR_ACCESS_DENIED/,
  );
  assert.match(
    answer(a, "goto f39"),
    /SMB1 READ_ANDX response\n(?:.*\n)*? {2}↳ rpc \d+ \(response\): RPC \\pipe\\svcctl svcctl\.ROpenSCManagerW/,
  );
});

Deno.test("repl rpc: over TCP, rpc lists the open connection's calls only", async () => {
  const a = await repl(fixture("dcerpc/rpc_tcp.pcap"), ["conn 0", "rpc", "rpc 2"]);
  // tshark: the endpoint mapper on port 135: Bind (frame 4), then ept_lookup (frame 8) and two
  // ept_map calls; the lookup's answer comes in two fragments.
  assert.match(
    answer(a, "conn 0"),
    /^connection #0 has no SMB messages; it has 4 DCE\/RPC calls and binds: see rpc$/m,
  );
  const list = answer(a, "rpc").split("\n");
  assert.equal(list.length, 5);
  assert.match(list[0]!, /^ {3}1 {2}#0 f4 RPC bind tcp epm v3\.0 \(ndr\) → ack$/);
  assert.match(list[1]!, /^ {3}2 {2}#0 f8 RPC tcp epm\.ept_lookup → /);
  for (const line of list.slice(0, 4)) assert.match(line, /^ +\d+ {2}#0 /);
  const lookup = answer(a, "rpc 2");
  assert.match(lookup, /^rpc 2 of \d+ {2}#0 {2}epm\.ept_lookup {2}over TCP$/m);
  assert.match(lookup, /^ {2}endpoints: +10\.77\.0\.2:\d+ → 10\.77\.0\.1:135$/m);
  assert.match(lookup, /^ {2}frames: +request 8; answer [\d, ]*12, 14$/m);
  assert.match(lookup, /response \d+ in 2 fragments/);
});

/** A hostile capture's strings: an RPC call whose arguments, pipe and user hold escapes. */
function hostileModel(): CaptureModel {
  const evidence = { frames: [5], ts: 100, connection: 1 };
  const model = new CaptureModel();
  const smb = {
    type: "smb",
    version: 2,
    command: "WRITE",
    response: false,
    messageId: "9",
    sessionId: "1",
    fields: {},
    header: {},
    evidence: { ...evidence, streamOffset: 0, fromClient: true },
  } as unknown as SmbEvent;
  const rpc: RpcEvent = {
    type: "rpc",
    action: "call",
    transport: "smb2",
    client: { ip: "10.0.0.2", port: 50000 },
    server: { ip: "10.0.0.1", port: 445 },
    callId: 1,
    outcome: "response",
    pipe: "svc\x1b]0;pwned\x07",
    user: "EVIL\\\x1b[31mroot",
    interfaceName: "svcctl",
    operation: "RCreateServiceW",
    opnum: 12,
    arguments: { binaryPathName: "C:\\x.exe\x1b[2J", nested: { list: ["\u202eexe.txt"] } },
    argumentsNote: "note \x1b[H",
    request: { frames: [5], ts: 100 },
    evidence: { frames: [5, 6], ts: 100, connection: 1 },
  };
  model.add([smb, rpc] as DecodeEvent[]);
  return model;
}

Deno.test("rpc views escape the capture's control characters", () => {
  const model = hostileModel();
  const smb = {
    command: "WRITE",
    evidence: { frames: [5], ts: 100, connection: 1, streamOffset: 0, fromClient: true },
  } as unknown as SmbEvent;
  const text = [
    ...rpcListLines(model),
    ...rpcDetailLines(model, 1, 0),
    ...rpcNestedLines(model, smb),
  ].join("\n");
  // deno-lint-ignore no-control-regex -- looking for raw control characters is the point
  assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  assert.ok(text.includes(String.raw`binaryPathName: "C:\x.exe\x1b[2J"`), text);
  assert.ok(text.includes(String.raw`["\u202eexe.txt"]`), text);
  assert.ok(text.includes(String.raw`pipe:        svc\x1b]0;pwned\x07`), text);
  assert.ok(text.includes(String.raw`note:        note \x1b[H`), text);
  assert.ok(text.includes(String.raw`user=EVIL\\x1b[31mroot`), text);
  // The message carried the request; its answer frame (6) is the server's.
  assert.equal(rpcNestedLines(model, smb).length, 1);
  const reply = { ...smb, evidence: { ...smb.evidence, frames: [6], fromClient: false } };
  assert.match(rpcNestedLines(model, reply as SmbEvent)[0]!, /^ {2}↳ rpc 1 \(response\): /);
  const other = { ...smb, command: "CREATE" };
  assert.deepEqual(rpcNestedLines(model, other as SmbEvent), []);
});

Deno.test({
  name: "repl on a terminal: key d lists the connection's RPC calls, Enter shows one",
  ignore: !hasTmux,
  fn: async () => {
    const t = new Terminal();
    try {
      t.start(fixture("dcerpc/rpc_smb2.pcap"), 140);
      const overview = await t.waitFor("status:        decoded", "❯ #0 tcp");
      assert.match(overview, /^RPC: +\d+ calls \(\d+ failed\), \d+ binds; svcctl, /m);
      assert.match(overview, /\[rpc\] DCE\/RPC calls and binds/);
      t.keys("Enter");
      await t.waitFor("message 1 of ");
      // Go to the WRITE of frame 25 (tshark): it carried rpc 2, ROpenSCManagerW.
      t.keys("g");
      await t.waitFor("Go to");
      t.keys("f25", "Enter");
      await t.waitFor(
        "SMB2 WRITE request",
        "↳ rpc 2 (request): RPC \\pipe\\svcctl svcctl.ROpenSCManagerW",
      );
      // d opens the list on the call this message carried; Enter shows it.
      t.keys("d");
      await t.waitFor("DCE/RPC of #0", "❯    2  #0 f25 RPC \\pipe\\svcctl svcctl.ROpenSCManagerW");
      t.keys("Enter");
      const detail = await t.waitFor("rpc 2 of ", "frames:      request 25; answer 28");
      assert.match(detail, /status: +ERROR_ACCESS_DENIED \(0x00000005\), failed/);
      assert.match(detail, /machineName: "FIXTURESRV"/);
      // Any key leaves the detail for the list; Esc leaves the list for the message.
      t.keys("Escape");
      await t.waitFor("DCE/RPC of #0");
      t.keys("Down", "Enter");
      await t.waitFor("rpc 3 of ", "frames:      request 29; answer 32");
      t.keys("Escape");
      await t.waitFor("DCE/RPC of #0");
      t.keys("Escape");
      await t.waitFor("SMB2 WRITE request", "d rpc");
      t.keys("q");
      await t.waitFor("REPL-EXIT 0");
    } finally {
      t.close();
    }
  },
});
