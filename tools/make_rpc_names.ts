/**
 * Generate lib/dcerpc/names_data.ts: DCE/RPC interface UUID → name and opnum → operation name,
 * read from the IDL in Microsoft's published Open Specifications ([MS-*] and [MC-*] documents).
 *
 * Usage:
 *   deno run --allow-read --allow-write --allow-run tools/make_rpc_names.ts [MIRROR_GIT_DIR]
 *     [--out FILE]
 *
 * MIRROR_GIT_DIR is a (bare) git clone of https://github.com/awakecoding/openspecs, a conversion
 * of the Windows Protocols documents to Markdown (default: the snapshot below). The specs are read
 * with `git show <commit>:skills/windows-protocols/MS-XXXX/MS-XXXX.md`; nothing is written except
 * the output file (lib/dcerpc/names_data.ts, or FILE).
 *
 * What is taken from a spec: every IDL interface definition,
 *
 *   [ uuid(367ABB81-9844-35F1-AD32-98F038001003), version(2.0), ... ] interface svcctl { ... }
 *
 * wherever it appears (usually the "Full IDL" appendix), and the names of its methods in
 * declaration order. The opnum of a method is its index in that order (IDL compilers number
 * operations from 0 as declared); placeholders such as `Opnum5NotUsedOnWire` count and keep
 * their names. `[callback]` methods (the server calls them on the client) are numbered apart and
 * left out. An object (DCOM) interface first inherits its base's operations: IUnknown has
 * QueryInterface, AddRef and Release (0-2), IDispatch, as [MS-OAUT] defines it, adds
 * GetTypeInfoCount, GetTypeInfo, GetIDsOfNames and Invoke (3-6), and an interface derived from
 * another one defined in the specs continues after that interface's operations. A method marked
 * `propget`, `propput` or `propputref` is named `get_X`, `put_X` or `putref_X`, as MIDL names the
 * vtable slot, because a property's getter and setter are two opnums with one IDL name.
 *
 * Interfaces defined in more than one document (lsarpc in [MS-LSAD] and [MS-LSAT], winreg in
 * [MS-RRP] and [MS-RSP]) are merged by opnum: a real name beats a placeholder (`Opnum14NotUsed…`,
 * `Opnum0NotImplemented`); two different real names for one opnum are reported as a conflict and
 * the name from the document with the most real names is kept.
 *
 * Check against the prose: each spec's method sections ("3.1.4.12 RCreateServiceW (Opnum 12)") and
 * method tables ("| RCreateServiceW | … Opnum: 12 |") are compared with the parsed opnums, and the
 * disagreements are printed per spec. The run prints counts, skips and conflicts with reasons.
 *
 * Written by hand below, each with the text it rests on: HAND_WRITTEN (interfaces that no [MS-*]
 * document writes as IDL), ALIASES (a second UUID for one interface), FIXES (an IDL that leaves
 * out a placeholder its own prose lists) and PIPES (pipes the generic search cannot attribute).
 * The output is sorted by UUID, read in a fixed order, and fmt-clean (`deno fmt --check`).
 */

/** The snapshot read by default (commit recorded in the output). */
const DEFAULT_MIRROR = "/work/.mirror/awakecoding+openspecs/repo";
/** Public address of the mirrored repository, recorded in the output. */
const SOURCE_REPOSITORY = "https://github.com/awakecoding/openspecs";
/** Where the Windows Protocols documents live inside that repository. */
const SPEC_ROOT = "skills/windows-protocols/";
const OUT = new URL("../lib/dcerpc/names_data.ts", import.meta.url).pathname;

// ---------------------------------------------------------------------------------------------
// Interfaces not written as IDL in the [MS-*] documents.

/** One interface as the generator sees it before formatting. */
interface Iface {
  uuid: string; // lower-case, 8-4-4-4-12
  version: string; // "major.minor"
  name: string;
  spec: string; // "MS-SCMR"; several joined with "+" after a merge
  base: string | undefined; // the interface it inherits from (object interfaces)
  pipe: string | undefined; // well-known named pipe, "\PIPE\svcctl"
  ops: string[]; // every opnum from 0, inherited ones included
  own: number; // how many of ops are declared by this interface itself (not inherited)
}

/**
 * The endpoint mapper and the remote management interface. Neither is written as IDL in an [MS-*]
 * document: [MS-RPCE] 2.2.1.2 and 2.2.1.3 only amend them and point to The Open Group's DCE 1.1
 * RPC specification [C706]. The UUIDs, versions and the operation order are those of [C706]
 * Appendix O (endpoint mapper: `[uuid(e1af8308-5d1f-11c9-91a4-08002b14a0fa), version(3.0)]
 * interface ept`, operations ept_insert … ept_mgmt_delete in that order) and Appendix Q (remote
 * management: `[uuid(afa8bd80-7d8a-11c9-bef4-08002b102989), version(1.0)] interface mgmt`,
 * rpc__mgmt_inq_if_ids … rpc__mgmt_inq_princ_name). [MS-RPCE] 2.1.1.2 gives the endpoint mapper's
 * well-known SMB endpoint, \pipe\epmapper. We name the endpoint mapper `epm`, as its pipe does.
 */
const HAND_WRITTEN: readonly Iface[] = [
  {
    uuid: "e1af8308-5d1f-11c9-91a4-08002b14a0fa",
    version: "3.0",
    name: "epm",
    spec: "C706",
    base: undefined,
    pipe: "\\PIPE\\epmapper",
    ops: [
      "ept_insert",
      "ept_delete",
      "ept_lookup",
      "ept_map",
      "ept_lookup_handle_free",
      "ept_inq_object",
      "ept_mgmt_delete",
    ],
    own: 7,
  },
  {
    uuid: "afa8bd80-7d8a-11c9-bef4-08002b102989",
    version: "1.0",
    name: "mgmt",
    spec: "C706",
    base: undefined,
    pipe: undefined,
    ops: [
      "rpc__mgmt_inq_if_ids",
      "rpc__mgmt_inq_stats",
      "rpc__mgmt_is_server_listening",
      "rpc__mgmt_stop_server_listening",
      "rpc__mgmt_inq_princ_name",
    ],
    own: 5,
  },
];

/**
 * A second UUID for an interface that a spec defines once in IDL: [MS-EFSR] 2.1 and 3.1.4.2 say
 * EFSRPC is identified by c681d488-d850-11d0-8c52-00c04fd90f7e (version 1.0) on \pipe\lsarpc and
 * by df1941c5-fe89-4e79-bf10-463657acf44d (version 1.0) on \pipe\efsrpc, with the same methods.
 * The generator checks that the alias UUID appears in the spec's text.
 */
const ALIASES: readonly {
  uuid: string;
  of: string;
  pipe: string;
  ofPipe: string;
  spec: string;
}[] = [
  {
    uuid: "df1941c5-fe89-4e79-bf10-463657acf44d",
    of: "c681d488-d850-11d0-8c52-00c04fd90f7e",
    pipe: "\\PIPE\\efsrpc",
    ofPipe: "\\PIPE\\lsarpc",
    spec: "MS-EFSR",
  },
];

/**
 * Corrections where a spec contradicts itself and its prose is explicit: `insert` goes in at
 * opnum `at` of the spec's definition of `name`, shifting the later methods. Each `evidence` must
 * occur in the spec's text, and the method before `at` must be `after`. The prose check run later
 * confirms the fix (the spec's later opnums then agree with its text).
 */
const FIXES: readonly {
  spec: string;
  name: string;
  at: number;
  after: string;
  insert: string;
  evidence: string;
}[] = [
  // [MS-FAX] 3.1.4.1's table of methods in opnum order has "Opnum79NotUsedOnWire | Reserved for
  // local use. Opnum: 79" between FAX_EnumRoutingExtensions (78) and FAX_ConnectFaxServer (80),
  // and the sections of the 50 methods after it give the same opnums; the Full IDL (6.2,
  // fax.idl) leaves the placeholder out.
  {
    spec: "MS-FAX",
    name: "fax",
    at: 79,
    after: "FAX_EnumRoutingExtensions",
    insert: "Opnum79NotUsedOnWire",
    evidence: "| Opnum79NotUsedOnWire | Reserved for local use. Opnum: 79 |",
  },
];

/**
 * Well-known pipes that the specs give in words the generic search (section 2.1, one pipe, one
 * interface) cannot attribute. Each `evidence` must occur in the spec's text.
 */
const PIPES: readonly { spec: string; name: string; pipe: string; evidence: string }[] = [
  // [MS-SRVS] 2.1: "srvsvc named pipe (RPC protseqs ncacn_np)".
  {
    spec: "MS-SRVS",
    name: "srvsvc",
    pipe: "\\PIPE\\srvsvc",
    evidence: "srvsvc named pipe (RPC protseqs ncacn_np)",
  },
  // [MS-RSP] 2.1 lists two pipes, one for each of two interfaces.
  {
    spec: "MS-RSP",
    name: "InitShutdown",
    pipe: "\\PIPE\\InitShutdown",
    evidence: "\\PIPE\\InitShutdown over named pipes (for the InitShutdown RPC interface)",
  },
  // [MS-TSCH] 1.9: "The ATSvc and SASec interfaces use … the well-known endpoint \PIPE\atsvc."
  ...["atsvc", "sasec"].map((name) => ({
    spec: "MS-TSCH",
    name,
    pipe: "\\PIPE\\atsvc",
    evidence: "The ATSvc and SASec interfaces use the ncacn_np RPC protocol sequence and the " +
      "well-known endpoint \\PIPE\\atsvc.",
  })),
];

/**
 * The root of every object interface. [MS-DCOM]'s IDL declares IUnknown's three slots as
 * `Opnum0NotUsedOnWire` … `Opnum2NotUsedOnWire` (they are never called remotely; IRemUnknown
 * does that job, [MS-DCOM] 3.1.1.5.6); we give them COM's names, QueryInterface, AddRef and
 * Release, both in the IUnknown entry and at the start of every interface derived from it.
 */
const IUNKNOWN = {
  uuid: "00000000-0000-0000-c000-000000000046",
  ops: ["QueryInterface", "AddRef", "Release"],
} as const;

// ---------------------------------------------------------------------------------------------
// Reading the mirror.

async function git(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args: ["-C", dir, ...args], stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Spec documents (`MS-XXXX/MS-XXXX.md`) in the tree, keyed by spec name. */
async function listSpecs(dir: string, commit: string): Promise<Map<string, string>> {
  const specs = new Map<string, string>();
  const names = await git(dir, "ls-tree", "-r", "--name-only", commit, "--", SPEC_ROOT);
  for (const path of names.split("\n")) {
    const m = /^skills\/windows-protocols\/(M[A-Z]-[A-Z0-9]+)\/\1\.md$/.exec(path);
    if (m) specs.set(m[1]!, path);
  }
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Markdown → plain text. The conversion kept the IDL as ordinary paragraphs (one IDL line per
// paragraph, blank lines between), so the text is IDL once Markdown's own syntax is undone.
// Every change keeps the line structure, so line numbers in messages match the .md file.

/** Characters that CommonMark lets a backslash escape (`\_`, `\*`, `\[`, …). */
const MD_ESCAPE = /\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g;
/** Links `[text](#Section_2.2)`, `[text](../MS-DTYP/MS-DTYP.md)`, `[text](https://…)`. */
const MD_LINK = /\[([^\]\n]*)\]\((?:#|\.\.\/|https?:)[^)\s]*\)/g;

function markdownToText(md: string): string {
  return md.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) return ""; // code fence markers (the code inside stays)
    return line
      .replace(/^- /, "") // some documents ([MS-UAMG]) turned every IDL line into a list item
      .replace(/<\/?a\b[^>]*>/g, "") // anchors <a id="Section_6"></a>
      .replace(MD_LINK, "$1")
      .replace(/\*\*([^*\n]+)\*\*/g, "$1") // **bold** (types are sometimes bold in signatures)
      .replace(MD_ESCAPE, "$1")
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }).join("\n");
}

// ---------------------------------------------------------------------------------------------
// IDL lexing. Only what a method list needs: identifiers, numbers, strings and punctuation;
// comments and preprocessor lines are dropped.

interface Token {
  text: string;
  kind: "id" | "num" | "str" | "punct";
  line: number;
}

/**
 * Tokens of `text` from `start` up to and including the `}` that closes the `{` at `start`.
 * `ifdefs` collects the preprocessor conditionals met on the way (reported, since both branches
 * are read).
 */
function lexBlock(
  text: string,
  start: number,
  startLine: number,
  ifdefs: string[],
): Token[] {
  const tokens: Token[] = [];
  let i = start, line = startLine, depth = 0, atLineStart = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      line++, i++, atLineStart = true;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\u00a0") {
      i++;
      continue;
    }
    if (atLineStart && c === "#") { // preprocessor line: #if, #define, #pragma, …
      const eol = text.indexOf("\n", i);
      const directive = text.slice(i, eol < 0 ? text.length : eol).trim();
      if (/^#\s*(if|ifdef|ifndef|else|elif)\b/.test(directive)) ifdefs.push(directive);
      i = eol < 0 ? text.length : eol;
      continue;
    }
    atLineStart = false;
    if (c === "/" && text[i + 1] === "/") {
      const eol = text.indexOf("\n", i);
      i = eol < 0 ? text.length : eol;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      const stop = close < 0 ? text.length : close + 2;
      for (let k = i; k < stop; k++) if (text[k] === "\n") line++;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") { // a literal ends at its quote or, if unterminated, the line
      let k = i + 1;
      while (k < text.length && text[k] !== c && text[k] !== "\n") k += text[k] === "\\" ? 2 : 1;
      const end = text[k] === c ? k + 1 : k; // leave an unterminated literal's newline alone
      tokens.push({ text: text.slice(i, end), kind: "str", line });
      i = end;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 200));
    if (word) {
      tokens.push({ text: word[0], kind: "id", line });
      i += word[0].length;
      continue;
    }
    const num = /^[0-9][0-9A-Za-z_.]*/.exec(text.slice(i, i + 100));
    if (num) {
      tokens.push({ text: num[0], kind: "num", line });
      i += num[0].length;
      continue;
    }
    tokens.push({ text: c, kind: "punct", line });
    i++;
    if (c === "{") depth++;
    if (c === "}" && --depth === 0) return tokens;
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Interfaces and their methods.

/** One IDL interface definition found in one spec. */
interface Parsed {
  spec: string;
  line: number;
  name: string;
  base: string | undefined;
  uuid: string;
  version: string;
  object: boolean;
  pipe: string | undefined;
  methods: string[];
}

/** Counters and messages for the run's report. */
interface Report {
  notes: string[]; // skips, conflicts, odd spec text: one line each, printed at the end
  proseAgree: number;
  proseDisagree: number;
  proseUnknown: number;
  /** Per spec: the prose statements that disagree with the IDL, and by how much. */
  disagreements: Map<string, { text: string; deltas: number[] }[]>;
  /** Per spec: methods the prose gives an opnum for that no parsed interface declares. */
  unknown: Map<string, string[]>;
}

const UUID = /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/;
/** Statements in an interface body that declare no operation. */
const NOT_METHODS = new Set([
  "typedef",
  "const",
  "import",
  "importlib",
  "struct",
  "union",
  "enum",
  "cpp_quote",
  "interface",
  "midl_pragma",
  "declare_guid",
]);

/**
 * Names the specs give to opnums that are not part of the protocol: `Opnum5NotUsedOnWire`,
 * `Opnum0NotImplemented`, `Opnum44Reserved`, `OpnumUnused3`, `INtmsLibraryControl1_LocalOnlyOpnum09`,
 * and in lsarpc `Lsar_LSA_TM_14` / `Lsar_LSA_DP_2` ([MS-LSAD] and [MS-LSAT] each reserve the other
 * document's opnums under these names).
 */
const isPlaceholder = (name: string) =>
  /Opnum(Unused)?\d+/.test(name) || /^Lsar_LSA_(TM|DP)_\d+$/.test(name);

/**
 * The attribute lists (`[...]`, possibly several, possibly with `#ifdef` lines inside) that end
 * right before `pos`, joined; "" when there are none.
 */
function attributesBefore(text: string, pos: number): string {
  let k = pos - 1;
  const groups: string[] = [];
  for (;;) {
    while (k >= 0 && /\s/.test(text[k]!)) k--;
    // Step over comment and preprocessor lines between the attributes and `interface`
    // ([MS-FAX] and [MS-CMRP] put #defines there, [MS-TSTS] a // comment).
    const lineStart = text.lastIndexOf("\n", k) + 1;
    const lineText = text.slice(lineStart, k + 1).trim();
    if (lineText.startsWith("//") || lineText.startsWith("#")) {
      k = lineStart - 1;
      continue;
    }
    if (text.slice(k - 1, k + 1) === "*/") {
      const open = text.lastIndexOf("/*", k - 2);
      if (open >= 0) {
        k = open - 1;
        continue;
      }
    }
    if (text[k] !== "]") break;
    const close = k;
    let depth = 0;
    for (; k >= 0 && close - k < 8000; k--) {
      const c = text[k]!;
      if (c === '"') {
        const q = text.lastIndexOf('"', k - 1);
        if (q < 0 || text.slice(q, k).includes("\n")) break; // not a string after all
        k = q;
      } else if (c === "]") depth++;
      else if (c === "[" && --depth === 0) break;
    }
    if (k < 0 || depth !== 0) break;
    groups.unshift(text.slice(k + 1, close));
    k--;
  }
  return groups.join(",");
}

/**
 * Split a body's tokens (without the outer braces) into statements, each ending at a `;` outside
 * any brackets (so a typedef's `{ … }` stays whole). `cpp_quote(…)` takes no semicolon; it is
 * dropped here.
 */
function statements(body: Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const t = body[i]!;
    if (depth === 0 && cur.length === 0 && t.text === "cpp_quote") {
      let j = i + 1, d = 0;
      for (; j < body.length; j++) {
        if (body[j]!.text === "(") d++;
        if (body[j]!.text === ")" && --d === 0) break;
      }
      if (body[j + 1]?.text === ";") j++;
      i = j;
      continue;
    }
    if (t.kind === "punct" && "([{".includes(t.text)) depth++;
    if (t.kind === "punct" && ")]}".includes(t.text)) depth--;
    if (depth === 0 && t.text === ";") {
      if (cur.length) out.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Index just past the group opened at `open` (`[` or `(`), or tokens.length. */
function skipGroup(tokens: Token[], open: number): number {
  const o = tokens[open]!.text, c = o === "[" ? "]" : ")";
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.text === o) depth++;
    if (tokens[i]!.text === c && --depth === 0) return i + 1;
  }
  return tokens.length;
}

/**
 * The operation a statement declares, or undefined for declarations that are not operations.
 * A method is `[attributes] return-type name ( parameters )`; its name is the identifier right
 * before the first top-level parenthesis. `callback` marks a `[callback]` method: one the server
 * calls on the client, numbered in a sequence of its own ([MS-MQDS] 3.2.4 gives
 * S_DSQMSetMachinePropertiesSignProc opnum 0 although 27 methods precede it).
 */
function methodOf(
  stmt: Token[],
  where: string,
  report: Report,
): { name: string; callback: boolean } | undefined {
  let i = 0;
  const attrs: string[] = [];
  while (stmt[i]?.text === "[") {
    const end = skipGroup(stmt, i);
    attrs.push(...stmt.slice(i + 1, end - 1).map((t) => t.text));
    i = end;
  }
  const first = stmt[i];
  if (!first || NOT_METHODS.has(first.text)) return undefined;
  let paren = i;
  while (paren < stmt.length && stmt[paren]!.text !== "(") {
    if (stmt[paren]!.text === "[") paren = skipGroup(stmt, paren); // attributes after the type
    else paren++;
  }
  const name = stmt[paren - 1];
  if (paren >= stmt.length || paren - 1 <= i || name?.kind !== "id") {
    report.notes.push(
      `${where} line ${first.line}: skipped a statement that is not a method: ` +
        stmt.slice(0, 12).map((t) => t.text).join(" "),
    );
    return undefined;
  }
  const after = skipGroup(stmt, paren);
  if (after < stmt.length) {
    report.notes.push(
      `${where} line ${name.line}: text after ${name.text}(...) up to the ';': ` +
        stmt.slice(after, after + 8).map((t) => t.text).join(" "),
    );
  }
  const callback = attrs.includes("callback");
  if (isPlaceholder(name.text)) return { name: name.text, callback };
  if (attrs.includes("propget")) return { name: `get_${name.text}`, callback };
  if (attrs.includes("propputref")) return { name: `putref_${name.text}`, callback };
  if (attrs.includes("propput")) return { name: `put_${name.text}`, callback };
  return { name: name.text, callback };
}

/** `\pipe\x`, `\\PIPE\\x` → `\PIPE\x`. */
function normalisePipe(raw: string): string {
  return raw.replace(/\\+/g, "\\").replace(/^\\pipe\\/i, "\\PIPE\\");
}

/**
 * The offset of the first character at or after `i` that is not blank and not inside a comment
 * or a preprocessor line ([MS-RSP] puts `// Interface body` between `interface InitShutdown`
 * and its `{`).
 */
function skipTrivia(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith("//", i) || text[i] === "#") {
      const eol = text.indexOf("\n", i);
      i = eol < 0 ? text.length : eol;
    } else if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? text.length : close + 2;
    } else return i;
  }
}

/** 1-based line number of an offset, from the sorted offsets of the text's newlines. */
function lineAt(newlines: number[], offset: number): number {
  let lo = 0, hi = newlines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newlines[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** Every interface definition with a uuid in one spec's text. */
function parseSpec(spec: string, text: string, report: Report): Parsed[] {
  const found: Parsed[] = [];
  const newlines = [...text.matchAll(/\n/g)].map((m) => m.index!);
  for (const m of text.matchAll(/\binterface\s+([A-Za-z_]\w*)/g)) {
    // interface NAME [: BASE] {   (comments may come between the parts)
    const lineStart = text.lastIndexOf("\n", m.index!) + 1;
    if (text.slice(lineStart, m.index!).includes("//")) continue; // words in a comment
    let i = skipTrivia(text, m.index! + m[0].length);
    let base: string | undefined;
    if (text[i] === ":") {
      const b = /^[A-Za-z_]\w*/.exec(text.slice(skipTrivia(text, i + 1), i + 300));
      if (!b) continue;
      base = b[0];
      i = skipTrivia(text, text.indexOf(b[0], i) + b[0].length);
    }
    const name = m[1]!;
    const line = lineAt(newlines, m.index!);
    const where = `${spec} ${name}`;
    // Prose such as "the IVdsService interface is {0818a8ef-…}" is not a definition.
    if (text[i] === "{" && new RegExp(String.raw`^\s*` + UUID.source).test(text.slice(i + 1))) {
      continue;
    }
    const attrs = attributesBefore(text, m.index!);
    if (text[i] !== "{") { // prose, or a forward declaration `interface IFoo;`
      if (text[i] !== ";" && /\buuid\s*\(/.test(attrs)) {
        report.notes.push(`${spec} line ${line}: skipped interface ${name}: no '{' after it`);
      }
      continue;
    }
    const uuid = new RegExp(String.raw`\buuid\s*\(\s*"?\s*` + UUID.source + String.raw`\s*"?\s*\)`)
      .exec(attrs);
    if (!uuid) {
      report.notes.push(`${spec} line ${line}: skipped interface ${name}: no uuid attribute`);
      continue;
    }
    if (/\blocal\b/.test(attrs)) {
      report.notes.push(`${spec} line ${line}: skipped interface ${name}: [local]`);
      continue;
    }
    // Some specs ([MS-RRASM], [MS-WMI]) leave `object` out; a base interface implies it.
    const object = /\bobject\b/.test(attrs) || base !== undefined;
    const ver = /\bversion\s*\(\s*(\d+)(?:\.(\d+))?\s*\)/.exec(attrs);
    // [MS-DCOM] 1.7: DCOM uses RPC version 0.0 for all RPC and ORPC interfaces.
    const version = ver ? `${Number(ver[1])}.${Number(ver[2] ?? 0)}` : "0.0";
    if (!ver && !object) report.notes.push(`${where}: no version attribute; recorded as 0.0`);
    const ep = /ncacn_np:[^"]*?\[([^\]"]*)\]/.exec(attrs);
    const ifdefs: string[] = [];
    const tokens = lexBlock(text, i, lineAt(newlines, i), ifdefs);
    if (tokens.at(-1)?.text !== "}") {
      report.notes.push(`${spec} line ${line}: skipped interface ${name}: its '{' is never closed`);
      continue;
    }
    for (const d of ifdefs) report.notes.push(`${where}: preprocessor '${d}' in the body`);
    const methods: string[] = [];
    const callbacks: string[] = [];
    for (const stmt of statements(tokens.slice(1, -1))) {
      const method = methodOf(stmt, spec, report);
      if (method) (method.callback ? callbacks : methods).push(method.name);
    }
    if (callbacks.length) {
      report.notes.push(
        `${where}: left out ${callbacks.length} [callback] methods (numbered ` +
          `apart, called by the server): ${callbacks.join(", ")}`,
      );
    }
    found.push({
      spec,
      line,
      name,
      base,
      uuid: uuid[1]!.toLowerCase(),
      version,
      object,
      pipe: ep ? normalisePipe(ep[1]!) : undefined,
      methods,
    });
  }
  return found;
}

/** Keep one definition per UUID in a spec (a spec may quote an interface twice: in section 3
 * and in its Full IDL appendix); prefer the longer one, report any difference. */
function onePerUuid(parsed: Parsed[], report: Report): Parsed[] {
  const byUuid = new Map<string, Parsed>();
  for (const p of parsed) {
    const seen = byUuid.get(p.uuid);
    if (!seen) {
      byUuid.set(p.uuid, p);
      continue;
    }
    const [long, short] = p.methods.length > seen.methods.length ? [p, seen] : [seen, p];
    const same = short.methods.every((n, i) => long.methods[i] === n) && short.name === long.name;
    if (!same || short.methods.length !== long.methods.length) {
      report.notes.push(
        `${p.spec}: ${p.uuid} defined twice: ${seen.name} (line ${seen.line}, ` +
          `${seen.methods.length} methods) and ${p.name} (line ${p.line}, ${p.methods.length}` +
          ` methods${same ? ", the same up to the shorter's end" : ""}); kept ${long.name} ` +
          `(line ${long.line})`,
      );
    }
    byUuid.set(p.uuid, long);
  }
  return [...byUuid.values()];
}

// ---------------------------------------------------------------------------------------------
// Inheritance.

/**
 * Operations of `p` from opnum 0, inherited ones first. Bases are looked up by name: in the
 * same spec first, then in any spec (reported when that name has different definitions).
 * Results are memoised in `memo`; `stack` guards against cycles.
 */
function resolveOps(
  p: Parsed,
  byName: Map<string, Parsed[]>,
  memo: Map<Parsed, string[]>,
  report: Report,
  stack: Set<Parsed> = new Set(),
): string[] {
  const known = memo.get(p);
  if (known) return known;
  let ops: string[];
  if (p.uuid === IUNKNOWN.uuid) ops = [...IUNKNOWN.ops];
  else if (!p.base) ops = [...p.methods];
  else if (p.base === "IUnknown") ops = [...IUNKNOWN.ops, ...p.methods];
  else if (stack.has(p)) {
    report.notes.push(`${p.spec} ${p.name}: inheritance cycle; skipped`);
    ops = [];
  } else {
    stack.add(p);
    const candidates = byName.get(p.base) ?? [];
    const base = candidates.find((c) => c.spec === p.spec) ?? candidates[0];
    if (!base) {
      report.notes.push(`${p.spec} ${p.name}: base ${p.base} not defined in any spec; skipped`);
      ops = [];
    } else {
      const inherited = resolveOps(base, byName, memo, report, stack);
      const variants = new Set(
        candidates.map((c) => resolveOps(c, byName, memo, report, stack).join(" ")),
      );
      if (variants.size > 1 && base.spec !== p.spec) {
        report.notes.push(
          `${p.spec} ${p.name}: base ${p.base} is defined differently in ` +
            `${candidates.map((c) => c.spec).join(", ")}; used ${base.spec}'s`,
        );
      }
      ops = inherited.length ? [...inherited, ...p.methods] : [];
    }
    stack.delete(p);
  }
  memo.set(p, ops);
  return ops;
}

// ---------------------------------------------------------------------------------------------
// Checks against the prose.

/**
 * Compare the opnums that a spec's prose states (method section headings and method tables)
 * with the parsed ones. A statement agrees when some interface of the spec (the named one, if
 * the heading names it) has that method at that opnum.
 */
function checkProse(spec: string, text: string, ifaces: Iface[], report: Report): void {
  const claims: { iface: string | undefined; method: string; opnum: number; line: number }[] = [];
  const lines = text.split("\n");
  lines.forEach((l, n) => {
    const h =
      /^#{2,6}\s+[\d.]+\s+(?:([A-Za-z_]\w*)\s*::\s*)?([A-Za-z_]\w*)\s*(?:\([^)]*\)\s*)?\(\s*Opnum\s*(\d+)\s*\)/i
        .exec(l);
    if (h) claims.push({ iface: h[1], method: h[2]!, opnum: Number(h[3]), line: n + 1 });
    const t = /^\|\s*(?:([A-Za-z_]\w*)\s*::\s*)?([A-Za-z_]\w*)\s*\|.*\bOpnum:?\s*(\d+)\s*\|?\s*$/i
      .exec(l);
    if (t) claims.push({ iface: t[1], method: t[2]!, opnum: Number(t[3]), line: n + 1 });
  });
  // Compared without get_/put_ and case ([MC-IISA] writes GetSiteNameFromSiteID for the IDL's
  // GetSiteNameFromSiteId).
  const plain = (op: string) => op.replace(/^(get|put|putref)_/, "").toLowerCase();
  for (const c of claims) {
    const pool = ifaces.filter((i) => !c.iface || i.name === c.iface);
    const method = plain(c.method); // some specs write get_Count, most Count (get)
    if (pool.some((i) => i.ops[c.opnum] !== undefined && plain(i.ops[c.opnum]!) === method)) {
      report.proseAgree++;
    } else if (pool.some((i) => i.ops.some((op) => plain(op) === method))) {
      report.proseDisagree++;
      const at = pool.flatMap((i) =>
        i.ops.flatMap((op, k) => plain(op) === method ? [{ i: i.name, k }] : [])
      );
      const list = report.disagreements.get(spec) ?? [];
      list.push({
        text: `line ${c.line}: ${c.iface ? c.iface + "::" : ""}${c.method} (Opnum ${c.opnum}), ` +
          `IDL order gives ${at.slice(0, 3).map((a) => `${a.i} ${a.k}`).join(", ")}` +
          (at.length > 3 ? ", …" : ""),
        deltas: at.map((a) => c.opnum - a.k),
      });
      report.disagreements.set(spec, list);
    } else {
      report.proseUnknown++;
      report.unknown.set(spec, [...(report.unknown.get(spec) ?? []), c.method]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Merging documents and writing the table.

/** Merge definitions of one UUID from several specs, opnum by opnum. */
function merge(defs: Iface[], report: Report): Iface {
  // The spec with the most real names leads (lsarpc: [MS-LSAD]); ties by spec name.
  const real = (i: Iface) => i.ops.filter((n) => !isPlaceholder(n)).length;
  const sorted = [...defs].sort((a, b) => real(b) - real(a) || (a.spec < b.spec ? -1 : 1));
  const lead = sorted[0]!;
  const out: Iface = { ...lead, ops: [...lead.ops], spec: sorted.map((d) => d.spec).join("+") };
  for (const other of sorted.slice(1)) {
    if (other.name !== lead.name) {
      report.notes.push(
        `${lead.uuid}: named ${lead.name} in ${lead.spec} and ${other.name} in ` +
          `${other.spec}; kept ${lead.name}`,
      );
    }
    if (other.version !== lead.version) {
      report.notes.push(
        `${lead.uuid} ${lead.name}: version ${lead.version} in ${lead.spec}, ` +
          `${other.version} in ${other.spec}; kept ${lead.version}`,
      );
    }
    out.pipe ??= other.pipe;
    out.own = Math.max(out.own, other.own);
    other.ops.forEach((name, opnum) => {
      const mine = out.ops[opnum];
      if (mine === undefined || (isPlaceholder(mine) && !isPlaceholder(name))) {
        out.ops[opnum] = name;
      } else if (mine !== name && !isPlaceholder(name)) {
        report.notes.push(
          `${lead.uuid} ${lead.name} opnum ${opnum}: ${mine} (${lead.spec}) vs ` +
            `${name} (${other.spec}); kept ${mine}`,
        );
      }
    });
  }
  return out;
}

/**
 * The well-known pipe of a spec's only RPC interface, from its section 2.1 (Transport), when
 * that section names exactly one pipe. Specs with several interfaces are left alone.
 */
function pipeFromTransport(text: string): string | undefined {
  const start = text.search(/^#{1,3} 2\.1 /m);
  if (start < 0) return undefined;
  const rest = text.slice(start + 1);
  const stop = rest.search(/^#{1,3} 2\.2 /m);
  const section = stop < 0 ? rest : rest.slice(0, stop);
  const pipes = new Map<string, string>();
  for (const m of section.matchAll(/\\+pipe\\+([A-Za-z0-9_$]+)/gi)) {
    pipes.set(m[1]!.toLowerCase(), normalisePipe(m[0]));
  }
  return pipes.size === 1 ? [...pipes.values()][0] : undefined;
}

/** A row of the generated table: fields separated by single spaces, "-" for none. */
function row(i: Iface): string {
  const fields = [i.uuid, i.version, i.name, i.spec, i.base ?? "-", i.pipe ?? "-", ...i.ops];
  for (const f of fields) if (!/^[^\s"]+$/.test(f)) throw new Error(`unusable field "${f}"`);
  return JSON.stringify(fields.join(" "));
}

async function main(): Promise<void> {
  const args = [...Deno.args];
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? args.splice(outAt, 2)[1] : OUT;
  if (!out || args.length > 1 || args[0]?.startsWith("-")) {
    throw new Error("usage: make_rpc_names.ts [MIRROR_GIT_DIR] [--out FILE]");
  }
  const mirror = args[0] ?? DEFAULT_MIRROR;
  const commit = (await git(mirror, "rev-parse", "HEAD")).trim();
  const date = (await git(mirror, "log", "-1", "--format=%cI", commit)).trim();
  const report: Report = {
    notes: [],
    proseAgree: 0,
    proseDisagree: 0,
    proseUnknown: 0,
    disagreements: new Map(),
    unknown: new Map(),
  };

  // 1. Parse every spec that mentions a uuid attribute.
  const specs = await listSpecs(mirror, commit);
  const texts = new Map<string, string>();
  const parsed: Parsed[] = [];
  for (const [spec, path] of [...specs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const md = await git(mirror, "show", `${commit}:${path}`);
    if (!/\buuid\s*\(/i.test(md)) continue;
    const text = markdownToText(md);
    texts.set(spec, text);
    parsed.push(...onePerUuid(parseSpec(spec, text, report), report));
  }
  for (const f of FIXES) {
    const p = parsed.find((p) => p.spec === f.spec && p.name === f.name && !p.base);
    if (!p || p.methods[f.at - 1] !== f.after || !texts.get(f.spec)!.includes(f.evidence)) {
      throw new Error(`FIXES: ${f.spec} ${f.name} opnum ${f.at}: no longer applies; review it`);
    }
    p.methods.splice(f.at, 0, f.insert);
    report.notes.push(`${f.spec} ${f.name}: inserted ${f.insert} at opnum ${f.at} (see FIXES)`);
  }

  // 2. Resolve inheritance, check against each spec's prose, note pipes.
  const byName = new Map<string, Parsed[]>();
  for (const p of parsed) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const perSpec = new Map<string, Iface[]>();
  const memo = new Map<Parsed, string[]>();
  for (const p of parsed) {
    const ops = resolveOps(p, byName, memo, report);
    if (ops.length === 0) {
      report.notes.push(`${p.spec} ${p.name} ${p.uuid}: no operations; skipped`);
      continue;
    }
    const iface: Iface = {
      uuid: p.uuid,
      version: p.version,
      name: p.name,
      spec: p.spec,
      base: p.base,
      pipe: p.pipe,
      ops,
      own: p.methods.length,
    };
    perSpec.set(p.spec, [...(perSpec.get(p.spec) ?? []), iface]);
  }
  for (const [spec, ifaces] of perSpec) {
    checkProse(spec, texts.get(spec)!, ifaces, report);
    if (ifaces.length === 1 && !ifaces[0]!.base && !ifaces[0]!.pipe) {
      ifaces[0]!.pipe = pipeFromTransport(texts.get(spec)!);
    }
  }
  for (const p of PIPES) {
    const iface = perSpec.get(p.spec)?.find((i) => i.name === p.name);
    if (!iface || !texts.get(p.spec)!.includes(p.evidence)) {
      throw new Error(`PIPES: ${p.spec} ${p.name}: interface or evidence text not found`);
    }
    iface.pipe = p.pipe;
  }

  // 3. Merge across specs, add the hand-written interfaces and aliases.
  const byUuid = new Map<string, Iface[]>();
  for (const i of [...perSpec.values()].flat()) {
    byUuid.set(i.uuid, [...(byUuid.get(i.uuid) ?? []), i]);
  }
  const table = new Map<string, Iface>();
  for (const [uuid, defs] of byUuid) table.set(uuid, merge(defs, report));
  for (const h of HAND_WRITTEN) {
    if (table.has(h.uuid)) throw new Error(`${h.uuid} is hand-written but also parsed`);
    table.set(h.uuid, { ...h, ops: [...h.ops] });
  }
  for (const a of ALIASES) {
    const of = table.get(a.of);
    if (!of) throw new Error(`alias target ${a.of} not found`);
    if (!texts.get(a.spec)?.toLowerCase().includes(a.uuid)) {
      throw new Error(`alias ${a.uuid} not mentioned in ${a.spec}`);
    }
    of.pipe = a.ofPipe;
    table.set(a.uuid, { ...of, uuid: a.uuid, pipe: a.pipe, ops: [...of.ops] });
  }
  const rows = [...table.values()].sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
  // The opnum rule for dual interfaces rests on [MS-OAUT]'s IDispatch (3.1.4.1-4: opnums 3-6).
  const idispatch = table.get("00020400-0000-0000-c000-000000000046")?.ops.join(" ");
  if (idispatch !== `${IUNKNOWN.ops.join(" ")} GetTypeInfoCount GetTypeInfo GetIDsOfNames Invoke`) {
    throw new Error(`IDispatch parsed as ${idispatch}`);
  }
  for (const r of rows) {
    if (r.ops.some((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) {
      throw new Error(`${r.name}: operation name that is not an identifier`);
    }
  }

  // 4. Write.
  const generated = [
    "// Generated by tools/make_rpc_names.ts: do not edit. To regenerate (then review the diff):",
    "//   deno run --allow-read --allow-write --allow-run tools/make_rpc_names.ts [MIRROR_GIT_DIR]",
    "//",
    "// DCE/RPC interface and operation names from the IDL of Microsoft's Open Specifications",
    "// (the [MS-*] Windows Protocols documents), as converted to Markdown by",
    `//   ${SOURCE_REPOSITORY} at commit ${commit} (${date}),`,
    "// plus the endpoint mapper and remote management interfaces of The Open Group's [C706]",
    "// Appendices O and Q. See the script for how opnums are counted and documents merged.",
    "//",
    "// Each row is one interface, fields separated by one space, '-' for an absent field:",
    "//   uuid version name spec base pipe op0 op1 op2 ...",
    "// uuid: lower-case; version: major.minor from the IDL, 0.0 where it has none (DCOM);",
    "// spec: the defining document(s), joined by '+'; base: the interface inherited from (DCOM);",
    "// pipe: the well-known named pipe, where the spec names one; opN: the name of opnum N,",
    "// inherited operations included (a DCOM interface starts with QueryInterface AddRef Release).",
    "",
    "/** Where this table was generated from: the converted specs' repository, commit and date. */",
    "export const RPC_NAMES_SOURCE = {",
    `  repository: ${JSON.stringify(SOURCE_REPOSITORY)},`,
    `  commit: ${JSON.stringify(commit)},`,
    `  date: ${JSON.stringify(date)},`,
    "} as const;",
    "",
    "/** One row per interface, sorted by uuid; see the header comment for the fields. */",
    "export const RPC_INTERFACE_ROWS: readonly string[] = [",
    ...rows.map((r) => `  ${row(r)},`),
    "];",
    "",
  ].join("\n");
  await Deno.writeTextFile(out, generated);

  // 5. Report.
  const own = rows.reduce((n, r) => n + r.own, 0);
  const total = rows.reduce((n, r) => n + r.ops.length, 0);
  const specNames = new Set(rows.flatMap((r) => r.spec.split("+")));
  for (const n of report.notes) console.log(`note: ${n}`);
  for (const [spec, list] of [...report.disagreements].sort()) {
    // The commonest shift (a spec that counts from a different first opnum shows one shift
    // throughout); the statements off by that shift are summarised, the others listed.
    const tally = new Map<number, number>();
    for (const d of list) for (const x of new Set(d.deltas)) tally.set(x, (tally.get(x) ?? 0) + 1);
    const [shift, count] = [...tally].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [0, 0];
    const grouped = count > 5;
    const others = grouped ? list.filter((d) => !d.deltas.includes(shift)) : list;
    console.log(
      `prose: ${spec}: ${list.length} opnums in the text disagree with the IDL order` +
        (grouped
          ? ` (${count} of them by ${shift > 0 ? "+" : ""}${shift}, e.g. ` +
            `${list.find((d) => d.deltas.includes(shift))!.text})`
          : "") +
        ":",
    );
    for (const d of others.slice(0, 12)) console.log(`  ${d.text}`);
    if (others.length > 12) console.log(`  … and ${others.length - 12} more`);
  }
  console.log(
    `${rows.length} interfaces (${rows.filter((r) => r.base).length} DCOM), ` +
      `${own} operations declared, ${total} opnum names with inherited ones, ` +
      `from ${specNames.size} specs (${[...specNames].sort().join(" ")})`,
  );
  console.log(
    `prose check: ${report.proseAgree} opnums stated in the specs' text agree, ` +
      `${report.proseDisagree} disagree, ${report.proseUnknown} name no parsed method`,
  );
  console.log(
    "prose names no parsed method (callbacks, methods of other documents, typos): " +
      [...report.unknown].sort().map(([s, l]) => `${s} ${l.length}`).join(", "),
  );
  console.log(`wrote ${out} from ${SOURCE_REPOSITORY} ${commit} (${date})`);
}

if (import.meta.main) await main();
