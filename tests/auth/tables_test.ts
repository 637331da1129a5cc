/** The auth name tables: mechanism OIDs, NTLMSSP flags, AV pair ids. */
import * as assert from "node:assert/strict";
import { isKerberosOid, MechOid, oidName } from "../../lib/auth/oids.ts";
import { NtlmFlag, ntlmFlagNames } from "../../lib/auth/ntlm_flags.ts";
import { AvId, avIdName } from "../../lib/auth/av_pairs.ts";

Deno.test("oidName names each mechanism OID and returns unknown OIDs as given", () => {
  const oids = Object.values(MechOid);
  assert.equal(new Set(oids).size, oids.length);
  for (const [name, oid] of Object.entries(MechOid)) assert.equal(oidName(oid), name);
  assert.equal(oidName("1.2.840.113554.1.2.2"), "Kerberos");
  assert.equal(oidName("1.3.6.1.4.1.311.2.2.10"), "NTLMSSP");
  assert.equal(oidName("1.2.3.4"), "1.2.3.4");
  assert.deepEqual(
    oids.filter(isKerberosOid).map(oidName),
    ["Kerberos", "MS-Kerberos", "Kerberos-U2U", "IAKERB"],
  );
});

Deno.test("NtlmFlag names all 32 bits, each once", () => {
  const bits = Object.values(NtlmFlag);
  assert.equal(bits.length, 32);
  let all = 0;
  for (const bit of bits) {
    assert.equal(bit & (bit - 1), 0, `${bit.toString(16)} is one bit`);
    all |= bit;
  }
  assert.equal(all >>> 0, 0xffffffff);
  assert.equal(new Set(Object.keys(NtlmFlag)).size, 32);
  assert.equal(ntlmFlagNames(0xffffffff).length, 32);
  assert.deepEqual(ntlmFlagNames(0), []);
});

Deno.test("ntlmFlagNames lists the flags set, lowest bit first", () => {
  // Windows Server 2019's CHALLENGE (corelight-zerologon frame 637, tshark: 0xe2898235).
  assert.deepEqual(ntlmFlagNames(0xe2898235), [
    "NTLMSSP_NEGOTIATE_UNICODE",
    "NTLMSSP_REQUEST_TARGET",
    "NTLMSSP_NEGOTIATE_SIGN",
    "NTLMSSP_NEGOTIATE_SEAL",
    "NTLMSSP_NEGOTIATE_NTLM",
    "NTLMSSP_NEGOTIATE_ALWAYS_SIGN",
    "NTLMSSP_TARGET_TYPE_DOMAIN",
    "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY",
    "NTLMSSP_NEGOTIATE_TARGET_INFO",
    "NTLMSSP_NEGOTIATE_VERSION",
    "NTLMSSP_NEGOTIATE_128",
    "NTLMSSP_NEGOTIATE_KEY_EXCH",
    "NTLMSSP_NEGOTIATE_56",
  ]);
});

Deno.test("avIdName names the AV pair ids and never fails", () => {
  const ids = Object.values(AvId);
  assert.deepEqual(ids, Array.from({ length: 11 }, (_, i) => i));
  assert.equal(avIdName(7), "MsvAvTimestamp");
  assert.equal(avIdName(0x0b), "UNKNOWN_0x000b");
});
