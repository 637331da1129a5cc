/**
 * IOCTL. [MS-SMB2] 2.2.31 (request), 2.2.32 (response)
 *
 * Request fields: `ctlCode`, `ctlCodeName`, `fileId`, `inputOffset`,
 * `inputCount`, `maxInputResponse`, `outputOffset`, `outputCount`,
 * `maxOutputResponse`, `flags`, `isFsctl`. Response fields: `ctlCode`,
 * `ctlCodeName`, `fileId`, `inputOffset`, `inputCount`, `outputOffset`,
 * `outputCount`, `flags`. The buffers are located by `ioctlInput` and
 * `ioctlOutput` (offsets from this message's header), never copied.
 *
 * Decoded buffers, by control code:
 * - FSCTL_VALIDATE_NEGOTIATE_INFO request ([MS-SMB2] 2.2.31.4): `capabilities`,
 *   `capabilityNames`, `clientGuid`, `securityMode`, `dialects`,
 *   `dialectRevisions`; response (2.2.32.6): `capabilities`, `capabilityNames`,
 *   `serverGuid`, `securityMode`, `dialect`, `dialectRevision`
 * - FSCTL_DFS_GET_REFERRALS(_EX): see dfs_referral.ts
 * - FSCTL_PIPE_WAIT request ([MS-FSCC] 2.3.49): `pipeName`, `timeoutSpecified`
 * - FSCTL_SRV_REQUEST_RESUME_KEY response (2.2.32.3): `resumeKey` (hex)
 * - FSCTL_SRV_COPYCHUNK(_WRITE) request (2.2.31.1): `chunkCount`; response
 *   (2.2.32.1): `chunksWritten`, `chunkBytesWritten`, `totalBytesWritten`
 * @module
 */
import type { Smb2Body } from "./body.ts";
import {
  readDfsReferralRequest,
  readDfsReferralRequestEx,
  readDfsReferralResponse,
} from "./dfs_referral.ts";
import { CtlCode, ctlCodeName } from "./ioctl_codes.ts";
import { Capabilities, dialectName } from "./negotiate.ts";
import { Cursor, flagNames, guidString, toHex, utf16 } from "./wire.ts";

/** Flags. [MS-SMB2] 2.2.31 */
export const IoctlFlags = { IOCTL_IS_FSCTL: 0x0000_0001 } as const;

function decodeInput(b: Smb2Body, code: number, input: Uint8Array): void {
  const f = b.fields;
  const c = new Cursor(input);
  switch (code) {
    case CtlCode.FSCTL_VALIDATE_NEGOTIATE_INFO: {
      const capabilities = c.u32();
      f.capabilities = capabilities;
      f.capabilityNames = flagNames(capabilities, Capabilities);
      f.clientGuid = guidString(c.take(16));
      f.securityMode = c.u16();
      const count = c.u16();
      const revisions: number[] = [];
      for (let i = 0; i < count; i++) revisions.push(c.u16());
      f.dialects = revisions.map(dialectName);
      f.dialectRevisions = revisions;
      break;
    }
    case CtlCode.FSCTL_DFS_GET_REFERRALS:
      readDfsReferralRequest(input, f);
      break;
    case CtlCode.FSCTL_DFS_GET_REFERRALS_EX:
      readDfsReferralRequestEx(input, f);
      break;
    case CtlCode.FSCTL_PIPE_WAIT: {
      c.skip(8); // Timeout
      const nameLength = c.u32();
      f.timeoutSpecified = c.u8() !== 0;
      c.skip(1);
      f.pipeName = utf16(c.take(nameLength));
      break;
    }
    case CtlCode.FSCTL_SRV_COPYCHUNK:
    case CtlCode.FSCTL_SRV_COPYCHUNK_WRITE:
      c.skip(24); // SourceKey
      f.chunkCount = c.u32();
      break;
  }
}

function decodeOutput(b: Smb2Body, code: number, output: Uint8Array): void {
  const f = b.fields;
  const c = new Cursor(output);
  switch (code) {
    case CtlCode.FSCTL_VALIDATE_NEGOTIATE_INFO: {
      const capabilities = c.u32();
      f.capabilities = capabilities;
      f.capabilityNames = flagNames(capabilities, Capabilities);
      f.serverGuid = guidString(c.take(16));
      f.securityMode = c.u16();
      const revision = c.u16();
      f.dialect = dialectName(revision);
      f.dialectRevision = revision;
      break;
    }
    case CtlCode.FSCTL_DFS_GET_REFERRALS:
    case CtlCode.FSCTL_DFS_GET_REFERRALS_EX: {
      const stopped = readDfsReferralResponse(output, f);
      if (stopped !== undefined) b.problem("malformed", `DFS referral response: ${stopped}`);
      break;
    }
    case CtlCode.FSCTL_SRV_REQUEST_RESUME_KEY:
      f.resumeKey = toHex(c.take(24));
      break;
    case CtlCode.FSCTL_SRV_COPYCHUNK:
    case CtlCode.FSCTL_SRV_COPYCHUNK_WRITE:
      f.chunksWritten = c.u32();
      f.chunkBytesWritten = c.u32();
      f.totalBytesWritten = c.u32();
      break;
  }
}

/** Decodes a buffer only when all of it is present. */
function decodeBuffer(
  b: Smb2Body,
  code: number,
  offset: number,
  count: number,
  what: "input" | "output",
): void {
  if (count === 0 || offset + count > b.msg.length || offset < 64) return;
  const bytes = b.msg.subarray(offset, offset + count);
  b.guard(`${ctlCodeName(code)} ${what}`, () => {
    if (what === "input") decodeInput(b, code, bytes);
    else decodeOutput(b, code, bytes);
  });
}

/** [MS-SMB2] 2.2.31: StructureSize 57. */
export function parseIoctlRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(57);
  c.skip(2); // Reserved
  const code = c.u32();
  f.ctlCode = code;
  f.ctlCodeName = ctlCodeName(code);
  b.out.record = { kind: "ioctl_request", ctlCode: code };
  b.fileId();
  const inputOffset = c.u32(), inputCount = c.u32();
  f.inputOffset = inputOffset;
  f.inputCount = inputCount;
  f.maxInputResponse = c.u32();
  const outputOffset = c.u32(), outputCount = c.u32();
  f.outputOffset = outputOffset;
  f.outputCount = outputCount;
  f.maxOutputResponse = c.u32();
  const flags = c.u32();
  f.flags = flags;
  f.isFsctl = (flags & IoctlFlags.IOCTL_IS_FSCTL) !== 0;
  locate(b, inputOffset, inputCount, outputOffset, outputCount);
  decodeBuffer(b, code, inputOffset, inputCount, "input");
}

/** [MS-SMB2] 2.2.32: StructureSize 49. */
export function parseIoctlResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(49);
  c.skip(2); // Reserved
  const code = c.u32();
  f.ctlCode = code;
  f.ctlCodeName = ctlCodeName(code);
  b.out.record = { kind: "ioctl_response", ctlCode: code };
  b.fileId();
  const inputOffset = c.u32(), inputCount = c.u32();
  f.inputOffset = inputOffset;
  f.inputCount = inputCount;
  const outputOffset = c.u32(), outputCount = c.u32();
  f.outputOffset = outputOffset;
  f.outputCount = outputCount;
  f.flags = c.u32();
  locate(b, inputOffset, inputCount, outputOffset, outputCount);
  decodeBuffer(b, code, outputOffset, outputCount, "output");
}

function locate(
  b: Smb2Body,
  inputOffset: number,
  inputCount: number,
  outputOffset: number,
  outputCount: number,
): void {
  if (inputCount > 0) {
    const input = b.location(inputOffset, inputCount, "ioctl input");
    if (input !== undefined) b.out.ioctlInput = input;
  }
  if (outputCount > 0) {
    const output = b.location(outputOffset, outputCount, "ioctl output");
    if (output !== undefined) b.out.ioctlOutput = output;
  }
}
