/**
 * The SMB1 layer for the analyzer above it: `parseSmb1` for messages, the
 * name tables, `TransactionAssembler` and `decodeTransactionBlocks` for
 * transactions that span several messages.
 * @module
 */
export * from "./types.ts";
export { parseSmb1 } from "./parse.ts";
export { FLAGS2_UNICODE, FLAGS_REPLY, isSmb1, SMB1_HEADER_SIZE } from "./header.ts";
export {
  capabilityNames,
  createActionName,
  createDispositionName,
  infoLevelName,
  ntTransactFunctionName,
  Smb1Command as Smb1CommandCode,
  smb1CommandName,
  trans2SubcommandName,
  transSubcommandName,
} from "./commands.ts";
export { MAX_ANDX_DEPTH } from "./andx.ts";
export { decodeTransactionBlocks, type TransactionKind, transactionKind } from "./trans.ts";
export {
  type AssemblerLimits,
  type AssemblyProblem,
  type AssemblyResult,
  TransactionAssembler,
  type TransactionPart,
  transactionPart,
} from "./trans_assembly.ts";
