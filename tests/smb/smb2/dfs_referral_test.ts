/**
 * DFS referrals carried by FSCTL_DFS_GET_REFERRALS. The request is real
 * (fixtures/smb/smb3_11.pcap frame 14); no capture we have holds a successful
 * referral response in the clear, so responses are built here field by field
 * from [MS-DFSC] 2.2.4 and 2.2.5.
 */
import * as assert from "node:assert/strict";
import { FIXTURES, parseCapture, readCapture } from "./_capture.ts";
import { MAX_DFS_REFERRALS, readDfsReferralResponse } from "../../../lib/smb/smb2/dfs_referral.ts";
import type { Fields } from "../../../lib/smb/json.ts";

Deno.test("FSCTL_DFS_GET_REFERRALS request decodes as tshark shows it", async () => {
  const parsed = parseCapture(await readCapture(new URL("smb3_11.pcap", FIXTURES)));
  const m = parsed.find((p) => p.frame === 14)!.packet.messages[0]!;
  // tshark -r fixtures/smb/smb3_11.pcap -Y frame.number==14 -V: Function: FSCTL_DFS_GET_REFERRALS
  //   (0x00060194), Max Ioctl Out Size: 65535, Blob Offset: 0x00000078, Blob Length: 34,
  //   Max Referral Level: 3, File Name: \10.77.0.1\data
  assert.deepEqual(
    [m.fields.ctlCodeName, m.fields.maxOutputResponse, m.fields.maxReferralLevel],
    ["FSCTL_DFS_GET_REFERRALS", 65535, 3],
  );
  assert.equal(m.fields.requestFileName, "\\10.77.0.1\\data");
  assert.deepEqual(m.ioctlInput, { offset: 0x78, length: 34 });
});

const utf16z = (s: string) =>
  [...s].flatMap((ch) => [ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8]).concat([0, 0]);

/**
 * RESP_GET_DFS_REFERRAL with two V3 entries (34 bytes each: VersionNumber,
 * Size, ServerType, ReferralEntryFlags, TimeToLive, DFSPathOffset,
 * DFSAlternatePathOffset, NetworkAddressOffset, ServiceSiteGuid) and their
 * strings after them; offsets count from each entry's start.
 */
function response(entrySize = 34, count = 2): Uint8Array {
  const strings = [
    ...utf16z("\\corp\\dfs"), // at 8 + 2 * 34 = 76
    ...utf16z("\\corp\\dfs"),
    ...utf16z("\\fs1\\share"),
    ...utf16z("\\fs2\\share"),
  ];
  const out = new Uint8Array(8 + 2 * 34 + strings.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 18, true); // PathConsumed
  v.setUint16(2, count, true); // NumberOfReferrals
  v.setUint32(4, 0x0000_0002, true); // ReferralHeaderFlags: StorageServers
  const dfsPath = 76, altPath = 76 + 20, fs1 = 76 + 40, fs2 = 76 + 62;
  for (const [i, address] of [[0, fs1], [1, fs2]]) {
    const at = 8 + i! * 34;
    v.setUint16(at, 3, true); // VersionNumber
    v.setUint16(at + 2, entrySize, true); // Size
    v.setUint16(at + 4, 1, true); // ServerType: root targets
    v.setUint32(at + 8, 600, true); // TimeToLive
    v.setUint16(at + 12, dfsPath - at, true);
    v.setUint16(at + 14, altPath - at, true);
    v.setUint16(at + 16, address! - at, true);
  }
  out.set(strings, 76);
  return out;
}

Deno.test("readDfsReferralResponse lists V3 referrals with their paths", () => {
  const f: Fields = {};
  assert.equal(readDfsReferralResponse(response(), f), undefined);
  assert.deepEqual(f, {
    pathConsumed: 18,
    numberOfReferrals: 2,
    referralHeaderFlags: 2,
    referralHeaderFlagNames: ["StorageServers"],
    referrals: [
      {
        version: 3,
        serverType: 1,
        entryFlags: 0,
        dfsPath: "\\corp\\dfs",
        dfsAlternatePath: "\\corp\\dfs",
        networkAddress: "\\fs1\\share",
      },
      {
        version: 3,
        serverType: 1,
        entryFlags: 0,
        dfsPath: "\\corp\\dfs",
        dfsAlternatePath: "\\corp\\dfs",
        networkAddress: "\\fs2\\share",
      },
    ],
  });
});

Deno.test("readDfsReferralResponse stops at an entry Size that does not advance", () => {
  const f: Fields = {};
  assert.match(readDfsReferralResponse(response(0), f)!, /referral 1 Size 0 does not advance/);
  assert.equal((f.referrals as unknown[]).length, 1);
});

Deno.test(`readDfsReferralResponse lists at most ${MAX_DFS_REFERRALS} of a lying NumberOfReferrals`, () => {
  const f: Fields = {};
  // 65535 referrals claimed, two present: the strings read as a third entry, whose Size leaves.
  assert.match(
    readDfsReferralResponse(response(34, 0xffff), f)!,
    /referral 3 runs past the output/,
  );
  assert.equal((f.referrals as unknown[]).length, 3);
  // Entries of Size 8 over a long run of zero bytes: the cap ends it.
  const zeros = new Uint8Array(8 + 8 * 100);
  new DataView(zeros.buffer).setUint16(2, 100, true);
  for (let i = 0; i < 100; i++) new DataView(zeros.buffer).setUint16(8 + 8 * i + 2, 8, true);
  const g: Fields = {};
  assert.match(readDfsReferralResponse(zeros, g)!, /more than 64 referrals/);
  assert.equal((g.referrals as unknown[]).length, MAX_DFS_REFERRALS);
});
