/**
 * File names from the wire in one form, and names for carved files on a
 * local disk. Names come from the attacker: a carved file's name keeps what
 * it can of the SMB path but can never leave the output folder, name a
 * device, hide behind control characters or grow without bound.
 * @module
 */

/** One form for an SMB path within a share: backslashes, no leading backslash. */
export function normalisePath(name: string): string {
  let s = name.includes("/") ? name.replaceAll("/", "\\") : name;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 0x5c) i++;
  if (i > 0) s = s.slice(i);
  return s;
}

/** Longest name component written, in UTF-16 units (filesystems allow 255 bytes). */
const MAX_COMPONENT = 80;
/** Deepest folder nesting written; deeper components join the file name. */
const MAX_DEPTH = 12;
/** Device names Windows reserves in any folder and with any extension. */
const RESERVED =
  /^(con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9\u00B9\u00B2\u00B3]|lpt[0-9\u00B9\u00B2\u00B3])(\..*)?$/i;

/** One path component made safe: never empty, `.` or `..`, no separators or control characters. */
export function safeComponent(raw: string): string {
  let s = "";
  for (const ch of raw) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) {
      s += "_";
    } else if ('/\\:*?"<>|'.includes(ch)) s += "_";
    else s += ch;
  }
  // Windows drops trailing dots and spaces, which would merge names.
  s = s.replace(/[. ]+$/, (m) => "_".repeat(m.length));
  if (s === "") s = "_";
  if (RESERVED.test(s)) s = `_${s}`;
  if (s.length > MAX_COMPONENT) {
    const dot = s.lastIndexOf(".");
    const ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : "";
    s = [...s.slice(0, MAX_COMPONENT - ext.length)].join("") + ext;
    // Do not leave half a surrogate pair.
    s = s.replace(/[\ud800-\udbff](?=\.|$)/, "_");
  }
  return s;
}

/**
 * Folder names under the output folder for a share: `server/share`
 * (from `\\server\share`), or `unknown-share` when it was not seen.
 */
function shareComponents(share: string | undefined): string[] {
  if (share === undefined) return ["unknown-share"];
  const parts = share.split(/[\\/]+/).filter((p) => p !== "");
  return parts.length === 0 ? ["unknown-share"] : parts.slice(0, 2).map(safeComponent);
}

/**
 * Hands out relative paths for carved files, unique within one output
 * folder (compared case-insensitively, as on Windows and macOS), each with a
 * sidecar name. A second file under the same name gets `~2`, `~3`... before
 * its extension.
 */
export class ExtractionNames {
  readonly #files = new Set<string>();
  readonly #dirs = new Set<string>();

  /**
   * A new relative path (`/`-separated) for a file of `share` at SMB `path`,
   * and the name of its JSON sidecar beside it. A file whose name was not
   * seen (a handle first met in use) is `FileId_<handle>`, as Wireshark names it.
   */
  name(share: string | undefined, path: string, handle = ""): { file: string; sidecar: string } {
    const given = normalisePath(path);
    const parts = (given === "" && handle !== "" ? `FileId_${handle}` : given).split("\\")
      .filter((p) => p !== "");
    let name = parts.pop() ?? "";
    const dirs = [...shareComponents(share), ...parts.map(safeComponent)];
    if (dirs.length > MAX_DEPTH) {
      name = dirs.splice(MAX_DEPTH).join("_") + "_" + name;
    }
    // A folder whose name a file already took gets a suffix, and so on down.
    let prefix = "";
    for (let i = 0; i < dirs.length; i++) {
      let dir = dirs[i]!;
      for (let n = 2; this.#files.has(key(prefix + dir)); n++) dir = `${dirs[i]}~${n}`;
      prefix += dir + "/";
      this.#dirs.add(key(prefix.slice(0, -1)));
    }
    const base = safeComponent(name);
    const dot = base.lastIndexOf(".");
    const stem = dot > 0 ? base.slice(0, dot) : base, ext = dot > 0 ? base.slice(dot) : "";
    for (let n = 1;; n++) {
      const file = prefix + (n === 1 ? base : `${stem}~${n}${ext}`);
      const sidecar = `${file}.smbscope.json`;
      const k = key(file), ks = key(sidecar);
      if (this.#files.has(k) || this.#dirs.has(k) || this.#files.has(ks) || this.#dirs.has(ks)) {
        continue;
      }
      this.#files.add(k);
      this.#files.add(ks);
      return { file, sidecar };
    }
  }
}

function key(path: string): string {
  return path.toLowerCase();
}
