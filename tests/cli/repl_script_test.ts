/**
 * The REPL's scriptable mode end to end: `deno run -A cli/main.ts repl <capture>` with commands
 * on a piped stdin, checked against the facts in fixtures/smb/*.expected.json (written by
 * fixtures/smb/make.sh from what it told the clients and what tshark saw).
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { answer, fixturePath as fixture, runCli, runRepl as repl } from "../_support/cli.ts";

interface Expected {
  auth: {
    user: string;
    domain: string;
    workstation: string;
    anonymous: boolean;
    expectedStatus: string;
  };
  shares: string[];
  files: { name: string; actions: string[]; sha256?: string }[];
  encryption: { expected: boolean };
  tshark: {
    frames: number;
    tcpStreams: { client: { ip: string; port: number }; server: { ip: string; port: number } }[];
  };
}

const captures = [...Deno.readDirSync(fixture("smb"))]
  .map((e) => e.name).filter((n) => n.endsWith(".pcap")).sort();

for (const name of captures) {
  Deno.test(`repl script: ${name}: summary, conns, auth and files match its expected.json`, async () => {
    const expected: Expected = JSON.parse(
      Deno.readTextFileSync(fixture(`smb/${name.replace(".pcap", ".expected.json")}`)),
    );
    const s = await repl(fixture(`smb/${name}`), ["summary", "conns", "auth", "files", "quit"]);
    assert.equal(s.code, 0, s.stderr);
    const summary = answer(s, "summary");
    assert.match(summary, new RegExp(`^packets: +${expected.tshark.frames}$`, "m"));
    assert.match(summary, /^alerts: +0/m);
    // Encrypted sessions hide their tree connects; a refused login never gets to one.
    if (!expected.encryption.expected && expected.auth.expectedStatus === "NT_STATUS_OK") {
      for (const share of expected.shares) {
        assert.ok(
          summary.toLowerCase().includes(share.toLowerCase()),
          `${share} not in\n${summary}`,
        );
      }
    }
    const who = `${expected.auth.domain}\\${expected.auth.user}`;
    if (!expected.auth.anonymous) assert.ok(summary.includes(who), summary);
    // A refused login is listed, marked; an anonymous one is never a user name.
    const refused = expected.auth.expectedStatus !== "NT_STATUS_OK";
    if (!expected.auth.anonymous) {
      assert.equal(summary.includes(`${who} (refused)`), refused, summary);
    } else assert.match(summary, /^users: +none; anonymous logins: 1$/m);
    const conns = answer(s, "conns");
    for (const t of expected.tshark.tcpStreams) {
      const pair = `${t.client.ip}:${t.client.port} → ${t.server.ip}:${t.server.port}`;
      assert.ok(conns.includes(pair), `${pair} not in\n${conns}`);
    }
    const auth = answer(s, "auth");
    if (!expected.auth.anonymous) {
      assert.ok(auth.includes(`${who} from ${expected.auth.workstation}`), auth);
    }
    const files = answer(s, "files");
    if (!expected.encryption.expected) {
      for (const f of expected.files.filter((f) => f.actions.some((a) => a !== "list"))) {
        assert.ok(files.includes(f.name), `${f.name} not in\n${files}`);
        // An uploaded file is listed complete, with the SHA-256 the fixture script recorded.
        if (f.actions.includes("write") && f.sha256 !== undefined) {
          assert.ok(files.includes(`complete  sha256=${f.sha256}`), `${f.name}: ${files}`);
        }
      }
    }
  });
}

Deno.test("repl script: every command on smb2_10.pcap", async () => {
  const s = await repl(fixture("smb/smb2_10.pcap"), [
    "help",
    "conns",
    "conn 0",
    "next 3",
    "prev",
    "next",
    "goto 5",
    "pair",
    "show",
    "hex",
    "filter status!=0",
    "list",
    "filter cmd=CREATE",
    "filter file~put",
    "filter user~alice",
    "filter share~IPC",
    "filter",
    "goto f38",
    "goto 0.05s",
    "goto 2026-11-23T18:56:54.574222Z",
    "auth",
    "files",
    "anomalies",
    "summary",
    "bogus",
    "quit",
    "summary",
  ]);
  assert.equal(s.code, 0, s.stderr);
  const help = answer(s, "help");
  for (
    const name of [
      "summary",
      "conns",
      "conn N",
      "next [K]",
      "prev [K]",
      "goto N",
      "show",
      "hex",
      "filter EXPR",
      "auth",
      "files",
      "anomalies",
      "help",
      "quit",
    ]
  ) assert.ok(help.includes(`  ${name}`), `help lacks ${name}`);
  assert.match(answer(s, "conns"), /^#0 tcp 10\.77\.0\.2:57750 → 10\.77\.0\.1:445 .*dialect=2\.1/);
  assert.match(answer(s, "conn 0"), /user=WORKGROUP\\alice +messages=80/);
  assert.match(answer(s, "conn 0"), /^message 1 of 80 +#0 +SMB2 NEGOTIATE request$/m);
  const step = answer(s, "next 3");
  assert.match(step, /^message 4 of 80 +#0 +SMB2 SESSION_SETUP response$/m);
  assert.match(step, /status: +STATUS_MORE_PROCESSING_REQUIRED \(0xc0000016\)/);
  assert.match(step, /frames: +9 +\(server → client, stream offset 206\)/);
  // The NTLM challenge, nested under fields.security, two levels deeper.
  assert.match(
    step,
    /^ {4}security:\n(?: {6}.*\n)*? {6}ntlm:\n(?: {8}.*\n)*? {8}targetName: "FIXTURESRV"/m,
  );
  assert.match(answer(s, "prev"), /^message 3 of 80 .*SESSION_SETUP request$/m);
  assert.match(answer(s, "next"), /^message 4 of 80 /m);
  assert.match(answer(s, "goto 5"), /pair: +response is message 6 \(frame 11, STATUS_SUCCESS\)/);
  const pair = answer(s, "pair");
  assert.match(pair, /^message 6 of 80 .*SESSION_SETUP response$/m);
  assert.match(pair, /user: +WORKGROUP\\alice/);
  assert.match(pair, /response: +\d+\.\d{3} ms after its request/);
  assert.match(answer(s, "show"), /^message 6 of 80 /m);
  const hex = answer(s, "hex");
  assert.match(hex, /^105 bytes \(4-byte NBSS header, then the SMB message\)$/m);
  assert.match(
    hex,
    /^00000000 {2}00 00 00 65 fe 53 4d 42 {2}40 00 01 00 00 00 00 00 {2}\|\.\.\.e\.SMB@/m,
  );
  assert.match(answer(s, "filter status!=0"), /^filter status!=0: \d+ of 5 shown$/m);
  const errors = answer(s, "list").split("\n");
  assert.equal(errors.length, 5);
  for (const line of errors) assert.match(line, /response STATUS_(?!SUCCESS)/);
  assert.match(answer(s, "filter cmd=CREATE"), /SMB2 CREATE (request|response)$/m);
  assert.match(answer(s, "filter file~put"), /^ {2}file: +smb2_10_put\.bin$/m);
  assert.match(answer(s, "filter user~alice"), /^ {2}user: +WORKGROUP\\alice$/m);
  assert.match(answer(s, "filter share~IPC"), /^ {2}share: +\\\\10\.77\.0\.1\\IPC\$$/m);
  assert.match(answer(s, "filter"), /^filter cleared$/m);
  assert.match(answer(s, "goto f38"), /frames: +38 /);
  assert.match(answer(s, "goto 0.05s"), /^message \d+ of 80 /m);
  assert.match(
    answer(s, "goto 2026-11-23T18:56:54.574222Z"),
    /^message 33 of 80 .*CREATE request$/m,
  );
  assert.match(answer(s, "auth"), /NTLM v2 WORKGROUP\\alice from FIXTURECLIENT → success/);
  const files = answer(s, "files");
  const put = "fb11ec552fb5b54fdb40939f7da4c494e0da2c890056ebd95ec8d56244e8f723"; // make.sh
  assert.match(
    files,
    new RegExp(
      String
        .raw`^ +3  #0 f39 FILE file \\\\10\.77\.0\.1\\data\\smb2_10_put\.bin \[write\]  size=40000  written=40000  complete  sha256=${put}  user=WORKGROUP\\alice  \[save\]$`,
      "m",
    ),
  );
  assert.match(files, /smb2_10_put\.bin \[rename\] → smb2_10_renamed\.bin/);
  assert.equal(answer(s, "anomalies"), "no anomalies");
  assert.match(answer(s, "summary"), /^dialects: +SMB2 2\.1$/m);
  assert.match(answer(s, "bogus"), /unknown command "bogus"/);
  // Nothing after quit is answered.
  assert.equal(s.answers.filter((a) => a.command === "summary").length, 1);
});

Deno.test("repl script: SMB1 paths and a refused login", async () => {
  const s = await repl(fixture("smb/smb1_session.pcap"), ["conn 0", "filter share~IPC", "list"]);
  assert.match(answer(s, "list"), /TREE_CONNECT_ANDX|TRANSACTION2/);
  const bad = await repl(fixture("smb/smb1_badpass.pcap"), [
    "auth",
    "conn 0",
    "filter errors",
    "list",
    "filter status~LOGON",
  ]);
  assert.match(answer(bad, "auth"), /WORKGROUP\\alice .*→ failure \(STATUS_LOGON_FAILURE\)/);
  assert.match(answer(bad, "list"), /SESSION_SETUP_ANDX response STATUS_LOGON_FAILURE/);
  assert.match(answer(bad, "filter status~LOGON"), /status: +STATUS_LOGON_FAILURE/);
});

Deno.test("repl script: file names with terminal escapes are printed escaped", async () => {
  // fixtures/hostile/make.sh: smb2_10.pcap with both file names rewritten to escape sequences.
  const s = await repl(fixture("hostile/ansi_names.pcap"), [
    "summary",
    "conns",
    "conn 0",
    "filter file~pwned",
    "show",
    "hex",
    "list",
    "filter",
    "goto 1",
    "next 70",
    "files",
    "auth",
  ]);
  assert.equal(s.code, 0, s.stderr);
  assert.ok(!s.stdout.includes("\x1b"), "a raw ESC reached the output");
  assert.ok(!s.stdout.includes("\x07"), "a raw BEL reached the output");
  assert.ok(s.stdout.includes(String.raw`\x1b]0;pwned\x07\x1b[31m`), s.stdout);
  assert.match(answer(s, "files"), /\[rename\] → \\x1b\[2J\\x1b\[Hxrenamed\.bin {2}size=40000/);
  assert.match(answer(s, "show"), /^ {2}file: +\\x1b\]0;pwned\\x07\\x1b\[31m$/m);
});

Deno.test("repl: usage errors and a missing file", async () => {
  const s = await repl(fixture("smb/nope.pcap"), []);
  assert.equal(s.code, 1);
  assert.match(s.stderr, /no such file/);
  const child = await runCli(["repl"]);
  assert.equal(child.code, 2);
  assert.match(child.stderr, /no capture given/);
});

Deno.test("repl script: save N writes a carved file, never over an existing one", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const dest = `${dir}/put.bin`;
    const s = await repl(fixture("smb/smb2_10.pcap"), [
      `save 3 ${dest}`,
      `save 3 ${dest}`,
      "save 1",
      "save 99",
      "save",
    ]);
    const put = "fb11ec552fb5b54fdb40939f7da4c494e0da2c890056ebd95ec8d56244e8f723"; // make.sh
    assert.equal(
      answer(s, `save 3 ${dest}`),
      `saved ${dest}: 40000 bytes, complete, sha256 ${put}`,
    );
    const bytes = Deno.readFileSync(dest);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), put);
    assert.match(answer(s, `save 3 ${dest}`, 1), /exists: give another path/);
    assert.equal(answer(s, "save 1"), "file 1 has no content in the capture");
    assert.equal(answer(s, "save 99"), "no file 99: see files");
    assert.equal(answer(s, "save"), "usage: save N [PATH]");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
