/**
 * The CLI's detection flags: `--list-rules` (text and JSON), `--rules`, `--disable-rules`,
 * `--threshold`, `--no-alerts`, usage errors naming a bad id, and the `!! ALERT` lines (plain in
 * a pipe, coloured on a terminal unless NO_COLOR). Facts from fixtures/detect/auth (see its
 * README) and tshark:
 *
 *     tshark -r fixtures/detect/auth/ntlmv1.pcap -Y "smb.cmd==0x73 || smb2.cmd==1"
 *       frames 10 (SMB2, WORKGROUP\alice), 46 (bob), 72 (carol), 84 (dave): Session Setup
 *       requests, one TCP connection each, all answered STATUS_SUCCESS
 *     tshark -r fixtures/detect/auth/bruteforce.pcap -Y "smb2.cmd==1 && smb2.flags.response==1"
 *       12 answers STATUS_LOGON_FAILURE (0xc000006d) for heidi, then one STATUS_SUCCESS
 *     tshark -r fixtures/dcerpc/rpc_smb2.pcap -V
 *       frame 87: srvsvc NetPathCanonicalize (opnum 31), Path \smbscope\..\..\fixture;
 *       frame 274: spoolss AddPrinterDriverEx (opnum 89), driver "smbscope-driver", data file
 *       \\10.77.0.2\share\smbscope.dll (read in -x)
 */
import * as assert from "node:assert/strict";
import { RULES } from "../../mod.ts";
import { parseRuleIds, parseThreshold, RuleChoiceError } from "../../cli/rules.ts";
import { emphasise, emphasiseSummary } from "../../cli/emphasis.ts";
import { CLI as cli, type CliRun, fixturePath, installed, runCli } from "../_support/cli.ts";

const auth = (name: string) => fixturePath(`detect/auth/${name}`);

/** The CLI with read permission only; NO_COLOR unless `env` says otherwise. */
const run = (args: string[], env?: Record<string, string>): Promise<CliRun> =>
  runCli(args, { permissions: ["-R"], ...(env !== undefined ? { env } : {}) });

const alertLines = (stdout: string) => stdout.split("\n").filter((l) => l.startsWith("!! ALERT"));

interface Doc {
  alerts: { rule: string; user?: string; evidence: { frames: number[] } }[];
  summary: { alerts: { count: number; byRule: Record<string, number> } };
}

async function json(args: string[]): Promise<Doc> {
  const r = await run(["decode", ...args, "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

Deno.test("cli decode --list-rules lists each rule with severity, technique, title and thresholds", async () => {
  const r = await run(["decode", "--list-rules"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  for (const rule of RULES) {
    const line = lines.find((l) => l.startsWith(`${rule.id} `));
    assert.ok(line, `no line for ${rule.id}`);
    const [id, severity, technique, ...title] = line.trim().split(/\s{2,}/);
    assert.deepEqual([id, severity, technique, title.join("  ")], [
      rule.id,
      rule.severity,
      rule.technique,
      rule.title,
    ]);
    for (const [name, o] of Object.entries(rule.options ?? {})) {
      assert.ok(
        lines.some((l) => l.includes(`threshold ${rule.id}.${name}=${o.default}  (`)),
        `no threshold line for ${rule.id}.${name}`,
      );
    }
  }
  // The spray rule as its file declares it: high, T1110.003, 5 users in 300 s.
  assert.match(r.stdout, /^password-spray +high +T1110\.003 +Password spray/m);
  assert.match(r.stdout, /threshold password-spray\.users=5 +\(distinct users refused/);
  assert.match(r.stdout, /threshold password-spray\.windowSeconds=300 /);
  assert.match(r.stdout, new RegExp(`^${RULES.length} rules\\. `, "m"));
});

Deno.test("cli decode --list-rules --format json is an array of the rules with their thresholds", async () => {
  const r = await run(["decode", "--list-rules", "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as {
    id: string;
    severity: string;
    technique: string;
    title: string;
    thresholds: { key: string; option: string; default: number; description: string }[];
  }[];
  assert.deepEqual(list.map((x) => x.id), RULES.map((x) => x.id));
  const brute = list.find((x) => x.id === "password-brute-force")!;
  assert.equal(brute.severity, "medium");
  assert.equal(brute.technique, "T1110.001");
  assert.deepEqual(brute.thresholds.map((t) => [t.key, t.option, t.default]), [
    ["password-brute-force.attempts", "attempts", 10],
    ["password-brute-force.windowSeconds", "windowSeconds", 300],
  ]);
  const ntlm = list.find((x) => x.id === "ntlmv1")!;
  assert.deepEqual(ntlm.thresholds, []);
});

Deno.test("cli decode --list-rules refuses a capture and formats other than text and json", async () => {
  const withCapture = await run(["decode", "--list-rules", auth("ntlmv1.pcap")]);
  assert.equal(withCapture.code, 2);
  assert.match(withCapture.stderr, /--list-rules takes no capture/);
  const ndjson = await run(["decode", "--list-rules", "--format", "ndjson"]);
  assert.equal(ndjson.code, 2);
  assert.match(ndjson.stderr, /--list-rules writes text or json, not ndjson/);
});

Deno.test("cli decode prints the four ntlmv1 alerts of ntlmv1.pcap at tshark's frames, plain in a pipe", async () => {
  const r = await run(["decode", auth("ntlmv1.pcap")], {});
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes("\x1b"), "no escape sequences when stdout is a pipe");
  const alerts = alertLines(r.stdout);
  assert.deepEqual(alerts.map((l) => /^!! ALERT (\w+) (\S+) #(\d+) f(\d+): /.exec(l)!.slice(1)), [
    ["MEDIUM", "ntlmv1", "0", "10"],
    ["MEDIUM", "ntlmv1", "1", "46"],
    ["MEDIUM", "ntlmv1", "2", "72"],
    ["MEDIUM", "ntlmv1", "3", "84"],
  ]);
  assert.match(
    alerts[0]!,
    /NTLMv1 login as WORKGROUP\\alice .* over smb2 .*user=WORKGROUP\\alice$/,
  );
  assert.match(alerts[2]!, /LM-only login \(no NT response\) as WORKGROUP\\carol .* over smb1/);
  assert.match(alerts[3]!, /clear-text password login as WORKGROUP\\dave/);
  assert.match(r.stdout, /^ALERTS: 4 \(ntlmv1 ×4\)$/m);
});

Deno.test("cli decode --rules, --disable-rules and --no-alerts choose which rules run", async () => {
  const only = await json([auth("ntlmv1.pcap"), "--rules", "ntlmv1"]);
  assert.deepEqual(only.alerts.map((a) => [a.rule, a.user, a.evidence.frames[0]]), [
    ["ntlmv1", "WORKGROUP\\alice", 10],
    ["ntlmv1", "WORKGROUP\\bob", 46],
    ["ntlmv1", "WORKGROUP\\carol", 72],
    ["ntlmv1", "WORKGROUP\\dave", 84],
  ]);
  assert.deepEqual(only.summary.alerts, { count: 4, byRule: { ntlmv1: 4 } });

  const others = await json([
    auth("ntlmv1.pcap"),
    "--rules",
    "password-spray,anonymous-enumeration",
  ]);
  assert.deepEqual(others.alerts, []);
  assert.equal(others.summary.alerts.count, 0);

  const disabled = await json([auth("ntlmv1.pcap"), "--disable-rules", "ntlmv1"]);
  assert.deepEqual(disabled.alerts, []);

  const none = await json([auth("ntlmv1.pcap"), "--no-alerts"]);
  assert.deepEqual(none.alerts, []);
  assert.deepEqual(none.summary.alerts, { count: 0, byRule: {} });

  const text = await run(["decode", auth("ntlmv1.pcap"), "--no-alerts"]);
  assert.equal(text.code, 0, text.stderr);
  assert.deepEqual(alertLines(text.stdout), []);
  assert.doesNotMatch(text.stdout, /^ALERTS:/m);
});

Deno.test("cli decode on rpc_smb2.pcap: ms08-067 at frame 87 and printnightmare at 274, each by id", async () => {
  const capture = fixturePath("dcerpc/rpc_smb2.pcap");
  const head = (l: string) => /^!! ALERT (\w+) (\S+) #(\d+) f(\d+): /.exec(l)!.slice(1);
  const both = await run(["decode", "-t", "alert", capture]);
  assert.deepEqual(alertLines(both.stdout).map(head), [
    ["CRITICAL", "ms08-067", "0", "87"],
    ["CRITICAL", "printnightmare", "0", "274"],
  ]);
  const ms08 = await run(["decode", "-t", "alert", "--disable-rules", "printnightmare", capture]);
  const [line] = alertLines(ms08.stdout);
  assert.equal(alertLines(ms08.stdout).length, 1);
  assert.match(line!, /NetprPathCanonicalize .* pathName "\\smbscope\\\.\.\\\.\.\\fixture" climbs/);
  assert.match(line!, /user=WORKGROUP\\alice$/);
  const spool = await run(["decode", "-t", "alert", "--rules", "printnightmare", capture]);
  assert.deepEqual(alertLines(spool.stdout).map(head), [[
    "CRITICAL",
    "printnightmare",
    "0",
    "274",
  ]]);
  assert.match(spool.stdout, /driver "smbscope-driver" .*\\\\10\.77\.0\.2\\share\\smbscope\.dll/);
});

Deno.test("cli decode --threshold moves a rule's threshold (bruteforce.pcap: 12 refusals)", async () => {
  const at12 = await json([
    auth("bruteforce.pcap"),
    "--rules",
    "password-brute-force",
    "--threshold",
    "password-brute-force.attempts=12",
  ]);
  assert.deepEqual(at12.alerts.map((a) => [a.rule, a.user]), [
    ["password-brute-force", "WORKGROUP\\heidi"],
  ]);
  const at13 = await json([
    auth("bruteforce.pcap"),
    "--threshold",
    "password-brute-force.attempts=13",
    "--threshold",
    "password-spray.users=2",
  ]);
  assert.deepEqual(at13.alerts.map((a) => a.rule), []);
});

Deno.test("cli decode: an unknown rule id or threshold is a usage error naming it (exit 2)", async () => {
  const cases: [string[], RegExp][] = [
    [["--rules", "ntlmv1,ms99-999"], /unknown rule "ms99-999" in --rules \(known: [^)]*\bntlmv1\b/],
    [["--disable-rules", "nope,nada"], /unknown rules "nope", "nada" in --disable-rules/],
    [["--rules", ","], /--rules names no rule/],
    [["--threshold", "ntlmv1.calls=3"], /rule ntlmv1 has no threshold "calls" .*it has none/],
    [["--threshold", "nope.calls=3"], /unknown rule "nope" in --threshold "nope.calls=3"/],
    [
      ["--threshold", "password-spray.users=-1"],
      /--threshold "password-spray.users=-1": password-spray.users must be a non-negative number/,
    ],
    [["--threshold", "password-spray.users"], /is not RULE\.OPTION=N/],
    [["--no-alerts", "--rules", "ntlmv1"], /--no-alerts runs no rules/],
  ];
  for (const [args, message] of cases) {
    const r = await run(["decode", auth("ntlmv1.pcap"), ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr.split("\n")[0]!, message);
  }
  // Only the unknown one is named.
  const r = await run(["decode", auth("ntlmv1.pcap"), "--rules", "ntlmv1,ms99-999"]);
  assert.doesNotMatch(r.stderr.split("\n")[0]!, /unknown rules? "ntlmv1"/);
});

Deno.test("cli decode --help lists alert among the event types and the detection flags", async () => {
  const r = await run(["decode", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /rpc,alert,anomaly,summary/);
  for (const flag of ["--list-rules", "--rules", "--disable-rules", "--threshold", "--no-alerts"]) {
    assert.ok(r.stdout.includes(flag), flag);
  }
  const types = await run(["decode", auth("ntlmv1.pcap"), "-t", "alert"]);
  assert.equal(types.code, 0, types.stderr);
  assert.equal(types.stdout.split("\n").filter(Boolean).length, 4);
});

/** Run the CLI in a pseudo-terminal (util-linux `script`), so stdout is a TTY. */
async function runInTerminal(args: string[], env: Record<string, string>): Promise<string> {
  const command = [Deno.execPath(), "run", "-q", "-R", cli, ...args].map((a) => `'${a}'`).join(" ");
  const out = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1", ...env },
    clearEnv: true,
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

const hasScript = installed("script");

Deno.test({
  name: "cli decode on a terminal: alert lines and ALERTS: in bold colour, none with NO_COLOR",
  ignore: !hasScript,
  fn: async () => {
    const path = Deno.env.get("PATH") ?? "/usr/bin:/bin";
    const coloured = await runInTerminal(["decode", "-q", auth("ntlmv1.pcap")], { PATH: path });
    const lines = coloured.split(/\r?\n/);
    const alerts = lines.filter((l) => l.includes("!! ALERT"));
    assert.equal(alerts.length, 4);
    for (const l of alerts) {
      assert.ok(l.startsWith("\x1b[1;33m!! ALERT MEDIUM ntlmv1 ") && l.endsWith("\x1b[0m"), l);
    }
    assert.ok(lines.some((l) => l === "\x1b[1;31mALERTS: 4 (ntlmv1 ×4)\x1b[0m"));
    // Other lines stay plain.
    assert.ok(lines.filter((l) => l.includes("SESSION_SETUP")).every((l) => !l.includes("\x1b")));

    const plain = await runInTerminal(["decode", "-q", auth("ntlmv1.pcap")], {
      PATH: path,
      NO_COLOR: "1",
    });
    assert.ok(!plain.includes("\x1b["), "NO_COLOR leaves the output plain");
    assert.equal(plain.split(/\r?\n/).filter((l) => l.startsWith("!! ALERT")).length, 4);
  },
});

Deno.test("emphasise colours by severity; emphasiseSummary only the ALERTS: line", () => {
  assert.equal(emphasise("x", "critical"), "\x1b[1;31mx\x1b[0m");
  assert.equal(emphasise("x", "high"), "\x1b[1;31mx\x1b[0m");
  assert.equal(emphasise("x", "medium"), "\x1b[1;33mx\x1b[0m");
  assert.equal(emphasise("x", "low"), "\x1b[1mx\x1b[0m");
  assert.equal(
    emphasiseSummary("capture: pcap\nALERTS: 1 (a ×1)\nanomalies: 0"),
    "capture: pcap\n\x1b[1;31mALERTS: 1 (a ×1)\x1b[0m\nanomalies: 0",
  );
});

Deno.test("parseRuleIds and parseThreshold name every unknown id and read both separators", () => {
  assert.deepEqual(parseRuleIds(" ntlmv1 , ntlmv1,password-spray", "--rules"), [
    "ntlmv1",
    "password-spray",
  ]);
  assert.throws(() => parseRuleIds("a,ntlmv1,b", "rules="), (e) => {
    assert.ok(e instanceof RuleChoiceError);
    assert.equal(e.about, "rules");
    assert.match(e.message, /^unknown rules "a", "b" in rules= \(known: /);
    return true;
  });
  assert.deepEqual(parseThreshold("password-spray.users:7", "threshold="), [
    "password-spray.users",
    7,
  ]);
  assert.deepEqual(parseThreshold("password-spray.windowSeconds=0.5", "--threshold"), [
    "password-spray.windowSeconds",
    0.5,
  ]);
  assert.throws(() => parseThreshold("password-spray.users=ten", "--threshold"), RuleChoiceError);
});
