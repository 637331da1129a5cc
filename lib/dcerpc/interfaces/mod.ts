/**
 * The argument decoders, one file per interface: adding one is a file in
 * this folder and a line in this list.
 * @module
 */
import { efsrpc } from "./efsrpc.ts";
import { remoteWinspool } from "./remote_winspool.ts";
import { spoolss } from "./spoolss.ts";
import { srvsvc } from "./srvsvc.ts";
import { svcctl } from "./svcctl.ts";
import type { InterfaceDecoder } from "./types.ts";

/** Every interface whose arguments smbscope decodes. */
export const INTERFACE_DECODERS: readonly InterfaceDecoder[] = [
  svcctl,
  srvsvc,
  efsrpc,
  spoolss,
  remoteWinspool,
];
