/**
 * EFSRPC, the Encrypting File System Remote Protocol [MS-EFSR]: the calls
 * that name a file. Each takes a path that the server opens, so a UNC path
 * (`\\attacker\share\x`) makes it authenticate to that host (PetitPotam);
 * `fileName` is that target.
 * IDL: [MS-EFSR] 6 (Appendix A); methods 3.1.4.2.
 * @module
 */
import { MAX_KEPT_ITEMS, type NdrReader } from "../ndr.ts";
import {
  byteArrayLength,
  handleOnly,
  handleResponse,
  optionalString,
  returnOnly,
  structAlign,
} from "./common.ts";
import type { InterfaceDecoder, OperationDecoder, RpcArguments } from "./types.ts";

/**
 * An EFS_RPC_BLOB (or EFS_HASH_BLOB) reached through a pointer: `cbData` and
 * the byte array; the bytes' count, or `null` for a null pointer. Reads its
 * pointee at once (call where the blob is a top-level pointee or deferred).
 */
function blobLength(r: NdrReader): number | null {
  structAlign(r);
  r.u32(); // cbData
  if (r.pointer() === 0) return null;
  return byteArrayLength(r);
}

/** A `[unique] EFS_RPC_BLOB*` parameter: its length, or null when absent. */
function optionalBlob(r: NdrReader): number | null {
  return r.pointer() === 0 ? null : blobLength(r);
}

/**
 * The `{ count; [size_is(count)] pointer* Users }` list that both certificate
 * lists are, whose flat part is next: the count, and each user that `user`
 * reads (the structure's flat part; its pointees are read before this
 * returns). Null pointers in the array are skipped; the first
 * MAX_KEPT_ITEMS users are kept (unlike the reader's arrays, without
 * marking the result cut).
 */
function userList<T>(r: NdrReader, user: () => T): { count: number; users: T[] } {
  structAlign(r);
  const count = r.u32();
  const users: T[] = [];
  if (r.pointer() !== 0) {
    r.defer(() => {
      const n = r.count(r.ndr64 ? 8 : 4);
      for (let i = 0; i < n; i++) {
        if (r.pointer() === 0) continue;
        r.defer(() => {
          const u = user();
          if (users.length < MAX_KEPT_ITEMS) users.push(u);
        });
      }
    });
  }
  r.flush();
  return { count, users };
}

/** One ENCRYPTION_CERTIFICATE_HASH: the user's SID, the certificate hash, the display text. */
interface CertificateHash {
  userSid: string | null;
  hash: string | null;
  displayInformation: string | null;
}

/**
 * An ENCRYPTION_CERTIFICATE_HASH_LIST whose flat part is next: `nCert_Hash`
 * and the users (SID, certificate hash in hex, display information).
 */
export function certificateHashList(r: NdrReader): { count: number; users: CertificateHash[] } {
  return userList(r, () => {
    const u: CertificateHash = { userSid: null, hash: null, displayInformation: null };
    structAlign(r);
    r.u32(); // cbTotalLength
    const sid = r.pointer(), hash = r.pointer(), display = r.pointer();
    if (sid) r.defer(() => (u.userSid = r.sid()));
    if (hash) {
      r.defer(() => {
        structAlign(r);
        r.u32(); // cbData
        if (r.pointer() === 0) return;
        r.defer(() => (u.hash = r.hex(r.count(1))));
      });
    }
    if (display) r.defer(() => (u.displayInformation = r.wstring()));
    return u;
  });
}

/**
 * An ENCRYPTION_CERTIFICATE_LIST whose flat part is next: `nUsers` and each
 * user's SID (certificate blobs are read past; their sizes are kept).
 */
export function certificateList(
  r: NdrReader,
): { count: number; users: { userSid: string | null; certificateLength: number | null }[] } {
  return userList(r, () => {
    const u = { userSid: null as string | null, certificateLength: null as number | null };
    structAlign(r);
    r.u32(); // cbTotalLength
    const sid = r.pointer(), cert = r.pointer();
    if (sid) r.defer(() => (u.userSid = r.sid()));
    if (cert) {
      r.defer(() => {
        structAlign(r);
        r.u32(); // dwCertEncodingType
        r.u32(); // cbData
        if (r.pointer() !== 0) r.defer(() => (u.certificateLength = byteArrayLength(r)));
      });
    }
    return u;
  });
}

/** `[out] EFS_RPC_BLOB**` then the return value: the blob's length. */
function blobResponse(name: string): OperationDecoder {
  return {
    response: (r) => {
      const length = r.pointer() === 0 ? null : blobLength(r);
      return { [name]: length, returnValue: r.u32() };
    },
  };
}

/** `[out] ENCRYPTION_CERTIFICATE_HASH_LIST**` then the return value. */
function hashListResponse(r: NdrReader): RpcArguments {
  if (r.pointer() === 0) return { count: 0, users: [], returnValue: r.u32() };
  const list = certificateHashList(r);
  return { ...list, returnValue: r.u32() };
}

/** The FileName (a [ref] string) and nothing more of the request. */
const fileNameOnly = (r: NdrReader): RpcArguments => ({ fileName: r.wstring() });

/**
 * EFSRPC argument decoders, under both of its UUIDs: `efsrpc` on
 * \pipe\lsarpc and on \pipe\efsrpc ([MS-EFSR] 2.1). Win32 error codes.
 */
export const efsrpc: InterfaceDecoder = {
  uuids: ["c681d488-d850-11d0-8c52-00c04fd90f7e", "df1941c5-fe89-4e79-bf10-463657acf44d"],
  returns: "win32",
  ops: {
    // EfsRpcOpenFileRaw
    0: {
      request: (r) => ({ fileName: r.wstring(), flags: r.u32() }),
      response: handleResponse,
    },
    // EfsRpcCloseRaw (no return value)
    3: { request: handleOnly, response: handleOnly },
    // EfsRpcEncryptFileSrv
    4: { request: fileNameOnly, response: returnOnly },
    // EfsRpcDecryptFileSrv
    5: { request: (r) => ({ fileName: r.wstring(), openFlag: r.u32() }), response: returnOnly },
    // EfsRpcQueryUsersOnFile
    6: { request: fileNameOnly, response: hashListResponse },
    // EfsRpcQueryRecoveryAgents
    7: { request: fileNameOnly, response: hashListResponse },
    // EfsRpcRemoveUsersFromFile
    8: {
      request: (r) => ({ fileName: r.wstring(), ...certificateHashList(r) }),
      response: returnOnly,
    },
    // EfsRpcAddUsersToFile
    9: {
      request: (r) => ({ fileName: r.wstring(), ...certificateList(r) }),
      response: returnOnly,
    },
    // EfsRpcFileKeyInfo
    12: {
      request: (r) => ({ fileName: r.wstring(), infoClass: r.u32() }),
      ...blobResponse("keyInfoLength"),
    },
    // EfsRpcDuplicateEncryptionInfoFile
    13: {
      request: (r) => ({
        srcFileName: r.wstring(),
        destFileName: r.wstring(),
        creationDisposition: r.u32(),
        attributes: r.u32(),
        relativeSDLength: optionalBlob(r),
        inheritHandle: r.u32() !== 0,
      }),
      response: returnOnly,
    },
    // EfsRpcAddUsersToFileEx
    15: {
      request: (r) => {
        const flags = r.u32();
        optionalBlob(r); // Reserved
        return { flags, fileName: r.wstring(), ...certificateList(r) };
      },
      response: returnOnly,
    },
    // EfsRpcFileKeyInfoEx
    16: {
      request: (r) => {
        const fileKeyInfoFlags = r.u32();
        optionalBlob(r); // Reserved
        return { fileKeyInfoFlags, fileName: r.wstring(), infoClass: r.u32() };
      },
      ...blobResponse("keyInfoLength"),
    },
    // EfsRpcGetEncryptedFileMetadata
    18: { request: fileNameOnly, ...blobResponse("efsStreamBlobLength") },
    // EfsRpcSetEncryptedFileMetadata: the blobs' sizes; the signature is not decoded.
    19: {
      request: (r) => ({
        fileName: r.wstring(),
        oldEfsStreamBlobLength: optionalBlob(r),
        newEfsStreamBlobLength: blobLength(r),
        newEfsSignature: r.pointer() !== 0,
      }),
      response: returnOnly,
    },
    // EfsRpcEncryptFileExSrv
    21: {
      request: (r) => ({
        fileName: r.wstring(),
        protectorDescriptor: optionalString(r),
        flags: r.u32(),
      }),
      response: returnOnly,
    },
    // EfsRpcQueryProtectors: the request names a file too.
    22: { request: fileNameOnly },
  },
};
