/**
 * Every detection rule, one file each in this folder: adding one is its file
 * and a line in this list.
 * @module
 */
import type { Rule } from "../rule.ts";

/** The rules, in the order `--list-rules` shows them. */
export const RULES: readonly Rule[] = [];
