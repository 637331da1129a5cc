/**
 * Every detection rule, one file each in this folder: adding one is its file
 * and a line in this list.
 * @module
 */
import type { Rule } from "../rule.ts";
import { anonymousEnumeration } from "./anonymous_enumeration.ts";
import { dcshadow } from "./dcshadow.ts";
import { dcsync } from "./dcsync.ts";
import { doublepulsar, doublepulsarPing } from "./doublepulsar.ts";
import { efsCoercion } from "./efs_coercion.ts";
import { ms17010EternalBlue } from "./ms17_010_eternalblue.ts";
import { ms17010EternalChampion } from "./ms17_010_eternalchampion.ts";
import { ms17010EternalRomance } from "./ms17_010_eternalromance.ts";
import { ms17010SessionSetupConfusion } from "./ms17_010_session_setup.ts";
import { ms08067 } from "./ms08_067.ts";
import { printerBug } from "./printerbug.ts";
import { printNightmare } from "./printnightmare.ts";
import { psexecService } from "./psexec_service.ts";
import { remoteRegistryRunKey } from "./remote_registry_run_key.ts";
import { remoteScheduledTask } from "./remote_task.ts";
import { smbghost } from "./smbghost.ts";
import { zerologon } from "./zerologon.ts";
import { ntlmv1 } from "./ntlmv1.ts";
import { passwordBruteForce } from "./password_brute_force.ts";
import { passwordSpray } from "./password_spray.ts";

/** The rules, in the order `--list-rules` shows them. */
export const RULES: readonly Rule[] = [
  ms08067,
  ms17010EternalBlue,
  ms17010EternalRomance,
  ms17010EternalChampion,
  ms17010SessionSetupConfusion,
  doublepulsar,
  doublepulsarPing,
  smbghost,
  psexecService,
  remoteScheduledTask,
  remoteRegistryRunKey,
  printNightmare,
  efsCoercion,
  printerBug,
  zerologon,
  dcsync,
  dcshadow,
  ntlmv1,
  anonymousEnumeration,
  passwordSpray,
  passwordBruteForce,
];
