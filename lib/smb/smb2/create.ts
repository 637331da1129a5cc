/**
 * CREATE. [MS-SMB2] 2.2.13 (request), 2.2.14 (response)
 *
 * Request fields: `securityFlags`, `requestedOplockLevel`,
 * `requestedOplockLevelName`, `impersonationLevel`, `impersonationLevelName`,
 * `desiredAccess`, `desiredAccessNames`, `fileAttributes`,
 * `fileAttributeNames`, `shareAccess`, `shareAccessNames`, `createDisposition`,
 * `createDispositionName`, `createOptions`, `createOptionNames`, `fileName`
 * (relative to the share, "" for its root), and `createContexts` /
 * `createContextNames` (see create_context.ts).
 *
 * Response fields: `oplockLevel`, `oplockLevelName`, `flags` (REPARSEPOINT),
 * `createAction`, `createActionName`, `creationTime`, `lastAccessTime`,
 * `lastWriteTime`, `changeTime` (ISO 8601), `allocationSize`, `endOfFile`
 * (decimal strings), `fileAttributes`, `fileAttributeNames`, `fileId`,
 * `createContexts` / `createContextNames`.
 * @module
 */
import { CreateAction, CreateDisposition } from "../fscc.ts";
import { accessMaskNames, ShareAccess } from "./access.ts";
import type { Smb2Body } from "./body.ts";
import { readCreateContexts } from "./create_context.ts";
import { fileAttributeNames } from "./file_attributes.ts";
import { oplockLevelName } from "./oplock_break.ts";
import { enumLookup, flagNames } from "./wire.ts";

/** ImpersonationLevel. [MS-SMB2] 2.2.13 */
export const ImpersonationLevel = {
  Anonymous: 0,
  Identification: 1,
  Impersonation: 2,
  Delegate: 3,
} as const;
const impersonationLevelName = enumLookup(ImpersonationLevel, 8);

export const createDispositionName: (v: number) => string = enumLookup(CreateDisposition, 8);

/** CreateOptions. [MS-SMB2] 2.2.13 */
export const CreateOptions = {
  FILE_DIRECTORY_FILE: 0x0000_0001,
  FILE_WRITE_THROUGH: 0x0000_0002,
  FILE_SEQUENTIAL_ONLY: 0x0000_0004,
  FILE_NO_INTERMEDIATE_BUFFERING: 0x0000_0008,
  FILE_SYNCHRONOUS_IO_ALERT: 0x0000_0010,
  FILE_SYNCHRONOUS_IO_NONALERT: 0x0000_0020,
  FILE_NON_DIRECTORY_FILE: 0x0000_0040,
  FILE_COMPLETE_IF_OPLOCKED: 0x0000_0100,
  FILE_NO_EA_KNOWLEDGE: 0x0000_0200,
  FILE_OPEN_REMOTE_INSTANCE: 0x0000_0400,
  FILE_RANDOM_ACCESS: 0x0000_0800,
  FILE_DELETE_ON_CLOSE: 0x0000_1000,
  FILE_OPEN_BY_FILE_ID: 0x0000_2000,
  FILE_OPEN_FOR_BACKUP_INTENT: 0x0000_4000,
  FILE_NO_COMPRESSION: 0x0000_8000,
  FILE_OPEN_REQUIRING_OPLOCK: 0x0001_0000,
  FILE_DISALLOW_EXCLUSIVE: 0x0002_0000,
  FILE_RESERVE_OPFILTER: 0x0010_0000,
  FILE_OPEN_REPARSE_POINT: 0x0020_0000,
  FILE_OPEN_NO_RECALL: 0x0040_0000,
  FILE_OPEN_FOR_FREE_SPACE_QUERY: 0x0080_0000,
} as const;

export const createActionName: (v: number) => string = enumLookup(CreateAction, 8);

/** Response Flags. [MS-SMB2] 2.2.14 */
export const CreateResponseFlags = { REPARSEPOINT: 0x01 } as const;

/** [MS-SMB2] 2.2.13: StructureSize 57. */
export function parseCreateRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(57);
  f.securityFlags = c.u8();
  const oplock = c.u8();
  f.requestedOplockLevel = oplock;
  f.requestedOplockLevelName = oplockLevelName(oplock);
  const impersonation = c.u32();
  f.impersonationLevel = impersonation;
  f.impersonationLevelName = impersonationLevelName(impersonation);
  c.skip(16); // SmbCreateFlags (8), Reserved (8)
  const access = c.u32();
  f.desiredAccess = access;
  f.desiredAccessNames = accessMaskNames(access);
  const attributes = c.u32();
  f.fileAttributes = attributes;
  f.fileAttributeNames = fileAttributeNames(attributes);
  const share = c.u32();
  f.shareAccess = share;
  f.shareAccessNames = flagNames(share, ShareAccess);
  const disposition = c.u32();
  f.createDisposition = disposition;
  f.createDispositionName = createDispositionName(disposition);
  const options = c.u32();
  f.createOptions = options;
  f.createOptionNames = flagNames(options, CreateOptions);
  const nameOffset = c.u16(), nameLength = c.u16();
  const contextsOffset = c.u32(), contextsLength = c.u32();
  const name = b.string(nameOffset, nameLength, "file name");
  if (name !== undefined) f.fileName = name;
  b.out.record = {
    kind: "create_request",
    fileName: name,
    desiredAccess: access,
    createDisposition: disposition,
    createOptions: options,
  };
  readCreateContexts(b, contextsOffset, contextsLength);
}

/** [MS-SMB2] 2.2.14: StructureSize 89. */
export function parseCreateResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(89);
  const oplock = c.u8();
  f.oplockLevel = oplock;
  f.oplockLevelName = oplockLevelName(oplock);
  const flags = c.u8();
  f.flags = flags;
  f.flagNames = flagNames(flags, CreateResponseFlags);
  const action = c.u32();
  f.createAction = action;
  const actionName = createActionName(action);
  f.createActionName = actionName;
  const creationTime = b.time();
  f.creationTime = creationTime;
  f.lastAccessTime = b.time();
  const lastWriteTime = b.time();
  f.lastWriteTime = lastWriteTime;
  f.changeTime = b.time();
  f.allocationSize = b.u64Number();
  const endOfFile = b.u64Number();
  f.endOfFile = endOfFile;
  const attributes = c.u32();
  f.fileAttributes = attributes;
  f.fileAttributeNames = fileAttributeNames(attributes);
  b.out.record = {
    kind: "create_response",
    createActionName: actionName,
    endOfFile,
    creationTime,
    lastWriteTime,
    fileAttributes: attributes,
  };
  c.skip(4); // Reserved2
  b.fileId();
  const contextsOffset = c.u32(), contextsLength = c.u32();
  readCreateContexts(b, contextsOffset, contextsLength);
}

export { CreateAction, CreateDisposition };
