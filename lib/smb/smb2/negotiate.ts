/**
 * NEGOTIATE. [MS-SMB2] 2.2.3 (request), 2.2.4 (response)
 *
 * Request fields: `dialectCount`, `securityMode`, `securityModeNames`,
 * `capabilities`, `capabilityNames`, `clientGuid`, `dialects` (names: "2.0.2",
 * "2.1", "3.0", "3.0.2", "3.1.1", ...), `dialectRevisions` (numbers); when 3.1.1
 * is offered: `negotiateContextOffset`, `negotiateContextCount`,
 * `negotiateContexts` (see negotiate_context.ts); otherwise `clientStartTime`.
 *
 * Response fields: `securityMode`, `securityModeNames`, `dialect` (name, "2.???"
 * for the 0x02FF wildcard), `dialectRevision`, `serverGuid`, `capabilities`,
 * `capabilityNames`, `maxTransactSize`, `maxReadSize`, `maxWriteSize`,
 * `systemTime`, `serverStartTime` (ISO 8601 or null), `securityBufferLength`;
 * for 3.1.1 `negotiateContextCount` and `negotiateContexts`. The security
 * buffer (SPNEGO) is `securityBlob`.
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { readNegotiateContexts } from "./negotiate_context.ts";
import { flagNames, readGuid } from "./wire.ts";

/** Dialect revisions and their names. [MS-SMB2] 2.2.3 Dialects */
export const DIALECTS: ReadonlyMap<number, string> = new Map([
  [0x0202, "2.0.2"],
  [0x0210, "2.1"],
  /** Pre-release 3.0 numbers some clients still offer. */
  [0x0222, "2.2.2"],
  [0x0224, "2.2.4"],
  [0x0300, "3.0"],
  [0x0302, "3.0.2"],
  /** Pre-release 3.1.1 number. */
  [0x0310, "3.1.0"],
  [0x0311, "3.1.1"],
  /** The wildcard a server answers to an SMB1 multi-protocol NEGOTIATE. [MS-SMB2] 3.3.5.3.1 */
  [0x02ff, "2.???"],
]);

/** The dialect's name, `UNKNOWN_0x...` otherwise. */
export function dialectName(revision: number): string {
  return DIALECTS.get(revision) ??
    `UNKNOWN_0x${revision.toString(16).padStart(4, "0")}`;
}

/** SecurityMode bits (NEGOTIATE and SESSION_SETUP). [MS-SMB2] 2.2.3 */
export const SecurityMode = {
  SIGNING_ENABLED: 0x0001,
  SIGNING_REQUIRED: 0x0002,
} as const;

/** Global capabilities (NEGOTIATE, SESSION_SETUP, VALIDATE_NEGOTIATE_INFO). [MS-SMB2] 2.2.3 */
export const Capabilities = {
  DFS: 0x0000_0001,
  LEASING: 0x0000_0002,
  LARGE_MTU: 0x0000_0004,
  MULTI_CHANNEL: 0x0000_0008,
  PERSISTENT_HANDLES: 0x0000_0010,
  DIRECTORY_LEASING: 0x0000_0020,
  ENCRYPTION: 0x0000_0040,
  NOTIFICATIONS: 0x0000_0080,
} as const;

const DIALECT_311 = 0x0311;

/** [MS-SMB2] 2.2.3: StructureSize 36. */
export function parseNegotiateRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(36);
  const count = c.u16();
  f.dialectCount = count;
  const securityMode = c.u16();
  f.securityMode = securityMode;
  f.securityModeNames = flagNames(securityMode, SecurityMode);
  c.skip(2); // Reserved
  const capabilities = c.u32();
  f.capabilities = capabilities;
  f.capabilityNames = flagNames(capabilities, Capabilities);
  f.clientGuid = readGuid(c);
  // NegotiateContextOffset (4), Count (2), Reserved2 (2) in 3.1.1; ClientStartTime (8) before.
  const contextOffset = c.u32();
  const contextCount = c.u16();
  c.skip(2);
  const revisions: number[] = [], names: string[] = [];
  f.dialects = names;
  f.dialectRevisions = revisions;
  for (let i = 0; i < count; i++) {
    const revision = c.u16();
    revisions.push(revision);
    names.push(dialectName(revision));
  }
  if (revisions.includes(DIALECT_311)) {
    f.negotiateContextOffset = contextOffset;
    f.negotiateContextCount = contextCount;
    readNegotiateContexts(b, contextOffset, contextCount);
  }
}

/** [MS-SMB2] 2.2.4: StructureSize 65. */
export function parseNegotiateResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(65);
  const securityMode = c.u16();
  f.securityMode = securityMode;
  f.securityModeNames = flagNames(securityMode, SecurityMode);
  const revision = c.u16();
  f.dialect = dialectName(revision);
  f.dialectRevision = revision;
  b.out.record = {
    kind: "negotiate_response",
    dialectRevision: revision,
    dialect: dialectName(revision),
  };
  const contextCount = c.u16();
  f.serverGuid = readGuid(c);
  const capabilities = c.u32();
  f.capabilities = capabilities;
  f.capabilityNames = flagNames(capabilities, Capabilities);
  f.maxTransactSize = c.u32();
  f.maxReadSize = c.u32();
  f.maxWriteSize = c.u32();
  f.systemTime = b.time();
  f.serverStartTime = b.time();
  const blobOffset = c.u16(), blobLength = c.u16();
  f.securityBufferLength = blobLength;
  const contextOffset = c.u32();
  const blob = b.region(blobOffset, blobLength, "security buffer");
  if (blob !== undefined && blob.length > 0) b.out.securityBlob = blob;
  if (revision === DIALECT_311) {
    f.negotiateContextCount = contextCount;
    readNegotiateContexts(b, contextOffset, contextCount);
  }
}
