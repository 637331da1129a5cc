/**
 * One status vocabulary: SMB1 DOS errors carry their NT status equivalent
 * ([MS-CIFS] 2.2.2.4), so a filter on `STATUS_SUCCESS` finds SMB1 successes
 * sent in the DOS form too.
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../../lib/decoder.ts";
import { dosErrorToNtStatus, smb1Status } from "../../lib/smb/dos_nt_status.ts";
import { ErrDos, ErrHrd, ErrSrv } from "../../lib/smb/dos_errors.ts";
import { ntStatusName } from "../../lib/smb/status.ts";
import { corpus, corpusPresent } from "./oracle.ts";

Deno.test("dos → nt: every mapped DOS error names a known NT status", () => {
  let mapped = 0;
  for (const [cls, table] of [[1, ErrDos], [2, ErrSrv], [3, ErrHrd]] as const) {
    for (const code of Object.values(table)) {
      const nt = dosErrorToNtStatus(cls, code);
      if (nt === undefined) continue;
      mapped++;
      assert.doesNotMatch(ntStatusName(nt), /^UNKNOWN/, `${cls}/${code}`);
    }
  }
  assert.ok(mapped >= 35, `${mapped} mapped`);
});

Deno.test("dos → nt: the statuses an analyst filters on", () => {
  // (class | code << 16) as the SMB1 header carries it without FLAGS2_NT_STATUS.
  const dos = (cls: number, code: number) => smb1Status(cls | (code << 16), false);
  assert.deepEqual(dos(0, 0), { status: 0, statusName: "STATUS_SUCCESS", dosError: "SUCCESS" });
  assert.deepEqual(dos(1, 2), {
    status: 0xc0000034,
    statusName: "STATUS_OBJECT_NAME_NOT_FOUND",
    dosError: "ERRDOS/ERRbadfile",
  });
  assert.equal(dos(1, 5).statusName, "STATUS_ACCESS_DENIED");
  assert.equal(dos(2, 2).statusName, "STATUS_WRONG_PASSWORD");
  assert.equal(dos(2, 6).statusName, "STATUS_BAD_NETWORK_NAME");
  // [MS-CIFS] gives ERRSRV/ERRbaduid only its SMB-specific encoding: the DOS name stays.
  assert.deepEqual(dos(2, 0x5b), {
    status: 0x005b0002,
    statusName: "ERRSRV/ERRbaduid",
    dosError: "ERRSRV/ERRbaduid",
  });
  // NT statuses pass through.
  assert.deepEqual(smb1Status(0xc000006d, true), {
    status: 0xc000006d,
    statusName: "STATUS_LOGON_FAILURE",
  });
});

function smbEvents(path: URL) {
  const d = new Decoder();
  return [...d.push(Deno.readFileSync(path)), ...d.end()].filter((e) => e.type === "smb");
}

Deno.test({
  name: corpusPresent
    ? "dos → nt: DOS-form responses of real captures (zeek/mapi.pcap, suricata-verify/smb1_osx.pcap)"
    : "dos → nt: real captures (skipped: ../shared/pcaps/public not present)",
  ignore: !corpusPresent,
  fn() {
    // mapi.pcap: 62 responses in the DOS form, all SUCCESS (tshark: smb.error_class 0x00).
    const mapi = smbEvents(new URL("zeek/mapi.pcap", corpus))
      .filter((e) => e.type === "smb" && e.dosError !== undefined);
    assert.equal(mapi.length, 62);
    assert.ok(mapi.every((e) => e.type === "smb" && e.statusName === "STATUS_SUCCESS"));
    // smb1_osx.pcap: three LOGOFF_ANDX answered ERRSRV/ERRbaduid (frames 22, 48, 71).
    const osx = smbEvents(new URL("suricata-verify/smb1_osx.pcap", corpus))
      .filter((e) => e.type === "smb" && e.dosError === "ERRSRV/ERRbaduid");
    assert.deepEqual(osx.map((e) => e.evidence.frames[0]), [22, 48, 71]);
  },
});
