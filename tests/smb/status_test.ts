import * as assert from "node:assert/strict";
import {
  DosErrorClass,
  dosErrorClassName,
  dosErrorName,
  ErrDos,
  ErrHrd,
  ErrSrv,
  NtStatus,
  NtStatusAlias,
  ntStatusName,
  ntStatusSeverity,
  smb1StatusName,
} from "../../lib/smb/status.ts";
import { dosErrorToNtStatus } from "../../lib/smb/dos_nt_status.ts";

// Every NT status in the public corpus's tshark oracle (tshark 4.0.17), collected from the
// shared/ folder beside the repository with
//   cut -f19,35 shared/pcaps/public/*/oracle/*.tsv | tr '\t|' '\n\n' \
//     | grep -aiE '^0x[0-9a-f]+$' | tr A-F a-f | sort -u
// (columns smb.nt_status and smb2.nt_status; multi-values joined by |), less 0x41414141, which is
// "AAAA" filler in zeek/netbios-split-session-msg.pcap rather than a status.
const ORACLE_STATUSES = [
  0x00000000,
  0x00000103,
  0x0000010c,
  0x80000005,
  0x80000006,
  0xc000000d,
  0xc000000f,
  0xc0000016,
  0xc0000022,
  0xc0000034,
  0xc0000035,
  0xc000006d,
  0xc0000072,
  0xc00000b0,
  0xc00000ba,
  0xc00000c9,
  0xc00000cc,
  0xc00000e5,
  0xc0000128,
  0xc000014b,
  0xc000019c,
  0xc0000203,
  0xc0000225,
  0xc000035c,
];

const entries = Object.entries(NtStatus) as [string, number][];

Deno.test("NtStatus: values are unsigned 32-bit integers, each named once", () => {
  assert.ok(entries.length > 1800, `only ${entries.length} statuses`);
  const seen = new Map<number, string>();
  for (const [name, code] of entries) {
    assert.ok(Number.isInteger(code) && code >= 0 && code <= 0xffffffff, `${name}: ${code}`);
    assert.equal(
      seen.get(code),
      undefined,
      `0x${code.toString(16)} is ${seen.get(code)} and ${name}`,
    );
    seen.set(code, name);
  }
  assert.equal(new Set(entries.map(([n]) => n)).size, entries.length);
});

Deno.test("NtStatus: names are MS-ERREF's, STATUS_ except its DBG_ and RPC names", () => {
  // MS-ERREF 2.3.1 itself names facility 0x001 (debugger) DBG_* and facilities 0x002 (RPC
  // runtime) and 0x003 (RPC stubs) RPC_NT_*, EPT_NT_* and RPC_P_*; tshark prints them the same
  // way. All else is STATUS_*.
  for (const [name, code] of entries) {
    assert.match(name, /^[A-Z][A-Z0-9_]*[A-Z0-9]$/, name);
    const facility = (code >>> 16) & 0xfff;
    if (name.startsWith("STATUS_")) continue;
    if (name.startsWith("DBG_")) assert.equal(facility, 0x001, name);
    else if (/^(RPC_NT|EPT_NT|RPC_P)_/.test(name)) assert.ok([2, 3].includes(facility), name);
    else assert.fail(`${name} starts with neither STATUS_ nor an MS-ERREF facility prefix`);
  }
  // Everything outside facilities 1 to 3 is STATUS_.
  const others = entries.filter(([, c]) => ![1, 2, 3].includes((c >>> 16) & 0xfff));
  assert.ok(others.every(([n]) => n.startsWith("STATUS_")));
});

Deno.test("NtStatusAlias: second names of values NtStatus already names", () => {
  for (const [name, code] of Object.entries(NtStatusAlias)) {
    assert.ok(!(name in NtStatus), name);
    assert.notEqual(ntStatusName(code), `UNKNOWN_0x${code.toString(16).padStart(8, "0")}`, name);
  }
  assert.equal(ntStatusName(NtStatusAlias.STATUS_WAIT_0), "STATUS_SUCCESS");
  assert.equal(ntStatusName(NtStatusAlias.STATUS_ABANDONED_WAIT_0), "STATUS_ABANDONED");
});

Deno.test("ntStatusName: spot checks", () => {
  const cases: [number, string][] = [
    [0x00000000, "STATUS_SUCCESS"],
    [0x00000103, "STATUS_PENDING"],
    [0x0000010c, "STATUS_NOTIFY_ENUM_DIR"],
    [0x80000005, "STATUS_BUFFER_OVERFLOW"],
    [0x80000006, "STATUS_NO_MORE_FILES"],
    [0x8000001a, "STATUS_NO_MORE_ENTRIES"],
    [0xc000000d, "STATUS_INVALID_PARAMETER"],
    [0xc0000016, "STATUS_MORE_PROCESSING_REQUIRED"],
    [0xc0000022, "STATUS_ACCESS_DENIED"],
    [0xc0000033, "STATUS_OBJECT_NAME_INVALID"],
    [0xc0000034, "STATUS_OBJECT_NAME_NOT_FOUND"],
    [0xc0000035, "STATUS_OBJECT_NAME_COLLISION"],
    [0xc0000043, "STATUS_SHARING_VIOLATION"],
    [0xc0000064, "STATUS_NO_SUCH_USER"],
    [0xc000006d, "STATUS_LOGON_FAILURE"],
    [0xc00000bb, "STATUS_NOT_SUPPORTED"],
    [0xc00000cc, "STATUS_BAD_NETWORK_NAME"],
    [0xc000015b, "STATUS_LOGON_TYPE_NOT_GRANTED"],
    [0xc0000203, "STATUS_USER_SESSION_DELETED"],
    [0xc0000225, "STATUS_NOT_FOUND"],
    [0xc0000480, "STATUS_SHARE_UNAVAILABLE"],
    [0xc0020017, "RPC_NT_SERVER_UNAVAILABLE"],
    [0xc002001b, "RPC_NT_CALL_FAILED"],
    [0xc0220018, "STATUS_FWP_TOO_MANY_CALLOUTS"],
  ];
  for (const [code, name] of cases) {
    assert.equal(ntStatusName(code), name);
    assert.equal((NtStatus as Record<string, number>)[name], code, name);
  }
});

Deno.test("ntStatusName: unknown codes and negative inputs", () => {
  assert.equal(ntStatusName(0xdeadbeef), "UNKNOWN_0xdeadbeef");
  assert.equal(ntStatusName(0x00000005), "UNKNOWN_0x00000005");
  assert.equal(ntStatusName(-1), "UNKNOWN_0xffffffff");
  // 0xC000006D read as a signed 32-bit number.
  assert.equal(ntStatusName(-1073741715), "STATUS_LOGON_FAILURE");
  assert.equal(ntStatusName(0xc000006d | 0), "STATUS_LOGON_FAILURE");
});

Deno.test("ntStatusSeverity: the top two bits", () => {
  assert.equal(ntStatusSeverity(NtStatus.STATUS_SUCCESS), "success");
  assert.equal(ntStatusSeverity(NtStatus.STATUS_PENDING), "success");
  assert.equal(ntStatusSeverity(0x40000000), "informational");
  assert.equal(ntStatusSeverity(NtStatus.STATUS_NO_MORE_FILES), "warning");
  assert.equal(ntStatusSeverity(NtStatus.STATUS_LOGON_FAILURE), "error");
  assert.equal(ntStatusSeverity(-1073741715), "error");
  assert.equal(ntStatusSeverity(0x7fffffff), "informational");
});

Deno.test("every NT status in the corpus's tshark oracle has a name", () => {
  const missing = ORACLE_STATUSES.filter((c) => ntStatusName(c).startsWith("UNKNOWN_"));
  assert.deepEqual(missing.map((c) => `0x${c.toString(16)}`), []);
});

Deno.test("DOS error tables: codes unique within each class", () => {
  for (const table of [ErrDos, ErrSrv, ErrHrd, DosErrorClass]) {
    const codes = Object.values(table) as number[];
    assert.equal(new Set(codes).size, codes.length);
    assert.ok(codes.every((c) => Number.isInteger(c) && c >= 0 && c <= 0xffff));
  }
});

Deno.test("dosErrorName: [MS-CIFS] 2.2.2.4 spot checks", () => {
  const cases: [number, number, string][] = [
    [0x01, 0x0001, "ERRDOS/ERRbadfunc"],
    [0x01, 0x0002, "ERRDOS/ERRbadfile"],
    [0x01, 0x0003, "ERRDOS/ERRbadpath"],
    [0x01, 0x0005, "ERRDOS/ERRnoaccess"],
    [0x01, 0x0006, "ERRDOS/ERRbadfid"],
    [0x01, 0x0020, "ERRDOS/ERRbadshare"],
    [0x01, 0x00ea, "ERRDOS/ERRmoredata"],
    [0x01, 0x03fe, "ERRDOS/ERR_NOTIFY_ENUM_DIR"],
    [0x02, 0x0001, "ERRSRV/ERRerror"],
    [0x02, 0x0002, "ERRSRV/ERRbadpw"],
    [0x02, 0x0004, "ERRSRV/ERRaccess"],
    [0x02, 0x0005, "ERRSRV/ERRinvtid"],
    [0x02, 0x0006, "ERRSRV/ERRinvnetname"],
    [0x02, 0x005b, "ERRSRV/ERRbaduid"],
    [0x02, 0xffff, "ERRSRV/ERRnosupport"],
    [0x03, 0x0013, "ERRHRD/ERRnowrite"],
    [0x03, 0x0027, "ERRHRD/ERRdiskfull"],
    [0x00, 0x0000, "SUCCESS"],
    [0x01, 0x0004, "ERRDOS/ERRnofids"],
    [0x01, 0x9999, "ERRDOS/UNKNOWN_0x9999"],
    [0x02, 0x0008, "ERRSRV/UNKNOWN_0x0008"],
    [0x00, 0x0005, "SUCCESS/UNKNOWN_0x0005"],
    [0xff, 0x0001, "ERRCMD/UNKNOWN_0x0001"],
    [0x04, 0x0001, "UNKNOWN_CLASS_0x04/UNKNOWN_0x0001"],
  ];
  for (const [cls, code, name] of cases) assert.equal(dosErrorName(cls, code), name);
  assert.equal(dosErrorClassName(0xff), "ERRCMD");
  assert.equal(dosErrorClassName(0x7f), "UNKNOWN_CLASS_0x7f");
});

Deno.test("smb1StatusName: NT status or DOS class/code from the 32-bit field", () => {
  assert.equal(smb1StatusName(0xc000006d, true), "STATUS_LOGON_FAILURE");
  assert.equal(smb1StatusName(-1073741715, true), "STATUS_LOGON_FAILURE");
  assert.equal(smb1StatusName(0, true), "STATUS_SUCCESS");
  assert.equal(smb1StatusName(0, false), "SUCCESS");
  // Wire bytes 01 00 02 00 (class ERRDOS, reserved, code 0x0002) read as a little-endian u32.
  assert.equal(smb1StatusName(0x00020001, false), "ERRDOS/ERRbadfile");
  assert.equal(smb1StatusName(0x005b0002, false), "ERRSRV/ERRbaduid");
  assert.equal(smb1StatusName(0x00050002, false), "ERRSRV/ERRinvtid");
  assert.equal(smb1StatusName(0xffff0002, false), "ERRSRV/ERRnosupport");
  // The reserved byte is ignored.
  assert.equal(smb1StatusName(0x0002ab01, false), "ERRDOS/ERRbadfile");
  assert.equal(smb1StatusName(0x00010004, false), "UNKNOWN_CLASS_0x04/UNKNOWN_0x0001");
});

Deno.test("dosErrorToNtStatus: the [MS-CIFS] 2.2.2.4 equivalents an analyst meets first", () => {
  const nt = (cls: number, code: number) => {
    const s = dosErrorToNtStatus(cls, code);
    return s === undefined ? undefined : ntStatusName(s);
  };
  assert.equal(nt(0, 0), "STATUS_SUCCESS");
  assert.equal(nt(DosErrorClass.ERRDOS, ErrDos.ERRbadfile), "STATUS_OBJECT_NAME_NOT_FOUND");
  assert.equal(nt(DosErrorClass.ERRDOS, ErrDos.ERRnoaccess), "STATUS_ACCESS_DENIED");
  assert.equal(nt(DosErrorClass.ERRDOS, ErrDos.ERRbadfid), "STATUS_INVALID_HANDLE");
  assert.equal(nt(DosErrorClass.ERRSRV, ErrSrv.ERRbadpw), "STATUS_WRONG_PASSWORD");
  assert.equal(nt(DosErrorClass.ERRHRD, ErrHrd.ERRdiskfull), "STATUS_DISK_FULL");
  assert.equal(nt(DosErrorClass.ERRDOS, 0x7777), undefined);
  assert.equal(nt(0x09, 1), undefined);
});

Deno.test("dosErrorToNtStatus: every class/code row once, every status named in NtStatus", () => {
  // The table is a Map built from rows: a repeated row would vanish silently, so read the rows.
  const source = Deno.readTextFileSync(
    new URL("../../lib/smb/dos_nt_status.ts", import.meta.url),
  );
  const rows = [...source.matchAll(/^\s*\[(DOS|SRV|HRD), Err\w+\.(\w+), NtStatus\.(\w+)\]/gm)];
  assert.ok(rows.length >= 35, `${rows.length} rows`);
  const keys = rows.map((r) => `${r[1]}/${r[2]}`);
  assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
  const tables = { DOS: ErrDos, SRV: ErrSrv, HRD: ErrHrd } as Record<
    string,
    Record<string, number>
  >;
  const classes: Record<string, number> = { DOS: 1, SRV: 2, HRD: 3 };
  for (const [, cls, code, status] of rows) {
    const value = (NtStatus as Record<string, number>)[status!];
    assert.notEqual(value, undefined, status);
    assert.equal(
      dosErrorToNtStatus(classes[cls!]!, tables[cls!]![code!]!),
      value,
      `${cls}/${code}`,
    );
  }
});
