/**
 * The SMB2/SMB3 parser for the layer above: `parseSmb2` and the tables the
 * session layer names things with.
 * @module
 */
export { parseSmb2, type RequestLookup } from "./parse.ts";
export { Smb2Command, smb2CommandName } from "./commands.ts";
export { dialectName } from "./negotiate.ts";
export { ctlCodeName } from "./ioctl_codes.ts";
export { infoClassName, infoTypeName } from "./info_classes.ts";
export { MAX_DECOMPRESSED_SIZE } from "./compression.ts";
export { MAX_COMPOUND_MESSAGES } from "./compound.ts";
export type {
  Smb2Compression,
  Smb2Header,
  Smb2Message,
  Smb2Packet,
  Smb2Transform,
} from "./types.ts";
