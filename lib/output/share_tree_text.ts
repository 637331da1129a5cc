/**
 * The share tree as `tree` draws a folder: one header line per share, then
 * one line per entry with its size, time, latest version and fate.
 * @module
 */
import type { ShareTreeEntry, ShareTreeJson } from "../files/share_tree.ts";
import { escapeControl } from "./sanitize.ts";
import { formatBytes, formatTs } from "./text.ts";

/** Deepest level drawn with guides; deeper entries say how much deeper instead, so a hostile path cannot blow a line up. */
const MAX_DRAWN_DEPTH = 32;

/**
 * Lines of text for a share tree, drawn with tree(1)'s box-drawing guides, e.g. a guide then
 * `small_01.txt  137 B  2026-11-22T14:17:00Z  [v1 sha256 eb3bdf2a...] (deleted)`.
 * Every name from the capture has its control characters escaped.
 */
export function formatShareTree(tree: ShareTreeJson): string[] {
  const lines: string[] = [];
  for (const share of tree.shares) {
    const name = share.share === undefined ? "(share not seen)" : escapeControl(share.share);
    const n = share.entries.length;
    lines.push(`${name}  ${n} ${n === 1 ? "entry" : "entries"}`);
    const last = lastOfSiblings(share.entries);
    const ancestorsLast: boolean[] = [];
    share.entries.forEach((e, i) => {
      ancestorsLast[e.depth] = last[i]!;
      const drawn = Math.min(e.depth, MAX_DRAWN_DEPTH);
      let prefix = "";
      for (let d = 0; d < drawn; d++) prefix += ancestorsLast[d] ? "    " : "\u2502   ";
      if (e.depth > drawn) prefix += `[+${e.depth - drawn}] `;
      lines.push(
        `${prefix}${last[i] ? "\u2514\u2500\u2500 " : "\u251C\u2500\u2500 "}${entryText(e)}`,
      );
    });
  }
  if (tree.droppedEntries > 0) {
    lines.push(`${tree.droppedEntries} names not kept (maxEntries reached)`);
  }
  if (tree.droppedVersions > 0) lines.push(`${tree.droppedVersions} older versions not kept`);
  if (tree.unplacedListings > 0) {
    lines.push(`${tree.unplacedListings} listings of a directory not seen opened`);
  }
  return lines;
}

/**
 * Whether each entry is the last child of its parent, from the depth-first
 * order: walking backwards, an entry is last when no sibling came after it.
 */
function lastOfSiblings(entries: ShareTreeEntry[]): boolean[] {
  const last = new Array<boolean>(entries.length);
  const later: boolean[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const d = entries[i]!.depth;
    last[i] = later[d] !== true;
    later[d] = true;
    // What is deeper belonged to this entry's subtree or a later sibling's.
    later.length = d + 1;
  }
  return last;
}

function entryText(e: ShareTreeEntry): string {
  const parts = [escapeControl(e.name) + (e.directory === true ? "\\" : "")];
  if (e.size !== undefined && e.directory !== true) parts.push(formatBytes(e.size));
  const v = e.versions?.[e.versions.length - 1];
  parts.push(formatTs(v?.ts ?? e.lastSeen).slice(0, 19) + "Z");
  if (v !== undefined) {
    parts.push(`[v${v.n}${v.sha256 === undefined ? "" : ` sha256 ${v.sha256.slice(0, 8)}\u2026`}]`);
  }
  let text = parts.join("  ");
  if (e.streams !== undefined) text += ` {${e.streams.map(escapeControl).join(", ")}}`;
  const from = e.renamedFrom?.[e.renamedFrom.length - 1];
  if (from !== undefined) text += ` (renamed from ${escapeControl(from)})`;
  if (e.deleted === true) text += " (deleted)";
  return text;
}
