/**
 * SESSION_SETUP. [MS-SMB2] 2.2.5 (request), 2.2.6 (response)
 *
 * Request fields: `flags`, `flagNames` (BINDING), `securityMode`,
 * `securityModeNames`, `capabilities`, `capabilityNames`, `channel`,
 * `securityBufferLength`, `previousSessionId` (decimal string).
 * Response fields: `sessionFlags`, `sessionFlagNames` (IS_GUEST, IS_NULL,
 * ENCRYPT_DATA), `guest`, `null`, `encryptData`, `securityBufferLength`.
 * Both hand the security buffer (SPNEGO or raw NTLMSSP) out as `securityBlob`,
 * a view; lib/auth/ decodes it. A response with STATUS_MORE_PROCESSING_REQUIRED
 * carries this body, not an ERROR body (see error.ts).
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { Capabilities, SecurityMode } from "./negotiate.ts";
import { flagNames } from "./wire.ts";

/** Request Flags. [MS-SMB2] 2.2.5 */
export const SessionSetupFlags = { BINDING: 0x01 } as const;

/** Response SessionFlags. [MS-SMB2] 2.2.6 */
export const SessionFlags = {
  IS_GUEST: 0x0001,
  IS_NULL: 0x0002,
  ENCRYPT_DATA: 0x0004,
} as const;

function blob(b: Smb2Body, offset: number, length: number): void {
  b.fields.securityBufferLength = length;
  const view = b.region(offset, length, "security buffer");
  if (view !== undefined && view.length > 0) b.out.securityBlob = view;
}

/** [MS-SMB2] 2.2.5: StructureSize 25. */
export function parseSessionSetupRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(25);
  const flags = c.u8();
  f.flags = flags;
  f.flagNames = flagNames(flags, SessionSetupFlags);
  b.out.record = {
    kind: "session_setup_request",
    binding: (flags & SessionSetupFlags.BINDING) !== 0,
  };
  const securityMode = c.u8();
  f.securityMode = securityMode;
  f.securityModeNames = flagNames(securityMode, SecurityMode);
  const capabilities = c.u32();
  f.capabilities = capabilities;
  f.capabilityNames = flagNames(capabilities, Capabilities);
  f.channel = c.u32();
  const offset = c.u16(), length = c.u16();
  f.previousSessionId = b.u64();
  blob(b, offset, length);
}

/** [MS-SMB2] 2.2.6: StructureSize 9. */
export function parseSessionSetupResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(9);
  const flags = c.u16();
  f.sessionFlags = flags;
  f.sessionFlagNames = flagNames(flags, SessionFlags);
  f.guest = (flags & SessionFlags.IS_GUEST) !== 0;
  f.null = (flags & SessionFlags.IS_NULL) !== 0;
  f.encryptData = (flags & SessionFlags.ENCRYPT_DATA) !== 0;
  b.out.record = {
    kind: "session_setup_response",
    guest: (flags & SessionFlags.IS_GUEST) !== 0,
    anonymous: (flags & SessionFlags.IS_NULL) !== 0,
  };
  const offset = c.u16(), length = c.u16();
  blob(b, offset, length);
}
