/**
 * Every detection rule, one file each in this folder: adding one is its file
 * and a line in this list.
 * @module
 */
import type { Rule } from "../rule.ts";
import { anonymousEnumeration } from "./anonymous_enumeration.ts";
import { ntlmv1 } from "./ntlmv1.ts";
import { passwordBruteForce, passwordSpray } from "./password_spray.ts";

/** The rules, in the order `--list-rules` shows them. */
export const RULES: readonly Rule[] = [
  ntlmv1,
  anonymousEnumeration,
  passwordSpray,
  passwordBruteForce,
];
