/**
 * The SMB2 name tables and wire conversions: unique codes, `UNKNOWN_0x…` for
 * codes not in a table, control codes as tshark names them, and exact 64-bit,
 * FILETIME and GUID conversions.
 */
import * as assert from "node:assert/strict";
import { Smb2Command, smb2CommandName } from "../../../lib/smb/smb2/commands.ts";
import { CtlCode, ctlCodeName } from "../../../lib/smb/smb2/ioctl_codes.ts";
import {
  FileInformationClass,
  FsInformationClass,
  infoClassName,
  infoTypeName,
} from "../../../lib/smb/smb2/info_classes.ts";
import { dialectName, DIALECTS } from "../../../lib/smb/smb2/negotiate.ts";
import {
  cipherName,
  compressionAlgorithmName,
  negotiateContextTypeName,
  signingAlgorithmName,
} from "../../../lib/smb/smb2/negotiate_context.ts";
import { CREATE_CONTEXT_NAMES } from "../../../lib/smb/smb2/create_context.ts";
import { filetimeIso, flagNames, guidString, u64String } from "../../../lib/smb/smb2/wire.ts";
import { smb2HeaderFlagNames } from "../../../lib/smb/smb2/header.ts";

function assertUniqueValues(table: Record<string, number>): void {
  const values = Object.values(table);
  assert.equal(new Set(values).size, values.length);
}

Deno.test("Smb2Command holds the 19 commands 0x0000–0x0012 once each", () => {
  assertUniqueValues(Smb2Command);
  assert.deepEqual(Object.values(Smb2Command), [...Array(19).keys()]);
  assert.equal(smb2CommandName(0x0005), "CREATE");
  assert.equal(smb2CommandName(0x0012), "OPLOCK_BREAK");
  assert.equal(smb2CommandName(0x0013), "UNKNOWN_0x0013");
  assert.equal(smb2CommandName(0xffff), "UNKNOWN_0xffff");
});

Deno.test("CtlCode values are unique, and names agree with tshark's where it has them", () => {
  assertUniqueValues(CtlCode);
  for (const [name, code] of Object.entries(CtlCode)) {
    assert.match(name, /^FSCTL_/);
    assert.equal(ctlCodeName(code), name);
  }
  // CTL_CODE(DeviceType, Function, Method, Access) for two of them:
  const ctl = (device: number, fn: number, method: number, access: number) =>
    ((device << 16) | (access << 14) | (fn << 2) | method) >>> 0;
  assert.equal(CtlCode.FSCTL_PIPE_TRANSCEIVE, ctl(0x11, 5, 3, 3)); // NAMED_PIPE, NEITHER, R|W
  assert.equal(CtlCode.FSCTL_VALIDATE_NEGOTIATE_INFO, ctl(0x14, 129, 0, 0)); // NETWORK_FILE_SYSTEM
  // tshark -G values | grep -P '^V\tsmb2.ioctl.function\t' (TShark 4.0.17), the codes both tables hold:
  const tshark: [number, string][] = [
    [0x00060194, "FSCTL_DFS_GET_REFERRALS"],
    [0x000601b0, "FSCTL_DFS_GET_REFERRALS_EX"],
    [0x0011400c, "FSCTL_PIPE_PEEK"],
    [0x00110018, "FSCTL_PIPE_WAIT"],
    [0x0011c017, "FSCTL_PIPE_TRANSCEIVE"],
    [0x001440f2, "FSCTL_SRV_COPYCHUNK"],
    [0x00144064, "FSCTL_SRV_ENUMERATE_SNAPSHOTS"],
    [0x00140078, "FSCTL_SRV_REQUEST_RESUME_KEY"],
    [0x001441bb, "FSCTL_SRV_READ_HASH"],
    [0x001480f2, "FSCTL_SRV_COPYCHUNK_WRITE"],
    [0x001401d4, "FSCTL_LMR_REQUEST_RESILIENCY"],
    [0x001401fc, "FSCTL_QUERY_NETWORK_INTERFACE_INFO"],
    [0x00140200, "FSCTL_VALIDATE_NEGOTIATE_INFO_224"],
    [0x00140204, "FSCTL_VALIDATE_NEGOTIATE_INFO"],
    [0x00090300, "FSCTL_QUERY_SHARED_VIRTUAL_DISK_SUPPORT"],
    [0x00090304, "FSCTL_SVHDX_SYNC_TUNNEL_REQUEST"],
    [0x00090308, "FSCTL_SVHDX_SET_INITIATOR_INFORMATION"],
    [0x00090350, "FSCTL_STORAGE_QOS_CONTROL"],
    [0x00090364, "FSCTL_SVHDX_ASYNC_TUNNEL_REQUEST"],
    [0x00090000, "FSCTL_REQUEST_OPLOCK_LEVEL_1"],
    [0x00090004, "FSCTL_REQUEST_OPLOCK_LEVEL_2"],
    [0x00090008, "FSCTL_REQUEST_BATCH_OPLOCK"],
    [0x0009000c, "FSCTL_OPLOCK_BREAK_ACKNOWLEDGE"],
    [0x00090018, "FSCTL_LOCK_VOLUME"],
    [0x0009001c, "FSCTL_UNLOCK_VOLUME"],
    [0x00090020, "FSCTL_DISMOUNT_VOLUME"],
    [0x00090028, "FSCTL_IS_VOLUME_MOUNTED"],
    [0x0009002c, "FSCTL_IS_PATHNAME_VALID"],
    [0x0009003c, "FSCTL_GET_COMPRESSION"],
    [0x00090058, "FSCTL_QUERY_FAT_BPB"],
    [0x0009005c, "FSCTL_REQUEST_FILTER_OPLOCK"],
    [0x00090060, "FSCTL_FILESYSTEM_GET_STATISTICS"],
    [0x00090064, "FSCTL_GET_NTFS_VOLUME_DATA"],
    [0x00090068, "FSCTL_GET_NTFS_FILE_RECORD"],
    [0x0009006f, "FSCTL_GET_VOLUME_BITMAP"],
    [0x00090073, "FSCTL_GET_RETRIEVAL_POINTERS"],
    [0x00090074, "FSCTL_MOVE_FILE"],
    [0x0009008f, "FSCTL_FIND_FILES_BY_SID"],
    [0x0009009c, "FSCTL_GET_OBJECT_ID"],
    [0x000900a4, "FSCTL_SET_REPARSE_POINT"],
    [0x000900a8, "FSCTL_GET_REPARSE_POINT"],
    [0x000900c0, "FSCTL_CREATE_OR_GET_OBJECT_ID"],
    [0x000900c4, "FSCTL_SET_SPARSE"],
    [0x000900db, "FSCTL_ENCRYPTION_FSCTL_IO"],
    [0x000900df, "FSCTL_WRITE_RAW_ENCRYPTED"],
    [0x000900e3, "FSCTL_READ_RAW_ENCRYPTED"],
    [0x000900f0, "FSCTL_EXTEND_VOLUME"],
    [0x0009027c, "FSCTL_GET_INTEGRITY_INFORMATION"],
    [0x00090284, "FSCTL_QUERY_FILE_REGIONS"],
    [0x0009030c, "FSCTL_SET_EXTERNAL_BACKING"],
    [0x00090310, "FSCTL_GET_EXTERNAL_BACKING"],
    [0x00090314, "FSCTL_DELETE_EXTERNAL_BACKING"],
    [0x00090318, "FSCTL_ENUM_EXTERNAL_BACKING"],
    [0x000940cf, "FSCTL_QUERY_ALLOCATED_RANGES"],
    [0x00094264, "FSCTL_OFFLOAD_READ"],
    [0x000980c8, "FSCTL_SET_ZERO_DATA"],
    [0x00098208, "FSCTL_FILE_LEVEL_TRIM"],
    [0x00098268, "FSCTL_OFFLOAD_WRITE"],
    [0x0009c040, "FSCTL_SET_COMPRESSION"],
    [0x0009c280, "FSCTL_SET_INTEGRITY_INFORMATION"],
    // Older headers' FILE_WRITE_ACCESS forms, which tshark lists:
    [0x000980a0, "FSCTL_DELETE_OBJECT_ID"],
    [0x000980ac, "FSCTL_DELETE_REPARSE_POINT"],
  ];
  for (const [code, name] of tshark) assert.equal(ctlCodeName(code), name);
  assert.equal(ctlCodeName(0x00123456), "UNKNOWN_0x00123456");
});

Deno.test("information class tables are unique and looked up by info type", () => {
  assertUniqueValues(FileInformationClass);
  assertUniqueValues(FsInformationClass);
  assert.equal(infoTypeName(1), "FILE");
  assert.equal(infoTypeName(4), "QUOTA");
  assert.equal(infoTypeName(9), "UNKNOWN_0x09");
  assert.equal(infoClassName(1, 18), "FileAllInformation");
  assert.equal(infoClassName(1, 10), "FileRenameInformation");
  assert.equal(infoClassName(2, 3), "FileFsSizeInformation");
  assert.equal(infoClassName(2, 7), "FileFsFullSizeInformation");
  assert.equal(infoClassName(3, 0), "NONE");
  assert.equal(infoClassName(4, 32), "FileQuotaInformation");
  assert.equal(infoClassName(1, 200), "UNKNOWN_0xc8");
});

Deno.test("dialect and negotiate-context names", () => {
  assert.deepEqual(
    [0x0202, 0x0210, 0x0300, 0x0302, 0x0311, 0x02ff].map(dialectName),
    ["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1", "2.???"],
  );
  assert.equal(new Set(DIALECTS.values()).size, DIALECTS.size);
  assert.equal(dialectName(0x0400), "UNKNOWN_0x0400");
  assert.deepEqual(
    [1, 2, 3, 4].map(cipherName),
    ["AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"],
  );
  assert.deepEqual([0, 1, 2].map(signingAlgorithmName), ["HMAC-SHA256", "AES-CMAC", "AES-GMAC"]);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map(compressionAlgorithmName),
    ["NONE", "LZNT1", "LZ77", "LZ77+Huffman", "Pattern_V1", "LZ4"],
  );
  assert.equal(negotiateContextTypeName(5), "NETNAME_NEGOTIATE_CONTEXT_ID");
  assert.equal(negotiateContextTypeName(0x42), "UNKNOWN_0x0042");
  for (const key of CREATE_CONTEXT_NAMES.keys()) {
    assert.ok(key.length === 4 || /^[0-9a-f]{32}$/.test(key), key);
  }
});

Deno.test("smb2HeaderFlagNames leaves the priority value out", () => {
  assert.deepEqual(smb2HeaderFlagNames(0x3000_007d), [
    "SERVER_TO_REDIR",
    "RELATED_OPERATIONS",
    "SIGNED",
    "DFS_OPERATIONS",
    "REPLAY_OPERATION",
  ]);
});

Deno.test("flagNames names known bits and shows the rest as hex", () => {
  assert.deepEqual(flagNames(0x0000_0005, { A: 1, B: 2, C: 4 }), ["A", "C"]);
  assert.deepEqual(flagNames(0x8000_0009, { A: 1 }), ["A", "0x80000008"]);
  assert.deepEqual(flagNames(0, { A: 1 }), []);
});

/** xorshift32 for repeatable samples. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

Deno.test("u64String is exact for every 64-bit value (against BigInt)", () => {
  const next = random(0xc0ffee);
  const edges: [number, number][] = [
    [0, 0],
    [0xffff_ffff, 0],
    [0, 0x1f_ffff],
    [0xffff_ffff, 0x1f_ffff],
    [0, 0x20_0000],
    [5, 0xadc2_09fb],
    [0xffff_ffff, 0xffff_ffff],
  ];
  for (let i = 0; i < 5000; i++) edges.push([next(), next()]);
  for (const [low, high] of edges) {
    assert.equal(u64String(low, high), ((BigInt(high) << 32n) | BigInt(low)).toString());
  }
});

Deno.test("filetimeIso keeps all seven fraction digits (against BigInt), null for 0 and 'do not change'", () => {
  const next = random(0xf11e);
  for (let i = 0; i < 2000; i++) {
    const high = next() % 0x0300_0000, low = next(); // up to the year 2245
    const value = (BigInt(high) << 32n) | BigInt(low);
    if (value === 0n) continue;
    const seconds = value / 10_000_000n - 11_644_473_600n;
    const fraction = (value % 10_000_000n).toString().padStart(7, "0");
    const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, -5);
    assert.equal(filetimeIso(low, high), `${iso}.${fraction}Z`);
  }
  // 116444736000000000: the Unix epoch, as smb2-zero-byte-error-ioctl.pcapng's CLOSE responses send
  assert.equal(filetimeIso(0xd53e_8000, 0x019d_b1de), "1970-01-01T00:00:00.0000000Z");
  assert.equal(filetimeIso(0, 0), null);
  assert.equal(filetimeIso(0xffff_ffff, 0xffff_ffff), null);
});

Deno.test("guidString puts the first three groups in little-endian order", () => {
  // [MS-DTYP] 2.3.4.2: Data1 (4, LE), Data2 (2, LE), Data3 (2, LE), Data4 (8 bytes in order)
  const b = new Uint8Array([
    0xd1,
    0x84,
    0xda,
    0xa8,
    0x88,
    0xe8,
    0xca,
    0x41,
    0x99,
    0x22,
    0xf6,
    0x15,
    0x65,
    0x92,
    0x09,
    0x65,
  ]);
  // tshark: smb2.client_guid a8da84d1-e888-41ca-9922-f61565920965 (smb3_11.pcap frame 4)
  assert.equal(guidString(b), "a8da84d1-e888-41ca-9922-f61565920965");
  // At an offset, after another: Python's uuid.UUID(bytes_le=bytes(range(0xf0, 0x100))).
  const at2 = Uint8Array.from({ length: 20 }, (_, i) => 0xee + i);
  assert.equal(guidString(at2, 2), "f3f2f1f0-f5f4-f7f6-f8f9-fafbfcfdfeff");
  assert.equal(guidString(b), "a8da84d1-e888-41ca-9922-f61565920965");
});
