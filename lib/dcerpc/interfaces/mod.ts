/**
 * The argument decoders, one file per interface: adding one is a file in
 * this folder and a line in this list.
 * @module
 */
import { atsvc } from "./atsvc.ts";
import { drsuapi } from "./drsuapi.ts";
import { efsrpc } from "./efsrpc.ts";
import { epm } from "./epm.ts";
import { lsarpc } from "./lsarpc.ts";
import { netlogon } from "./netlogon.ts";
import { remoteWinspool } from "./remote_winspool.ts";
import { samr } from "./samr.ts";
import { spoolss } from "./spoolss.ts";
import { srvsvc } from "./srvsvc.ts";
import { svcctl } from "./svcctl.ts";
import { tsch } from "./tsch.ts";
import type { InterfaceDecoder } from "./types.ts";
import { winreg } from "./winreg.ts";
import { wkssvc } from "./wkssvc.ts";

/** Every interface whose arguments smbscope decodes. */
export const INTERFACE_DECODERS: readonly InterfaceDecoder[] = [
  svcctl,
  srvsvc,
  wkssvc,
  atsvc,
  tsch,
  winreg,
  efsrpc,
  spoolss,
  remoteWinspool,
  netlogon,
  samr,
  lsarpc,
  drsuapi,
  epm,
];
