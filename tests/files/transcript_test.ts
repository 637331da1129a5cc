/**
 * Remote-execution transcripts. On the public corpus (skipped when absent):
 * four PsExec captures, every value checked against tshark
 * (`-T fields -e smb2.filename -e smb2.fid -e smb2.msg_id -e data.data`,
 * reads matched to their requests by MessageId). These PsExec runs are
 * version 2.x: every pipe message is a 4-byte length and AES ciphertext, so
 * the commands (`net user … /add`, mimikatz) are not on the wire in clear;
 * what is checked is the grouping, the names, the framing and the exact
 * bytes. Then synthetic facts for clear-text tools, decoding, the caps and
 * the formatter.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Decoder } from "../../mod.ts";
import type { IoEvidence, OpenFile, SmbIoFact } from "../../lib/smb/io.ts";
import { classifyPipe, type Transcript, TranscriptCollector } from "../../lib/files/transcript.ts";
import { formatTranscript } from "../../lib/output/transcript_text.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";
import { utf16 } from "../_support/bytes.ts";

const present = corpusPresent;
if (!present) {
  console.log(`transcript_test: corpus ${corpus.pathname} absent, capture tests skipped`);
}

function transcripts(path: string): Transcript[] {
  const out: Transcript[] = [];
  const c = new TranscriptCollector((t) => out.push(t));
  const d = new Decoder({ consumers: [c] });
  d.push(Deno.readFileSync(new URL(path, corpus)));
  d.end();
  c.end();
  assert.equal(c.following, 0);
  assert.equal(c.bytesHeld, 0);
  return out;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function sha256(entries: Transcript["entries"]): string {
  const h = createHash("sha256");
  for (const e of entries) h.update(hexBytes(e.text));
  return h.digest("hex");
}

/** Parses PsExec 2 framing: 4-byte LE length, then that many bytes; returns the lengths. */
function records(b: Uint8Array): number[] {
  const lengths: number[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 0;
  while (i < b.length) {
    const n = v.getUint32(i, true);
    lengths.push(n);
    i += 4 + n;
  }
  assert.equal(i, b.length, "records tile the stream");
  return lengths;
}

interface Expected {
  file: string;
  service: string;
  client: { ip: string; port: number };
  connection: number;
  sessionId: string;
  stdout: number;
  stdoutSha256: string;
  stdoutFrames: number[];
  stdoutRecords: number;
  controlWriteSha256: string;
  controlReadSha256: string;
  server: string;
  openFrames: number[];
  start: number;
}

// Values from tshark on each capture (see the module comment).
const ADD_USER = {
  service: "PSEXESVC-VICTIM-PC-2412",
  client: { ip: "192.168.10.31", port: 49285 },
  sessionId: String(0x0000240004000045),
  stdout: 72,
  stdoutSha256: "9d1ea9e5695d37f5cc3a4e671f675b340635742fbd724746e7d190e5612f99fa",
  stdoutRecords: 2,
  controlWriteSha256: "c6ae028b9a0b49efeca77184798a16e29357baa7d7cb3c46f6810671f020e27e",
  controlReadSha256: "d6caa50cf33c752441c1988a0859b293087e5e6a18e9ce301cc6d8fec1bf9dc0",
  start: 1507567500.422449,
  server: "192.168.10.10",
};
const CASES: Expected[] = [
  {
    file: "401trg/20171220_smb_psexec_add_user.pcap",
    ...ADD_USER,
    connection: 17,
    stdoutFrames: [231, 233, 235, 237],
    openFrames: [179, 202, 212, 222],
  },
  {
    file: "suricata-verify/20171220_smb_psexec_add_user.pcap",
    ...ADD_USER,
    connection: 17,
    stdoutFrames: [231, 233, 235, 237],
    openFrames: [179, 202, 212, 222],
  },
  {
    // The same run, cut to the IPC$ connection.
    file: "suricata-verify/dcerpc-smb-test-01__input.pcap",
    ...ADD_USER,
    connection: 0,
    stdoutFrames: [93, 95, 97, 99],
    openFrames: [41, 64, 74, 84],
  },
  {
    file: "401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap",
    service: "PSEXESVC-VICTIM-PC-1212",
    server: "192.168.10.30",
    client: { ip: "192.168.10.31", port: 49239 },
    connection: 0,
    sessionId: String(0x0000040000000015),
    stdout: 34948,
    stdoutSha256: "da10cb0e7b8555f62984be8fbe047b65452ce777ffe14c99cdceeab5d32746e5",
    // 2538 READ responses with data (tshark), two per record.
    stdoutFrames: [149, 151, 153, 155],
    stdoutRecords: 1269,
    controlWriteSha256: "1f20feb901ded46038b46fa77bb6d6eab9323adee78c5329a2ea9b671d5ca4c9",
    controlReadSha256: "2ea2dcb7393f4736d9fb54c869da87a7220939d152d6df0b5eaf119843cd3ba2",
    openFrames: [97, 119, 129, 139],
    start: 1507565599.730519,
  },
];

for (const x of CASES) {
  Deno.test({
    name: `transcript: ${x.file}`,
    ignore: !present,
    fn() {
      const [t, ...more] = transcripts(x.file);
      assert.equal(more.length, 0, "one execution");
      assert.ok(t !== undefined);
      assert.equal(t.tool, "psexec");
      assert.equal(t.service, x.service);
      assert.deepEqual(t.pipes, [
        "PSEXESVC",
        `${x.service}-stdin`,
        `${x.service}-stdout`,
        `${x.service}-stderr`,
      ]);
      assert.deepEqual(t.client, x.client);
      assert.deepEqual(t.server, { ip: x.server, port: 445 });
      assert.equal(t.connection, x.connection);
      assert.equal(t.sessionId, x.sessionId);
      // Kerberos: the session's user is not in the SMB exchange.
      assert.equal(t.user, undefined);
      assert.equal(t.ended, "closed");
      assert.equal(t.encrypted, true);
      assert.equal(t.truncated, undefined);
      // Nothing typed on stdin, nothing on stderr: only output and the control exchange.
      assert.deepEqual(t.bytes, { stdin: 0, stdout: x.stdout, stderr: 0, control: 38140 });
      assert.deepEqual(t.encoding, { stdout: "binary", control: "binary" });
      assert.deepEqual(t.evidence.frames, x.openFrames);
      assert.equal(t.start, x.start);

      const out = t.entries.filter((e) => e.stream === "stdout");
      assert.equal(out.length, 1, "consecutive stdout reads merge");
      assert.equal(out[0]!.bytes, x.stdout);
      assert.deepEqual(out[0]!.frames.slice(0, 4), x.stdoutFrames);
      assert.equal(sha256(out), x.stdoutSha256);
      const lengths = records(hexBytes(out[0]!.text));
      assert.equal(lengths.length, x.stdoutRecords);
      assert.ok(lengths.every((n) => n > 0 && n % 16 === 0), "AES blocks");

      // Control: a 16-byte transceive each way, then the 19040-byte request
      // (after its length) and the service's replies (16 bytes, then 19040).
      const control = t.entries.filter((e) => e.stream === "control");
      assert.deepEqual(control.map((e) => [e.fromClient, e.bytes]), [
        [true, 16],
        [false, 16],
        [true, 19044],
        [false, 20],
        [false, 19044],
      ]);
      assert.ok(control[0]!.text.startsWith("c8000000"));
      assert.deepEqual(records(hexBytes(control[2]!.text)), [19040]);
      assert.equal(sha256([control[2]!]), x.controlWriteSha256);
      assert.equal(sha256([control[3]!, control[4]!]), x.controlReadSha256);
      // Capture order: the reply to the request, then output, then the last reply.
      assert.deepEqual(t.entries.map((e) => e.stream), [
        "control",
        "control",
        "control",
        "control",
        "stdout",
        "control",
      ]);
      for (let i = 1; i < t.entries.length; i++) {
        assert.ok(t.entries[i]!.ts >= t.entries[i - 1]!.ts);
      }
      assert.ok(t.start <= t.entries[0]!.ts && t.end >= t.entries.at(-1)!.ts);
      JSON.parse(JSON.stringify(t));

      const lines = formatTranscript(t);
      assert.match(lines[0]!, new RegExp(`^# psexec ${x.service}: `));
      assert.ok(lines.includes(`[${x.stdout} bytes, frame ${x.stdoutFrames[0]}]`));
    },
  });
}

// ---- synthetic facts -------------------------------------------------------

let nextId = 1;
function openFile(name: string, session = "7", server = "10.0.0.2"): OpenFile {
  return {
    id: nextId++,
    smbVersion: 2,
    connection: 1,
    client: { ip: "10.0.0.1", port: 50000 },
    server: { ip: server, port: 445 },
    sessionId: session,
    handle: "00",
    user: "LAB\\alice",
    anonymous: false,
    share: "\\\\srv\\IPC$",
    name,
    openSeen: true,
    pipe: true,
    dialect: "3.1.1",
  };
}
let frame = 1;
function ev(fromClient: boolean, ts = frame): IoEvidence {
  return { frames: [frame++], ts, connection: 1, fromClient, messageId: "1" };
}
const enc = new TextEncoder();
function write(file: OpenFile, data: Uint8Array): SmbIoFact {
  return { kind: "write", file, offset: 0, data, at: 0, total: data.length, evidence: ev(true) };
}
function read(file: OpenFile, data: Uint8Array): SmbIoFact {
  return { kind: "read", file, offset: 0, data, at: 0, total: data.length, evidence: ev(false) };
}
function open(file: OpenFile): SmbIoFact {
  return {
    kind: "open",
    file,
    createAction: "FILE_OPENED",
    deleteOnClose: false,
    size: 0,
    creationTime: null,
    lastWriteTime: null,
    directory: false,
    evidence: ev(true),
  };
}
function close(file: OpenFile): SmbIoFact {
  return { kind: "close", file, size: undefined, evidence: ev(true) };
}

Deno.test("transcript: pipe names", () => {
  assert.deepEqual(classifyPipe("\\PSEXESVC-WIN7-1234-stdin"), {
    tool: "psexec",
    stream: "stdin",
    service: "PSEXESVC-WIN7-1234",
  });
  assert.deepEqual(classifyPipe("PIPE\\psexesvc"), {
    tool: "psexec",
    stream: "control",
    service: "psexesvc",
  });
  assert.deepEqual(classifyPipe("RemCom_stdoutHOST12345"), {
    tool: "remcom",
    stream: "stdout",
    service: "RemCom_HOST12345",
  });
  assert.equal(classifyPipe("RemCom_communicaton")?.stream, "control");
  assert.deepEqual(classifyPipe("paexec-5324-HOST-stderr"), {
    tool: "paexec",
    stream: "stderr",
    service: "paexec-5324-HOST",
  });
  assert.equal(classifyPipe("csexecsvc-HOST-88-stdout")?.tool, "csexec");
  // psexec -r RENAMED: NAME-HOST-PID-stream.
  assert.equal(classifyPipe("updsvc-HOST-4242-stdout")?.service, "updsvc-HOST-4242");
  for (const other of ["srvsvc", "svcctl", "lsarpc", "PSEXESVC.exe", "x-stdout", ""]) {
    assert.equal(classifyPipe(other), undefined, other);
  }
});

Deno.test("transcript: clear-text RemCom session, UTF-8 split across pieces, control strings", () => {
  const out: Transcript[] = [];
  const c = new TranscriptCollector((t) => out.push(t));
  const ctl = openFile("RemCom_communicaton");
  const ctlMsg = new Uint8Array(64);
  ctlMsg.set(enc.encode("cmd.exe"), 0);
  ctlMsg.set(utf16("C:\\Windows"), 20);
  const [i, o, e] = ["stdin", "stdout", "stderr"].map((s) => openFile(`RemCom_${s}HOST4242`));
  c.io(open(ctl));
  c.io(write(ctl, ctlMsg));
  for (const f of [i!, o!, e!]) c.io(open(f));
  const banner = enc.encode("Microsoft Windows\r\nC:\\> é");
  c.io(read(o!, banner.subarray(0, banner.length - 1))); // é cut in two
  c.io(read(o!, banner.subarray(banner.length - 1)));
  c.io(write(i!, enc.encode("net user eve P@ss /add\r\n")));
  c.io(read(o!, enc.encode("The command completed successfully.\r\n")));
  c.io(read(e!, enc.encode("warning\x1b[31m\r\n")));
  for (const f of [ctl, i!, o!, e!]) c.io(close(f));
  assert.equal(out.length, 1);
  const t = out[0]!;
  assert.equal(t.tool, "remcom");
  assert.equal(t.service, "RemCom_HOST4242");
  assert.equal(t.user, "LAB\\alice");
  assert.equal(t.ended, "closed");
  assert.equal(t.encrypted, undefined);
  assert.deepEqual(t.encoding, {
    stdin: "utf-8",
    stdout: "utf-8",
    stderr: "utf-8",
    control: "strings",
  });
  assert.deepEqual(t.entries.map((x) => [x.stream, x.text]), [
    ["control", "cmd.exe\nC:\\Windows"],
    ["stdout", "Microsoft Windows\r\nC:\\> é"],
    ["stdin", "net user eve P@ss /add\r\n"],
    ["stdout", "The command completed successfully.\r\n"],
    ["stderr", "warning\x1b[31m\r\n"],
  ]);
  assert.equal(t.entries[1]!.frames.length, 2);
  assert.deepEqual(formatTranscript(t).slice(2), [
    "@> cmd.exe",
    "@> C:\\Windows",
    "Microsoft Windows",
    "C:\\> é",
    "> net user eve P@ss /add",
    "The command completed successfully.",
    "! warning\\x1b[31m",
  ]);
});

Deno.test("transcript: UTF-16LE output and Latin-1 fallback", () => {
  const out: Transcript[] = [];
  const c = new TranscriptCollector((t) => out.push(t));
  const files = ["stdin", "stdout", "stderr"].map((s) => openFile(`PSEXESVC-H-1-${s}`));
  for (const f of files) c.io(open(f));
  const text = utf16("Zugriff verweigert\r\n");
  c.io(read(files[1]!, text.subarray(0, 7))); // odd cut
  c.io(read(files[1]!, text.subarray(7)));
  c.io(read(files[2]!, Uint8Array.of(0x44, 0x82, 0x6e, 0x69, 0x65, 0x64))); // CP850 "Dénied"
  for (const f of files) c.io(close(f));
  const t = out[0]!;
  assert.equal(t.encoding.stdout, "utf-16le");
  assert.equal(t.encoding.stderr, "latin-1");
  assert.equal(t.entries[0]!.text, "Zugriff verweigert\r\n");
  assert.equal(t.entries[1]!.text, "D\x82nied");
  assert.deepEqual(formatTranscript(t).slice(-2), ["Zugriff verweigert", "! D\\x82nied"]);
});

Deno.test("transcript: a flood of PsExec-like pipes stays within the caps", () => {
  const out: Transcript[] = [];
  const limits = { maxGroups: 8, maxBytes: 4096, maxEntries: 50, maxTotalBytes: 16384 };
  const capped = new Set<string>();
  const c = new TranscriptCollector((t) => out.push(t), limits, (cap) => capped.add(cap));
  const chunk = new Uint8Array(1000).fill(0x41);
  let seen = 0;
  for (let n = 0; n < 2000; n++) {
    const f = openFile(`\\PSEXESVC-EVIL-${n}-stdout`, String(n % 3));
    c.io(open(f));
    for (let k = 0; k < 10; k++) c.io(read(f, chunk));
    seen += 10_000;
    assert.ok(c.following <= limits.maxGroups);
    assert.ok(c.bytesHeld <= limits.maxTotalBytes);
  }
  // Never closed: all but the last few were reported early, evicted.
  assert.equal(out.length, 2000 - limits.maxGroups);
  assert.ok(out.every((t) => t.ended === "evicted"));
  c.end();
  assert.equal(out.length, 2000);
  assert.equal(c.following, 0);
  assert.equal(c.bytesHeld, 0);
  let kept = 0, cut = 0;
  for (const t of out) {
    const k = t.entries.reduce((s, e) => s + e.bytes, 0);
    assert.ok(k <= limits.maxBytes);
    assert.equal(k + (t.truncated ?? 0), t.bytes.stdout);
    kept += k;
    cut += t.truncated ?? 0;
  }
  assert.equal(kept + cut, seen);
  // Each cap reached was told (the decoder makes them `limit` anomalies).
  assert.deepEqual([...capped].sort(), ["maxBytes", "maxGroups", "maxTotalBytes"]);

  // Alternating one-byte pieces: entries stop at the cap, the rest counted.
  const d: Transcript[] = [];
  const c2 = new TranscriptCollector((t) => d.push(t), limits);
  const [i, o] = ["stdin", "stdout"].map((s) => openFile(`PSEXESVC-H-2-${s}`));
  c2.io(open(i!));
  c2.io(open(o!));
  for (let k = 0; k < 500; k++) {
    c2.io(write(i!, Uint8Array.of(0x61)));
    c2.io(read(o!, Uint8Array.of(0x62)));
  }
  c2.end();
  assert.equal(d[0]!.entries.length, limits.maxEntries);
  assert.equal(d[0]!.truncated, 1000 - limits.maxEntries);
  assert.equal(d[0]!.ended, "capture_end");
  // Frames listed per entry are capped too.
  const e: Transcript[] = [];
  const c3 = new TranscriptCollector((t) => e.push(t));
  const big = openFile("PSEXESVC-H-3-stdout");
  c3.io(open(big));
  for (let k = 0; k < 1000; k++) c3.io(read(big, Uint8Array.of(0x63)));
  c3.end();
  assert.equal(e[0]!.entries.length, 1);
  assert.equal(e[0]!.entries[0]!.frames.length, 64);
  assert.equal(e[0]!.entries[0]!.bytes, 1000);
});

Deno.test("transcript: an execution whose connection ended with only some streams opened ends then", () => {
  const out: Transcript[] = [];
  const c = new TranscriptCollector((t) => out.push(t));
  // stdin alone, then the connection ends (no CLOSE): no other stream can come.
  const stdin = openFile("PSEXESVC-H-2-stdin");
  c.io(open(stdin));
  c.io(write(stdin, enc.encode("whoami\r\n")));
  c.io({ kind: "lost", file: stdin, reason: "connection_end" });
  assert.equal(out.length, 1);
  assert.equal(out[0]!.ended, "connection_end");
  assert.equal(c.following, 0);
  // Closed normally with streams still to come, it waits (PsExec opens them one after another).
  const first = openFile("PSEXESVC-H-3-stdin");
  c.io(open(first));
  c.io(close(first));
  assert.equal(out.length, 1);
  assert.equal(c.following, 1);
});
