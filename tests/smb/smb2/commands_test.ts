/**
 * Each SMB2 command's body decoded from real traffic in the public corpus,
 * against tshark. Literals come from the tshark commands quoted next to them
 * (TShark 4.0.17; `T F FILTER -e …` stands for `tshark -r <corpus>/F -Y FILTER
 * -T fields -E separator=';' -E occurrence=a -E 'aggregator=|' -e frame.number
 * -e …`). CANCEL appears in no capture, so its test patches a real ECHO.
 * Skipped when the corpus is absent.
 */
import * as assert from "node:assert/strict";
import { corpusFile, fileIdAsGuid, parseCapture, type Parsed, readCapture } from "./_capture.ts";
import { parseSmb2 } from "../../../lib/smb/smb2/parse.ts";
import type { Smb2Message } from "../../../lib/smb/smb2/types.ts";

const cache = new Map<string, Parsed[]>();

/** The capture parsed, or undefined when the corpus is absent. */
async function capture(relative: string): Promise<Parsed[] | undefined> {
  const url = corpusFile(relative);
  if (url === undefined) return undefined;
  if (!cache.has(relative)) cache.set(relative, parseCapture(await readCapture(url)));
  return cache.get(relative)!;
}

function corpusTest(name: string, relative: string, fn: (p: Parsed[]) => void) {
  Deno.test({
    name,
    ignore: corpusFile(relative) === undefined,
    async fn() {
      fn((await capture(relative))!);
    },
  });
}

/** The messages in a frame, in order. */
function frame(parsed: Parsed[], n: number): Smb2Message[] {
  const p = parsed.find((p) => p.frame === n);
  assert.ok(p, `frame ${n}`);
  assert.deepEqual(p.packet.problems, [], `frame ${n}`);
  return p.packet.messages;
}

const one = (parsed: Parsed[], n: number) => frame(parsed, n)[0]!;

/** The frame's message of a command (a frame can hold a compound). */
const named = (parsed: Parsed[], n: number, name: string) =>
  frame(parsed, n).find((m) => m.name === name)!;

corpusTest(
  "NEGOTIATE: dialects, 3.1.1 contexts and the 0x02FF answer (zeek/smb3_negotiate_context.pcap)",
  "zeek/smb3_negotiate_context.pcap",
  (parsed) => {
    // T zeek/smb3_negotiate_context.pcap smb2 -e smb2.cmd -e smb2.negotiate_context.type
    //   -e smb2.negotiate_context.data_length -e smb2.negotiate_context.hash_algorithm
    //   -e smb2.negotiate_context.salt_length -e smb2.negotiate_context.cipher_id
    //   -e smb2.dialect -e smb2.client_guid -e smb2.server_guid
    // 10;0;;;;;;0x02ff;;7377656e-6f74-6172-6765-000000000000
    // 12;0;0x0001|0x0002;38|6;0x0001;32;0x0001|0x0002;0x0202|0x0210|0x0222|0x0224|0x0300|0x0302|0x0310|0x0311;d94fab16-5662-4876-8cd1-707d08e52b58;
    // 13;0;0x0001|0x0002;38|4;0x0001;32;0x0001;0x0311;;7377656e-6f74-6172-6765-000000000000
    const wildcard = one(parsed, 10).fields;
    assert.deepEqual([wildcard.dialect, wildcard.dialectRevision], ["2.???", 0x02ff]);
    assert.equal(wildcard.serverGuid, "7377656e-6f74-6172-6765-000000000000");
    const request = one(parsed, 12).fields;
    assert.deepEqual(request.dialects, [
      "2.0.2",
      "2.1",
      "2.2.2",
      "2.2.4",
      "3.0",
      "3.0.2",
      "3.1.0",
      "3.1.1",
    ]);
    assert.equal(request.clientGuid, "d94fab16-5662-4876-8cd1-707d08e52b58");
    assert.deepEqual(request.negotiateContexts, [
      {
        type: 1,
        typeName: "PREAUTH_INTEGRITY_CAPABILITIES",
        dataLength: 38,
        hashAlgorithms: [1],
        hashAlgorithmNames: ["SHA-512"],
        saltLength: 32,
        salt: (request.negotiateContexts as { salt: string }[])[0]!.salt,
      },
      {
        type: 2,
        typeName: "ENCRYPTION_CAPABILITIES",
        dataLength: 6,
        ciphers: [1, 2],
        cipherNames: ["AES-128-CCM", "AES-128-GCM"],
      },
    ]);
    const response = one(parsed, 13).fields;
    assert.equal(response.dialect, "3.1.1");
    const contexts = response.negotiateContexts as Record<string, unknown>[];
    assert.deepEqual(contexts.map((c) => [c.type, c.dataLength]), [[1, 38], [2, 4]]);
    assert.deepEqual(contexts[1]!.cipherNames, ["AES-128-CCM"]);
  },
);

corpusTest(
  "NEGOTIATE: the compression context of SMBGhost (zeek/SMBGhost.pcap)",
  "zeek/SMBGhost.pcap",
  (parsed) => {
    // T zeek/SMBGhost.pcap smb2 -e smb2.cmd -e smb2.dialect -e smb2.negotiate_context.type
    //   -e smb2.negotiate_context.comp_alg_id -e smb2.negotiate_context.comp_alg_flags
    // 4;0;0x0202|0x0210|0x0222|0x0224|0x0300|0x0302|0x0310|0x0311;0x0001|0x0003;0x0001;0x00000001
    // 5;0;0x0311;0x0001|0x0003;0x0001;0x00000000
    const request = one(parsed, 4).fields;
    const [, compression] = request.negotiateContexts as Record<string, unknown>[];
    assert.deepEqual(compression, {
      type: 3,
      typeName: "COMPRESSION_CAPABILITIES",
      dataLength: 10,
      compressionFlags: 1,
      compressionFlagNames: ["CHAINED"],
      compressionAlgorithms: [1],
      compressionAlgorithmNames: ["LZNT1"],
    });
    const response = one(parsed, 5).fields;
    const [, answer] = response.negotiateContexts as Record<string, unknown>[];
    assert.deepEqual(
      [answer!.compressionAlgorithmNames, answer!.compressionFlags],
      [["LZNT1"], 0],
    );
  },
);

corpusTest(
  "LOGOFF and IOCTL FSCTL_PIPE_TRANSCEIVE with its interim response (401trg/20171220_smb_at_schedule.pcap)",
  "401trg/20171220_smb_at_schedule.pcap",
  (parsed) => {
    // T 401trg/20171220_smb_at_schedule.pcap smb2.cmd==11 -e smb2.flags.response
    //   -e smb2.ioctl.function -e smb2.fid -e smb2.olb.offset -e smb2.olb.length
    //   -e smb2.max_ioctl_out_size -e smb2.ioctl.flags -e smb2.nt_status -e smb2.msg_id
    // 9;0;0x0011c017;0000004d-0000-0000-0500-0000ffffffff;0x00000078|0x00000078;160|0;1024;0x00000001;;14
    // 10;1;;;;;;;0x00000103;14
    // 11;1;0x0011c017;0000004d-0000-0000-0500-0000ffffffff;0x00000070|0x00000070;0|32;;;0x00000000;14
    const request = one(parsed, 9);
    assert.deepEqual(
      [request.fields.ctlCodeName, fileIdAsGuid(request.fileId!), request.fields.isFsctl],
      ["FSCTL_PIPE_TRANSCEIVE", "0000004d-0000-0000-0500-0000ffffffff", true],
    );
    assert.deepEqual(request.ioctlInput, { offset: 0x78, length: 160 });
    assert.equal(request.ioctlOutput, undefined);
    assert.equal(request.fields.maxOutputResponse, 1024);
    const interim = one(parsed, 10);
    assert.deepEqual(
      [interim.error, interim.header.async, interim.header.status],
      [true, true, 0x103],
    );
    const response = one(parsed, 11);
    assert.deepEqual([response.error, response.fields.ctlCode], [false, 0x0011c017]);
    assert.deepEqual(response.ioctlOutput, { offset: 0x70, length: 32 });
    assert.equal(response.ioctlInput, undefined);
    // T … smb2.cmd==2 -e smb2.flags.response -e smb2.msg_id -e smb2.sesid
    // 18;0;17;0x0000040000000061   19;1;17;0x0000040000000061
    for (const n of [18, 19]) {
      const logoff = one(parsed, n);
      assert.deepEqual([logoff.name, logoff.header.messageId], ["LOGOFF", "17"]);
      assert.equal(logoff.header.sessionId, String(0x0000040000000061));
      assert.deepEqual(logoff.fields, {});
    }
  },
);

corpusTest(
  "IOCTL FSCTL_PIPE_WAIT names the pipe (401trg/20171220_smb_psexec_add_user.pcap)",
  "401trg/20171220_smb_psexec_add_user.pcap",
  (parsed) => {
    // T 401trg/20171220_smb_psexec_add_user.pcap 'smb2.ioctl.function==0x00110018'
    //   -e smb2.flags.response -e smb2.fsctl.wait.name -e smb2.fsctl.wait.timeout
    // 199;0;PSEXESVC-VICTIM-PC-2412-stdin;-9223372036854775808
    // 209;0;PSEXESVC-VICTIM-PC-2412-stdout;-9223372036854775808
    assert.equal(one(parsed, 199).fields.pipeName, "PSEXESVC-VICTIM-PC-2412-stdin");
    assert.equal(one(parsed, 209).fields.pipeName, "PSEXESVC-VICTIM-PC-2412-stdout");
    assert.equal(one(parsed, 199).fields.ctlCodeName, "FSCTL_PIPE_WAIT");
  },
);

corpusTest(
  "FLUSH, ECHO, CHANGE_NOTIFY, OPLOCK_BREAK (lease), VALIDATE_NEGOTIATE_INFO and SET_INFO classes (suricata-verify/smb-length-5786__input.pcap)",
  "suricata-verify/smb-length-5786__input.pcap",
  (parsed) => {
    // T … smb2.cmd==7 -e smb2.flags.response -e smb2.fid -e smb2.msg_id
    // 151;0;000000ef-0000-0000-2300-000000000000;165   158;1;;165
    const flush = one(parsed, 151);
    assert.deepEqual(
      [flush.name, fileIdAsGuid(flush.fileId!)],
      ["FLUSH", "000000ef-0000-0000-2300-000000000000"],
    );
    assert.deepEqual([one(parsed, 158).name, one(parsed, 158).header.messageId], ["FLUSH", "165"]);
    // T … smb2.cmd==13 -e smb2.flags.response -e smb2.msg_id:  37;0;27  38;1;27
    assert.deepEqual(
      [37, 38].map((n) => [one(parsed, n).name, one(parsed, n).header.messageId]),
      [["ECHO", "27"], ["ECHO", "27"]],
    );
    // T … smb2.cmd==15 -e smb2.flags.response -e smb2.flags.async -e smb2.aid -e smb2.nt_status
    //   -e smb2.notify.flags -e smb2.notify.watch_tree -e smb2.olb.length -e smb2.fid
    // 112;0;0;;;0x0000;0;;000000e8-0000-0000-1c00-000000000000
    // 113;1;1;0x0000000000000009;0x00000103
    // 235;1;1;0x0000000000000009;0x0000010c;;;0
    const notify = one(parsed, 112);
    assert.deepEqual(
      [notify.fields.flags, fileIdAsGuid(notify.fileId!), notify.fields.completionFilter],
      [0, "000000e8-0000-0000-1c00-000000000000", 0x0d47],
    );
    const pending = one(parsed, 113);
    assert.deepEqual([pending.header.asyncId, pending.error], ["9", true]);
    const enumDir = one(parsed, 235); // STATUS_NOTIFY_ENUM_DIR comes with the real body
    assert.deepEqual([enumDir.header.asyncId, enumDir.header.status, enumDir.error], [
      "9",
      0x10c,
      false,
    ]);
    assert.equal(enumDir.fields.outputBufferLength, 0);
    // T … smb2.cmd==18 -e smb2.flags.response -e smb2.msg_id -e smb2.lease.lease_key
    //   -e smb2.lease.lease_state -e smb2.lease.lease_flags -e smb2.lease.lease_break_reason -e smb2.nt_status
    // 138;1;18446744073709551615;ea573d84-d9ec-ec4e-ae75-e1c40ce6f2a2;0x00000003|0x00000000;0x00000001;0x00000000;0x00000000
    // 142;0;159;ea573d84-d9ec-ec4e-ae75-e1c40ce6f2a2;0x00000000;0x00000000;;
    // 144;1;159;;;;;0xc0000034
    // 242;1;273;ea573d84-d9ec-ec4e-ae75-e1c40ce6f2a2;0x00000000;0x00000000;;0x00000000
    const breakNote = one(parsed, 138).fields;
    assert.deepEqual(breakNote, {
      notification: true,
      breakType: "lease",
      newEpoch: 2,
      flags: 1,
      flagNames: ["NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED"],
      leaseKey: "843d57eaecd94eecae75e1c40ce6f2a2",
      currentLeaseState: 3,
      currentLeaseStateNames: ["READ_CACHING", "HANDLE_CACHING"],
      newLeaseState: 0,
      newLeaseStateNames: ["NONE"],
      breakReason: 0,
      accessMaskHint: 0,
      shareMaskHint: 0,
    });
    assert.equal(
      fileIdAsGuid(breakNote.leaseKey as string),
      "ea573d84-d9ec-ec4e-ae75-e1c40ce6f2a2",
    );
    const ack = one(parsed, 142).fields;
    assert.deepEqual(
      [ack.breakType, ack.leaseKey, ack.leaseState, ack.flags],
      ["lease", "843d57eaecd94eecae75e1c40ce6f2a2", 0, 0],
    );
    assert.deepEqual([one(parsed, 144).error, one(parsed, 144).header.status], [true, 0xc0000034]);
    const ackResponse = one(parsed, 242).fields;
    assert.deepEqual(
      [ackResponse.notification, ackResponse.breakType, ackResponse.leaseKey],
      [false, "lease", "843d57eaecd94eecae75e1c40ce6f2a2"],
    );
    // T … 'frame.number==24 || frame.number==25' -e smb2.ioctl.function -e smb2.dialect
    // 24;0x00140204;0x0202|0x0210|0x0300|0x0302|0x0311   25;0x00140204;0x0302
    const validate = one(parsed, 24).fields;
    assert.deepEqual(
      [validate.ctlCodeName, validate.dialects],
      ["FSCTL_VALIDATE_NEGOTIATE_INFO", ["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"]],
    );
    assert.equal(one(parsed, 25).fields.dialect, "3.0.2");
    // tshark -V frames 130, 290, 364: SMB2_FILE_ENDOFFILE_INFO End Of File: 0;
    //   SMB2_FILE_BASIC_INFO Last Write: Feb  2, 2023 15:02:41 UTC, others "No time specified (0)",
    //   File Attributes: 0x00000020; SMB2_FILE_ALLOCATION_INFO Allocation Size: 4096
    assert.deepEqual(
      [one(parsed, 130).fields.infoClassName, one(parsed, 130).fields.endOfFile],
      ["FileEndOfFileInformation", "0"],
    );
    const basic = one(parsed, 290).fields;
    assert.deepEqual(
      [basic.creationTime, basic.lastAccessTime, basic.lastWriteTime, basic.changeTime],
      [null, null, "2023-02-02T15:02:41.0000000Z", null],
    );
    assert.equal(basic.fileAttributes, 0x20);
    assert.equal(one(parsed, 364).fields.allocationSize, "4096");
    // T … 'smb2.cmd==17 && smb2.flags.response==0' -e smb2.disposition.delete_on_close: 379;…;1
    const disposition = named(parsed, 379, "SET_INFO").fields;
    assert.deepEqual(
      [disposition.infoClassName, disposition.deletePending],
      ["FileDispositionInformation", true],
    );
    // tshark -V frames 29, 59: FS Attributes: 0x010400c6, FS Name: NTFS;
    //   Stream Name ::$DATA, Stream Size: 6148, then :AFP_AfpInfo:$DATA
    const fsAttributes = named(parsed, 29, "QUERY_INFO").fields;
    assert.deepEqual(
      [fsAttributes.fileSystemAttributes, fsAttributes.fileSystemName],
      [0x010400c6, "NTFS"],
    );
    assert.deepEqual(named(parsed, 59, "QUERY_INFO").fields.streams, [
      { name: "::$DATA", size: "6148" },
      { name: ":AFP_AfpInfo:$DATA", size: "60" },
    ]);
  },
);

corpusTest(
  "LOCK: a byte-range lock and unlock (zeek/smb_many_open_files_500.pcap.gz)",
  "zeek/smb_many_open_files_500.pcap.gz",
  (parsed) => {
    // T zeek/smb_many_open_files_500.pcap.gz smb2.cmd==10 -e smb2.flags.response -e smb2.msg_id
    //   -e smb2.lock_count -e smb2.file_offset -e smb2.lock_length -e smb2.lock_flags -e smb2.fid
    // 269;0;64;1;0;18446744073709551615;0x00000012;f061bb0d-0000-0000-cf48-ba4a00000000
    // 275;0;65;1;0;18446744073709551615;0x00000004;f061bb0d-0000-0000-cf48-ba4a00000000
    const lock = one(parsed, 269);
    assert.equal(fileIdAsGuid(lock.fileId!), "f061bb0d-0000-0000-cf48-ba4a00000000");
    assert.equal(lock.fields.lockCount, 1);
    assert.deepEqual(lock.fields.locks, [
      {
        offset: "0",
        length: "18446744073709551615",
        flags: 0x12,
        flagNames: ["EXCLUSIVE_LOCK", "FAIL_IMMEDIATELY"],
      },
    ]);
    const unlock = one(parsed, 275).fields.locks as Record<string, unknown>[];
    assert.deepEqual(unlock[0]!.flagNames, ["UNLOCK"]);
    assert.deepEqual([one(parsed, 270).name, one(parsed, 270).header.response], ["LOCK", true]);
  },
);

corpusTest(
  "async: STATUS_PENDING then the final response, both with the AsyncId (suricata-verify/smb2-async__input.pcap)",
  "suricata-verify/smb2-async__input.pcap",
  (parsed) => {
    // T suricata-verify/smb2-async__input.pcap smb2 -e smb2.cmd -e smb2.flags.response
    //   -e smb2.flags.async -e smb2.aid -e smb2.msg_id -e smb2.nt_status
    // 2;5;1;1;0x0000000000080031;280;0x00000103   3;5;1;1;0x0000000000080031;280;0x00000000
    for (const [n, status] of [[2, 0x103], [3, 0]]) {
      const h = one(parsed, n!).header;
      assert.deepEqual(
        [h.async, h.asyncId, h.messageId, h.status, h.treeId, h.processId],
        [true, String(0x80031), "280", status, undefined, undefined],
      );
    }
    assert.equal(one(parsed, 3).error, false);
    assert.equal(one(parsed, 3).fields.createActionName, "FILE_OPENED");
  },
);

corpusTest(
  "compound: CREATE + SET_INFO + CLOSE chained by NextCommand (zeek/smb2-multiple-pdus.pcap)",
  "zeek/smb2-multiple-pdus.pcap",
  (parsed) => {
    // T zeek/smb2-multiple-pdus.pcap smb2 -e smb2.cmd -e smb2.flags.response -e smb2.flags.chained
    //   -e smb2.chain_offset -e smb2.msg_id -e smb2.fid -e smb2.filename -e smb2.disposition.delete_on_close
    // 1;5|17|6;0|0|0;0|1|1;0x000000f8|0x00000068|0x00000000;920|921|922;ffffffff-…|ffffffff-…;testfile.txt;1
    // 2;5|17|6;1|1|1;0|1|1;0x00000108|0x00000048|0x00000000;920|921|922;645babb3-0000-0000-bd96-b75100000000
    const requests = frame(parsed, 1);
    assert.deepEqual(
      requests.map((m) => [
        m.name,
        m.header.related,
        m.header.nextCommand,
        m.header.offset,
        m.header.messageId,
      ]),
      [
        ["CREATE", false, 0xf8, 0, "920"],
        ["SET_INFO", true, 0x68, 0xf8, "921"],
        ["CLOSE", true, 0, 0x160, "922"],
      ],
    );
    assert.equal(requests[0]!.fields.fileName, "testfile.txt");
    assert.equal(requests[1]!.fileId, "ffffffffffffffffffffffffffffffff");
    assert.equal(requests[1]!.fields.deletePending, true);
    const responses = frame(parsed, 2);
    assert.deepEqual(
      responses.map((m) => [m.name, m.header.nextCommand, m.header.status]),
      [["CREATE", 0x108, 0], ["SET_INFO", 0x48, 0], ["CLOSE", 0, 0]],
    );
    assert.equal(fileIdAsGuid(responses[0]!.fileId!), "645babb3-0000-0000-bd96-b75100000000");
    assert.deepEqual(responses[0]!.fields.createContextNames, ["MxAc", "RqLs"]);
  },
);

corpusTest(
  "compound with an ERROR in the middle and a zero-byte ErrorData (zeek/smb2-zero-byte-error-ioctl.pcapng)",
  "zeek/smb2-zero-byte-error-ioctl.pcapng",
  (parsed) => {
    // T zeek/smb2-zero-byte-error-ioctl.pcapng 'smb2.cmd==11 && !(smb2.ioctl.function==0x0011c017)'
    //   -e smb2.flags.response -e smb2.ioctl.function -e smb2.nt_status -e smb2.olb.length -e smb2.msg_id
    // 179;0|0|0;0x00140078;;0|0|0|0;32|33|34
    // 180;1|1|1;;0x00000000|0xc00000e5|0x00000000;0;32|33|34
    assert.deepEqual(frame(parsed, 179).map((m) => m.name), ["CREATE", "IOCTL", "CLOSE"]);
    assert.equal(frame(parsed, 179)[1]!.fields.ctlCodeName, "FSCTL_SRV_REQUEST_RESUME_KEY");
    const responses = frame(parsed, 180);
    assert.deepEqual(
      responses.map((m) => [m.name, m.header.status, m.error]),
      [["CREATE", 0, false], ["IOCTL", 0xc00000e5, true], ["CLOSE", 0, false]],
    );
    assert.deepEqual(responses[1]!.fields, { errorContextCount: 0, byteCount: 0 });
  },
);

corpusTest(
  "QUERY_DIRECTORY FileNamesInformation and SECURITY QUERY_INFO (zeek/smb2.delete-on-close-perms-delete-existing.pcap)",
  "zeek/smb2.delete-on-close-perms-delete-existing.pcap",
  (parsed) => {
    // oracle (shared/pcaps/public/zeek/oracle/…tsv) smb2.filename for frame 46: .|..|test_create.dat
    const listing = one(parsed, 46).fields;
    assert.deepEqual(
      [listing.infoClassName, listing.names],
      ["FileNamesInformation", [".", "..", "test_create.dat"]],
    );
    const security = one(parsed, 24).fields;
    assert.deepEqual([security.infoTypeName, security.infoClassName], ["SECURITY", "NONE"]);
    assert.ok(Array.isArray(security.additionalInformationNames));
  },
);

corpusTest(
  "a fuzzed SET_INFO response is reported, not thrown (zeek/smb2_fscontrol.pcap)",
  "zeek/smb2_fscontrol.pcap",
  (parsed) => {
    // tshark -V: "Header Length: 319", "StructureSize: 0x8248", Flags 0x000000ff
    const p = parsed.find((p) => p.packet.messages.length > 0)!;
    const m = p.packet.messages[0]!;
    assert.deepEqual(
      [m.name, m.header.async, m.header.related, m.header.signed, m.header.priority],
      ["SET_INFO", true, true, true, 7],
    );
    assert.deepEqual(p.packet.problems.map((x) => x.kind), ["malformed", "malformed"]);
    assert.match(p.packet.problems[0]!.detail, /header StructureSize 319/);
    assert.match(p.packet.problems[1]!.detail, /StructureSize 33352, expected 2/);
  },
);

corpusTest(
  "CANCEL: a real ECHO request turned into CANCEL (suricata-verify/smb-length-5786__input.pcap)",
  "suricata-verify/smb-length-5786__input.pcap",
  (parsed) => {
    const echo = parsed.find((p) => p.frame === 37)!.body.slice();
    echo[12] = 0x0c; // Command: CANCEL; both bodies are StructureSize 4 + Reserved
    const packet = parseSmb2(echo);
    assert.deepEqual(packet.problems, []);
    assert.deepEqual(
      [packet.messages[0]!.name, packet.messages[0]!.fields, packet.messages[0]!.header.messageId],
      ["CANCEL", {}, "27"],
    );
    echo[16] = echo[16]! | 0x01; // a CANCEL "response" has no form
    assert.equal(parseSmb2(echo).problems[0]!.kind, "unsupported");
  },
);
