/**
 * TREE_CONNECT. [MS-SMB2] 2.2.9 (request), 2.2.9.1 (3.1.1 extension),
 * 2.2.10 (response)
 *
 * Request fields: `flags`, `flagNames`, `path` (UTF-16LE at PathOffset, e.g.
 * `\\server\share`); with EXTENSION_PRESENT also `treeConnectContextCount`
 * and `treeConnectContexts` ({`type`, `typeName`, `dataLength`}).
 * Response fields: `shareType`, `shareTypeName` (DISK, PIPE, PRINT),
 * `shareFlags`, `shareFlagNames`, `cachingName` (the caching bits' value),
 * `capabilities`, `capabilityNames`, `maximalAccess`, `maximalAccessNames`.
 * @module
 */
import type { JsonValue } from "../json.ts";
import { accessMaskNames } from "./access.ts";
import type { Smb2Body } from "./body.ts";
import { align8, Cursor, enumLookup, flagNames } from "./wire.ts";

/** Request Flags (3.1.1). [MS-SMB2] 2.2.9 */
export const TreeConnectFlags = {
  CLUSTER_RECONNECT: 0x0001,
  REDIRECT_TO_OWNER: 0x0002,
  EXTENSION_PRESENT: 0x0004,
} as const;

/** Tree connect context types. [MS-SMB2] 2.2.9.2 */
export const TreeConnectContextType = {
  RESERVED_TREE_CONNECT_CONTEXT_ID: 0x0000,
  REMOTED_IDENTITY_TREE_CONNECT_CONTEXT_ID: 0x0001,
} as const;
const treeConnectContextTypeName = enumLookup(TreeConnectContextType, 4);

/** ShareType. [MS-SMB2] 2.2.10 */
export const ShareType = { DISK: 0x01, PIPE: 0x02, PRINT: 0x03 } as const;
export const shareTypeName: (v: number) => string = enumLookup(ShareType);

/** ShareFlags, the caching bits (0x30) left out. [MS-SMB2] 2.2.10 */
export const ShareFlags = {
  DFS: 0x0000_0001,
  DFS_ROOT: 0x0000_0002,
  RESTRICT_EXCLUSIVE_OPENS: 0x0000_0100,
  FORCE_SHARED_DELETE: 0x0000_0200,
  ALLOW_NAMESPACE_CACHING: 0x0000_0400,
  ACCESS_BASED_DIRECTORY_ENUM: 0x0000_0800,
  FORCE_LEVELII_OPLOCK: 0x0000_1000,
  ENABLE_HASH_V1: 0x0000_2000,
  ENABLE_HASH_V2: 0x0000_4000,
  ENCRYPT_DATA: 0x0000_8000,
  IDENTITY_REMOTING: 0x0004_0000,
  COMPRESS_DATA: 0x0010_0000,
  ISOLATED_TRANSPORT: 0x0020_0000,
} as const;

/** The ShareFlags caching value (bits 0x30). [MS-SMB2] 2.2.10 */
export const ShareCaching = {
  MANUAL_CACHING: 0x00,
  AUTO_CACHING: 0x10,
  VDO_CACHING: 0x20,
  NO_CACHING: 0x30,
} as const;
const cachingName = enumLookup(ShareCaching);

/** Share Capabilities. [MS-SMB2] 2.2.10 */
export const ShareCapabilities = {
  DFS: 0x0000_0008,
  CONTINUOUS_AVAILABILITY: 0x0000_0010,
  SCALEOUT: 0x0000_0020,
  CLUSTER: 0x0000_0040,
  ASYMMETRIC: 0x0000_0080,
  REDIRECT_TO_OWNER: 0x0000_0100,
} as const;

/** [MS-SMB2] 2.2.9: StructureSize 9, Flags (2), PathOffset (2), PathLength (2). */
export function parseTreeConnectRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(9);
  const flags = c.u16();
  f.flags = flags;
  f.flagNames = flagNames(flags, TreeConnectFlags);
  const pathOffset = c.u16(), pathLength = c.u16();
  const path = b.string(pathOffset, pathLength, "path");
  if (path !== undefined) f.path = path;
  b.out.record = { kind: "tree_connect_request", path };
  if (flags & TreeConnectFlags.EXTENSION_PRESENT) {
    b.guard("tree connect request extension", () => {
      // TreeConnectContextOffset (4, from the start of the request body), Count (2), Reserved (10).
      const contextOffset = c.u32(), count = c.u16();
      f.treeConnectContextCount = count;
      const list: JsonValue[] = [];
      f.treeConnectContexts = list;
      let at = 64 + contextOffset;
      for (let i = 0; i < count; i++) {
        if (at + 8 > b.msg.length) {
          b.problem("malformed", `tree connect context ${i + 1} of ${count} runs past the message`);
          return;
        }
        const head = new Cursor(b.msg.subarray(at, at + 8));
        const type = head.u16(), dataLength = head.u16();
        list.push({ type, typeName: treeConnectContextTypeName(type), dataLength });
        at = align8(at + 8 + dataLength);
      }
    });
  }
}

/** [MS-SMB2] 2.2.10: StructureSize 16. */
export function parseTreeConnectResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(16);
  const type = c.u8();
  f.shareType = type;
  f.shareTypeName = shareTypeName(type);
  b.out.record = {
    kind: "tree_connect_response",
    shareType: type,
    shareTypeName: shareTypeName(type),
  };
  c.skip(1); // Reserved
  const shareFlags = c.u32();
  f.shareFlags = shareFlags;
  f.shareFlagNames = flagNames(shareFlags & ~0x30, ShareFlags);
  f.cachingName = cachingName(shareFlags & 0x30);
  const capabilities = c.u32();
  f.capabilities = capabilities;
  f.capabilityNames = flagNames(capabilities, ShareCapabilities);
  const access = c.u32();
  f.maximalAccess = access;
  f.maximalAccessNames = accessMaskNames(access);
}
