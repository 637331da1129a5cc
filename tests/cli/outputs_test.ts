/**
 * `decode` outputs for pipelines and selection: `--zeek DIR` (TSV and JSON
 * lines), `--types` choosing logs, `--host`, `--port` and `--smb-only`, and
 * the messages for input that is not a capture. Values come from tshark and
 * the scripts that made the fixtures (fixtures/smb/make.sh: WORKGROUP\alice
 * from FIXTURECLIENT; fixtures/net/make.sh), not from our decoder.
 */
import * as assert from "node:assert/strict";
import { fixturePath, runCli } from "../_support/cli.ts";

const SMB1 = fixturePath("smb/smb1_session.pcap");

/** The data rows of a TSV log, split into columns by name. */
function rows(text: string): Record<string, string>[] {
  const lines = text.split("\n");
  const fields = lines.find((l) => l.startsWith("#fields\t"))!.split("\t").slice(1);
  return lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => {
    const cols = l.split("\t");
    return Object.fromEntries(fields.map((f, i) => [f, cols[i]!]));
  });
}

Deno.test("decode --zeek DIR writes Zeek's logs that have lines, with Zeek's header", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = await runCli(["decode", SMB1, "--zeek", dir, "-q", "-t", "summary"]);
    assert.equal(run.code, 0, run.stderr);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    // No DCE/RPC call and no alert in this session: no dce_rpc.log, no notice.log.
    assert.deepEqual(names, []);
    const all = await runCli(["decode", SMB1, "--zeek", dir, "-q"]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "conn.log",
      "files.log",
      "ntlm.log",
      "smb_files.log",
      "smb_mapping.log",
    ]);
    const mapping = Deno.readTextFileSync(`${dir}/smb_mapping.log`);
    assert.match(mapping, /^#separator \\x09\n#set_separator\t,\n#empty_field\t\(empty\)\n/);
    assert.match(mapping, /\n#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\n$/);
    // tshark: frames 13 and 19 answer the tree connects: Service "IPC" with an empty native
    // file system, then "A:" on NTFS.
    assert.deepEqual(
      rows(mapping).map((r) => [r.path, r.service, r.native_file_system, r.share_type]),
      [
        ["\\\\\\\\10.77.0.1\\\\IPC$", "IPC", "(empty)", "PIPE"],
        ["\\\\\\\\10.77.0.1\\\\DATA", "A:", "NTFS", "DISK"],
      ],
    );
    const [ntlm] = rows(Deno.readTextFileSync(`${dir}/ntlm.log`));
    assert.deepEqual(
      [ntlm!["id.orig_p"], ntlm!.username, ntlm!.hostname, ntlm!.domainname, ntlm!.success],
      ["47790", "alice", "FIXTURECLIENT", "WORKGROUP", "T"],
    );
    // tshark: NT_CREATE_ANDX responses in frames 25 (created, size 0) and 49 (opened for
    // the get, 20480 bytes, changed 18:56:36.7243672 UTC); the put is then deleted.
    const files = rows(Deno.readTextFileSync(`${dir}/smb_files.log`));
    assert.deepEqual(files.map((r) => [r.action, r.name, r.size]), [
      ["SMB::FILE_OPEN", "smb1_put.bin", "0"],
      ["SMB::FILE_OPEN", "smb1_put.bin", "20480"],
      ["SMB::FILE_DELETE", "smb1_put.bin", "-"],
    ]);
    assert.equal(files[1]!["times.changed"], "1795460196.724367");
    const [conn] = rows(Deno.readTextFileSync(`${dir}/conn.log`));
    assert.deepEqual(
      [conn!.proto, conn!.conn_state, conn!.orig_pkts, conn!.resp_pkts, conn!["id.resp_p"]],
      ["tcp", "SF", "45", "43", "445"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decode --zeek DIR --zeek-json writes JSON lines; --types chooses the logs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = await runCli([
      "decode",
      SMB1,
      "--zeek",
      dir,
      "--zeek-json",
      "-q",
      "-t",
      "ntlm,tree",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "ntlm.log",
      "smb_mapping.log",
    ]);
    const lines = Deno.readTextFileSync(`${dir}/smb_mapping.log`).trim().split("\n");
    const records = lines.map((l) => JSON.parse(l));
    assert.deepEqual(records.map((r) => [r.path, r.service, r.share_type]), [
      ["\\\\10.77.0.1\\IPC$", "IPC", "PIPE"],
      ["\\\\10.77.0.1\\DATA", "A:", "DISK"],
    ]);
    assert.deepEqual(Object.keys(records[1]), [
      "ts",
      "uid",
      "id.orig_h",
      "id.orig_p",
      "id.resp_h",
      "id.resp_p",
      "path",
      "service",
      "native_file_system",
      "share_type",
    ]);
    assert.equal(typeof records[0].ts, "number");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Two Ethernet pcaps of the same form as one: the second's records after the first's. */
function concatPcaps(a: Uint8Array, b: Uint8Array): Uint8Array {
  assert.deepEqual(a.subarray(0, 4), b.subarray(0, 4), "same pcap magic");
  assert.deepEqual(a.subarray(20, 24), b.subarray(20, 24), "same link type");
  const out = new Uint8Array(a.length + b.length - 24);
  out.set(a);
  out.set(b.subarray(24), a.length);
  return out;
}

Deno.test("decode --smb-only, --port and --host keep the chosen conversations only", async () => {
  const mixed = await Deno.makeTempFile({ suffix: ".pcap" });
  try {
    // fixtures/net/eth.pcap (tshark: UDP 9999 and TCP 8080, over IPv4 and IPv6), then an SMB
    // session captured 28 minutes later.
    Deno.writeFileSync(
      mixed,
      concatPcaps(Deno.readFileSync(fixturePath("net/eth.pcap")), Deno.readFileSync(SMB1)),
    );
    const ends = async (...args: string[]) => {
      const run = await runCli([
        "decode",
        mixed,
        "-f",
        "ndjson",
        "-t",
        "connection",
        "--no-open-events",
        ...args,
      ]);
      assert.equal(run.code, 0, run.stderr);
      return run.stdout.trim().split("\n").filter(Boolean).map((l) => {
        const e = JSON.parse(l);
        return `${e.client.ip}:${e.client.port}-${e.server.ip}:${e.server.port}`;
      }).sort();
    };
    assert.equal((await ends()).length, 5);
    assert.deepEqual(await ends("--smb-only"), ["10.77.0.2:47790-10.77.0.1:445"]);
    assert.deepEqual(await ends("--port", "9999"), [
      "10.0.0.1:36823-10.0.0.2:9999",
      "fd00::1:36879-fd00::2:9999",
    ]);
    assert.deepEqual(await ends("--host", "fd00::2", "--port", "8080,445"), [
      "fd00::1:54102-fd00::2:8080",
    ]);
    // Every output: the summary is kept, the text shows nothing of the dropped conversations.
    const text = await runCli(["decode", mixed, "--smb-only"]);
    assert.ok(!text.stdout.includes("10.0.0.2"), text.stdout);
    assert.match(text.stdout, /conversations: 3 TCP, 2 UDP/);
    const bad = await runCli(["decode", mixed, "--port", "http"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--port: "http" is not a port/);
  } finally {
    await Deno.remove(mixed);
  }
});

Deno.test("decode says what input that is not a capture is, once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.writeFileSync(`${dir}/notes.txt`, new TextEncoder().encode("hello, this is text\n"));
    const text = await runCli(["decode", `${dir}/notes.txt`, "-q"]);
    assert.equal(text.code, 1);
    assert.match(
      text.stderr,
      /notes\.txt: not a pcap or pcapng capture: text: "hello, this is text"/,
    );
    assert.ok(!/not a capture: not a/.test(text.stderr), text.stderr);
    // The gzip magic, then bytes that do not inflate (RFC 1952 header, garbage deflate data).
    const corrupt = new Uint8Array([
      0x1f,
      0x8b,
      8,
      0,
      0,
      0,
      0,
      0,
      0,
      3,
      0xff,
      0xff,
      0xff,
      0xff,
      1,
      2,
    ]);
    Deno.writeFileSync(`${dir}/bad.pcap.gz`, corrupt);
    const gz = await runCli(["decode", `${dir}/bad.pcap.gz`, "-q"]);
    assert.equal(gz.code, 1);
    assert.match(gz.stderr, /bad\.pcap\.gz: gzip data is corrupt/);
    assert.ok(!gz.stderr.includes("empty input"), gz.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decode -f eve writes EVE JSON lines; --types chooses the records", async () => {
  const run = await runCli(["decode", fixturePath("dcerpc/rpc_smb2.pcap"), "-f", "eve", "-q"]);
  assert.equal(run.code, 0, run.stderr);
  const records = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const types = new Set(records.map((r) => r.event_type));
  assert.deepEqual([...types].sort(), ["alert", "dcerpc", "smb"]);
  for (const r of records) {
    assert.match(r.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/);
    assert.equal(r.src_ip, "10.77.0.2");
    assert.equal(r.dest_port, 445);
  }
  // tshark: frame 87 is the NetprPathCanonicalize request (srvsvc opnum 31) whose path climbs
  // above its root: the ms08-067 alert cites it.
  const alert = records.find((r) => r.event_type === "alert" && r.pcap_cnt === 87);
  assert.equal(alert?.alert.metadata.smbscope_rule[0], "ms08-067");
  assert.equal(alert?.alert.severity, 1);
  const only = await runCli([
    "decode",
    fixturePath("dcerpc/rpc_smb2.pcap"),
    "-f",
    "eve",
    "-t",
    "alert",
  ]);
  const kinds = new Set(only.stdout.trim().split("\n").map((l) => JSON.parse(l).event_type));
  assert.deepEqual([...kinds], ["alert"]);
});
