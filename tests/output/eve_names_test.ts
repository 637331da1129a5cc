/**
 * EVE's spellings, from suricata-verify's expectations: fuids (smb2-02 says
 * `0000004d-0000-0000-0009-0000ffffffff` for the FileId tshark shows as the GUID
 * `0000004d-0000-0000-0900-0000ffffffff` in zeek/smb2.pcap frame 33, wire bytes
 * 4d000000 0000 0000 0900 0000 ffffffff), two-decimal dialects (`2.02`), timestamps.
 */
import * as assert from "node:assert/strict";
import {
  eveDialect,
  eveFuid,
  eveNumber,
  eveSeverity,
  eveSignatureId,
  eveTimestamp,
} from "../../lib/output/eve/names.ts";
import { RULES } from "../../mod.ts";

Deno.test("eveFuid writes an SMB2 FileId as Suricata does", () => {
  assert.equal(eveFuid("650000003000000025002000ffffffff"), "00000065-0030-0000-0025-0020ffffffff");
  assert.equal(eveFuid("4d0000000000000009000000ffffffff"), "0000004d-0000-0000-0009-0000ffffffff");
  assert.equal(eveFuid("14859"), "14859");
});

Deno.test("eveDialect, eveTimestamp, eveNumber, eveSeverity", () => {
  assert.deepEqual(
    ["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1", "NT LM 0.12", undefined].map(eveDialect),
    ["2.02", "2.10", "3.00", "3.02", "3.11", "NT LM 0.12", "unknown"],
  );
  assert.equal(eveTimestamp(1323202695.377605), "2011-12-06T20:18:15.377605+0000");
  assert.equal(eveNumber("4398046511109"), 4398046511109);
  assert.equal(eveNumber("18446744073709551615"), "18446744073709551615");
  assert.deepEqual(["critical", "high", "medium", "low"].map((s) => eveSeverity(s as "low")), [
    1,
    1,
    2,
    3,
  ]);
});

Deno.test("every rule has its own signature id", () => {
  const ids = RULES.map((r) => eveSignatureId(r.id));
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.ok(id >= 9_000_000 && id < 10_000_000);
});
