/**
 * What an argument decoder of one DCE/RPC interface provides: per opnum,
 * readers of the request and response stubs into plain JSON values.
 * @module
 */
import type { NdrReader } from "../ndr.ts";

/** Decoded arguments: JSON values only (strings, numbers, booleans, null, arrays, objects). */
export type RpcArguments = { [name: string]: unknown };

/** How an interface's operations report their outcome in the response's return value. */
export type ReturnKind = "win32" | "ntstatus" | "hresult" | "none";

/** Readers of one operation's stubs. Each reads from the start of the stub and may throw `NdrError`. */
export interface OperationDecoder {
  /** The [in] parameters. */
  request?(r: NdrReader): RpcArguments;
  /**
   * The [out] parameters; the return value, when the operation has one, as
   * `returnValue` (a number, read last), which the caller turns into the call's status.
   */
  response?(r: NdrReader): RpcArguments;
}

/** The argument decoders of one interface (one file in this folder, one line in `mod.ts`). */
export interface InterfaceDecoder {
  /** Lower-case interface UUIDs it decodes (EFSRPC is reachable under two). */
  readonly uuids: readonly string[];
  /** What its return values are (the default for its operations). */
  readonly returns: ReturnKind;
  /** Decoders by opnum; operations without one still get names and stub lengths. */
  readonly ops: Readonly<Record<number, OperationDecoder>>;
}
