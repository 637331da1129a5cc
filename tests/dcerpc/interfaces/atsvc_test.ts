import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { atsvc } from "../../../lib/dcerpc/interfaces/atsvc.ts";
import stubs from "./impacket_stubs.json" with { type: "json" };
import { bytes, decode, hostile } from "./_support.ts";

// Stubs: impacket_stubs.json (make_stubs.py, impacket 0.10.0, NDR 2.0) and,
// quoted below with capture and frame, real at.exe calls (NDR64) from the
// public corpus (`tshark --disable-protocol atsvc -T fields -e dcerpc.stub_data`).
const made: Record<string, string> = stubs.atsvc;

/** 401trg/20171220_smb_at_schedule.pcap frame 9: NetrJobAdd, NDR64. */
const AT_SCHEDULE_F9 =
  "00000200000000000b0000000000000000000000000000000b000000000000005c005c0061006400" +
  "6d0069006e002d00700063000000000060b0ce020000000000000000001000000000020000000000" +
  "10000000000000000000000000000000100000000000000063003a005c006d0069006d0069006b00" +
  "610074007a002e006500780065000000";
/** The same capture, frame 11: the response. */
const AT_SCHEDULE_F11 = "0200000000000000";
/** suricata-verify/dcerpc-smb-ctxid__input.pcap frame 25: NetrJobAdd, NDR64. */
const CTXID_F25 =
  "00000200000000001100000000000000000000000000000011000000000000005c005c0031003900" +
  "32002e003100360038002e00350036002e00310030003100000000000000000060fceb0200000000" +
  "000000000010000000000200000000002d0000000000000000000000000000002d00000000000000" +
  "220063006d00640020002f0063002000770068006f0061006d0069002e0065007800650020003e00" +
  "200063003a005c00770069006e0064006f00770073005c00740065006d0070005c00610074002e00" +
  "74007800740022000000";

Deno.test("atsvc NetrJobAdd (impacket): the command, its time and days", () => {
  assert.deepEqual(decode(atsvc, 0, "request", made["NetrJobAdd.request"]!), {
    serverName: "\\\\FILESRV01",
    jobTime: 84_600_000,
    jobTimeOfDay: "23:30:00",
    daysOfMonth: 0,
    daysOfWeek: 0x1f,
    flags: 0x11,
    command: "powershell -nop -w hidden -enc SQBFAFgA",
  });
  assert.deepEqual(decode(atsvc, 0, "response", made["NetrJobAdd.response"]!), {
    jobId: 7,
    returnValue: 0,
  });
});

Deno.test("atsvc NetrJobDel, NetrJobEnum, NetrJobGetInfo (impacket)", () => {
  assert.deepEqual(decode(atsvc, 1, "request", made["NetrJobDel.request"]!), {
    serverName: null,
    minJobId: 7,
    maxJobId: 7,
  });
  assert.deepEqual(decode(atsvc, 1, "response", made["NetrJobDel.response"]!), { returnValue: 0 });
  assert.deepEqual(decode(atsvc, 2, "request", made["NetrJobEnum.request"]!), {
    serverName: "\\\\FILESRV01",
    entriesRead: 0,
    preferedMaximumLength: 0xffffffff,
    resumeHandle: null,
  });
  assert.deepEqual(decode(atsvc, 2, "response", made["NetrJobEnum.response"]!), {
    count: 2,
    jobs: [
      {
        jobId: 1,
        jobTime: 3_600_000,
        jobTimeOfDay: "01:00:00",
        daysOfMonth: 1 << 14,
        daysOfWeek: 0,
        flags: 0x10,
        command: "c:\\windows\\temp\\a.bat",
      },
      {
        jobId: 7,
        jobTime: 84_600_000,
        jobTimeOfDay: "23:30:00",
        daysOfMonth: 1 << 14,
        daysOfWeek: 0,
        flags: 0x10,
        command: "cmd /c whoami > c:\\out.txt",
      },
    ],
    totalEntries: 2,
    resumeHandle: null,
    returnValue: 0,
  });
  assert.deepEqual(decode(atsvc, 3, "request", made["NetrJobGetInfo.request"]!), {
    serverName: null,
    jobId: 1,
  });
  assert.deepEqual(decode(atsvc, 3, "response", made["NetrJobGetInfo.response"]!), {
    job: {
      jobTime: 3_600_000,
      jobTimeOfDay: "01:00:00",
      daysOfMonth: 1 << 14,
      daysOfWeek: 0,
      flags: 0x10,
      command: "c:\\windows\\temp\\a.bat",
    },
    returnValue: 0,
  });
});

// tshark -V for frame 9: "Server: \\admin-pc", "Job Time: 47100000", "Command:
// c:\mimikatz.exe". tshark 4.0 reads JobTime as 4 bytes and so shows "Flags:
// 0x00"; with the DWORD_PTR's 8 NDR64 bytes the flags byte is 0x10
// (JOB_NONINTERACTIVE, at.exe's default), and the command pointer lands on
// the same offset either way.
Deno.test("atsvc: at.exe's NetrJobAdd in 401trg/20171220_smb_at_schedule.pcap (NDR64)", () => {
  assert.deepEqual(decode(atsvc, 0, "request", AT_SCHEDULE_F9, true), {
    serverName: "\\\\admin-pc",
    jobTime: 47_100_000,
    jobTimeOfDay: "13:05:00",
    daysOfMonth: 0,
    daysOfWeek: 0,
    flags: 0x10,
    command: "c:\\mimikatz.exe",
  });
  assert.deepEqual(decode(atsvc, 0, "response", AT_SCHEDULE_F11, true), {
    jobId: 2,
    returnValue: 0,
  });
});

// tshark -V for frame 25: "Server: \\192.168.56.101", "Job Time: 49020000",
// Command "cmd /c whoami.exe > c:\windows\temp\at.txt" (with its quotes);
// frame 26: error 0x32.
Deno.test("atsvc: NetrJobAdd in suricata-verify/dcerpc-smb-ctxid__input.pcap (NDR64)", () => {
  assert.deepEqual(decode(atsvc, 0, "request", CTXID_F25, true), {
    serverName: "\\\\192.168.56.101",
    jobTime: 49_020_000,
    jobTimeOfDay: "13:37:00",
    daysOfMonth: 0,
    daysOfWeek: 0,
    flags: 0x10,
    command: '"cmd /c whoami.exe > c:\\windows\\temp\\at.txt"',
  });
  assert.deepEqual(decode(atsvc, 0, "response", "0000000032000000", true), {
    jobId: 0,
    returnValue: 0x32,
  });
});

Deno.test("atsvc: truncated stubs and 0xFFFFFFFF counts give NdrError only", () => {
  const cases: [number, "request" | "response", string, boolean][] = [
    [0, "request", made["NetrJobAdd.request"]!, false],
    [0, "request", AT_SCHEDULE_F9, true],
    [2, "request", made["NetrJobEnum.request"]!, false],
    [2, "response", made["NetrJobEnum.response"]!, false],
    [3, "response", made["NetrJobGetInfo.response"]!, false],
  ];
  for (const [op, dir, hex, ndr64] of cases) hostile(atsvc, op, dir, { hex, ndr64 });
  const huge = bytes(made["NetrJobEnum.response"]!);
  huge.set([0xff, 0xff, 0xff, 0xff], 8); // the job array's conformance
  assert.throws(() => atsvc.ops[2]!.response!(new NdrReader(huge)), NdrError);
});
