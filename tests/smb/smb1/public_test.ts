/**
 * The SMB1 parser on the public corpus (../shared/pcaps/public, read in place;
 * every test here is skipped when the corpus is absent): agreement with
 * tshark (literals in _public_tshark.ts), Zeek's own expectations for its
 * SMB1 test traces, and fuzzed captures that must not make it throw.
 */
import * as assert from "node:assert/strict";
import { parseSmb1 } from "../../../lib/smb/smb1/parse.ts";
import { MAX_ANDX_DEPTH } from "../../../lib/smb/smb1/andx.ts";
import type { Smb1Message } from "../../../lib/smb/smb1/types.ts";
import { parseAll, type Parsed, readPublic, smb1Messages, tcpStreams } from "./_capture.ts";
import { assertMatchesTshark } from "./_tshark.ts";
import { TSHARK_PUBLIC } from "./_public_tshark.ts";

const present = readPublic("CATALOG.md") !== undefined;

function parsedPublic(path: string): Parsed[] {
  return parseAll(smb1Messages(readPublic(path)!));
}

/** Columns where we read the wire differently from tshark, by capture. */
const IGNORED: Record<string, string[]> = {
  // A LAN Manager NEGOTIATE response (scapy-made): its PrimaryDomain is OEM
  // text ("WORKGROUP") under FLAGS2_UNICODE; tshark and Zeek read it as
  // UTF-16, we read the LAN Manager layout's OEM string.
  "zeek/cifs_negotiate_lanman.pcap": ["smb.primary_domain"],
};

for (const [path, table] of Object.entries(TSHARK_PUBLIC)) {
  Deno.test({
    name: `parseSmb1 agrees with tshark on public ${path}`,
    ignore: !present,
    fn: () => {
      const parsed = parsedPublic(path);
      assert.ok(assertMatchesTshark(parsed, table, IGNORED[path]) >= parsed.length);
    },
  });
}

const first = (p: Parsed[], frame: number) => p.find((m) => m.frame === frame)!.message;

Deno.test({
  name:
    "parseSmb1 reads the LAN Manager NEGOTIATE response of zeek/cifs_negotiate_lanman.pcap as Zeek does",
  ignore: !present,
  fn: () => {
    // Zeek's baseline (smb1-negotiate-lanman/out): dialect_index=3, max_buffer_size=4356,
    // max_mpx_count=32, max_number_vcs=1, encryption_key \x11"3DUfw\x88, server time 2025-09-26-05:01:38.
    const f = first(parsedPublic("zeek/cifs_negotiate_lanman.pcap"), 6).commands[0]!.fields;
    assert.deepEqual(
      [
        f.dialectIndex,
        f.dialect,
        f.maxBufferSize,
        f.maxMpxCount,
        f.maxNumberVcs,
        f.challenge,
        f.systemTime,
      ],
      [3, "LANMAN2.1", 4356, 32, 1, "1122334455667788", "2025-09-26T05:01:38.000Z"],
    );
  },
});

Deno.test({
  name: "parseSmb1 flags the non-advancing and the over-long LOGOFF_ANDX chains of Zeek's traces",
  ignore: !present,
  fn: () => {
    // Zeek: smb_andx_offset_not_advancing; smb_andx_depth_exceeded.
    const still = parsedPublic("zeek/smb1-logoff-andx-no-advance.pcap")[0]!.message;
    assert.deepEqual([still.commands.length, still.problems.map((p) => p.kind)], [1, ["loop"]]);
    const long = parsedPublic("zeek/smb1-logoff-andx-advance.pcap")[0]!.message;
    assert.equal(long.commands.length, MAX_ANDX_DEPTH);
    assert.deepEqual(long.problems.map((p) => p.kind), ["limit"]);
  },
});

Deno.test({
  name: "parseSmb1 reads Zeek's TRANSACTION traces, whose WordCount disagrees with SetupCount",
  ignore: !present,
  fn: () => {
    // tshark (frame 14): Trans Request, WordCount 14, Setup Count 2, Byte Count 38, \\PIPE\lsarpc.
    const request = first(parsedPublic("zeek/smb1_transaction_request.pcap"), 14);
    const f = request.commands[0]!.fields;
    assert.deepEqual([f.transName, f.parameterCount, f.dataCount], ["\\\\PIPE\\lsarpc", 11, 9]);
    assert.equal(request.commands[0]!.byteCount, 38);
    assert.deepEqual(request.problems.map((p) => p.kind), ["malformed"]);
    // The secondary request's displacements run past the totals: reported, still located.
    const secondary = first(parsedPublic("zeek/smb1_transaction_secondary_request.pcap"), 15);
    assert.equal(secondary.commands[0]!.name, "TRANSACTION_SECONDARY");
    assert.deepEqual(secondary.problems.map((p) => p.kind), ["malformed", "malformed"]);
    const t2 = first(parsedPublic("zeek/smb1_transaction2_secondary_request.pcap"), 16);
    assert.equal(t2.commands[0]!.name, "TRANSACTION2_SECONDARY");
    assert.equal(t2.commands[0]!.fields.fid, 0xffff);
  },
});

Deno.test({
  name:
    "parseSmb1 locates the EICAR string behind WRITE_ANDX padding in smb1_eicar_andx_write_padding2.pcap",
  ignore: !present,
  fn: () => {
    const writes = parsedPublic("suricata-verify/smb1_eicar_andx_write_padding2.pcap").filter((p) =>
      p.message.commands[0]?.name === "WRITE_ANDX" && !p.message.header.response
    );
    assert.equal(writes.length, 1);
    const cmd = writes[0]!.message.commands[0]!;
    const data = writes[0]!.bytes.subarray(cmd.data!.offset, cmd.data!.offset + cmd.data!.length);
    assert.match(
      new TextDecoder().decode(data),
      /^X5O!P%@AP\[4\\PZX54\(P\^\)7CC\)7\}\$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!\$H\+H\*/,
    );
  },
});

Deno.test({
  name: "parseSmb1 reads EternalRomance's transactions and its 50-word NT_CREATE_ANDX responses",
  ignore: !present,
  fn: () => {
    const parsed = parsedPublic("zeek-eternalsafety/eternalromance-success-2008r2.pcap");
    const kinds = new Set(parsed.flatMap((p) => p.message.problems.map((x) => x.kind)));
    assert.deepEqual([...kinds], ["malformed"]); // secondaries whose displacements exceed the totals
    const create = parsed.find((p) =>
      p.message.header.response && p.message.commands[0]?.wordCount === 42
    )!;
    // tshark: Maximal Access Rights 0x00120089, Byte Count 0.
    assert.equal(create.message.commands[0]!.fields.maximalAccess, 0x120089);
    assert.equal(create.message.commands[0]!.byteCount, 0);
  },
});

/** Parses every 0xFF 'SMB' in every stream, to the NBSS length before it and to the stream's end. */
function scan(path: string): { messages: number; problems: number } {
  let messages = 0, problems = 0;
  const requests: Smb1Message[] = [];
  for (const { bytes } of tcpStreams(readPublic(path)!)) {
    for (let i = 0; i + 4 <= bytes.length; i++) {
      if (
        bytes[i] !== 0xff || bytes[i + 1] !== 0x53 || bytes[i + 2] !== 0x4d || bytes[i + 3] !== 0x42
      ) continue;
      const declared = i >= 4
        ? ((bytes[i - 3]! & 1) << 16) | (bytes[i - 2]! << 8) | bytes[i - 1]!
        : 0;
      for (const end of [i + declared, bytes.length]) {
        const m = parseSmb1(bytes.subarray(i, end), requests.at(-1));
        JSON.stringify(m.commands.map((c) => c.fields));
        if (!m.header.response) requests.push(m);
        messages++;
        problems += m.problems.length;
      }
    }
  }
  return { messages, problems };
}

for (
  const path of [
    "zeek/smb1-OSS-fuzz-54883.pcap",
    "tcpdump/smb_data_print-oobr.pcapng",
    "tcpdump/smb_data_print-segv.pcap",
    "zeek/netbios-split-session-msg.pcap",
    "zeek-eternalsafety/metasploit-ms017-010-win7x64.pcap",
  ]
) {
  Deno.test({
    name: `parseSmb1 returns for every SMB1 header in fuzzed or hostile ${path}`,
    ignore: !present,
    fn: () => {
      const { messages, problems } = scan(path);
      assert.ok(messages > 0);
      if (path.includes("fuzz")) assert.ok(problems > 0);
    },
  });
}
