/**
 * parseSmb2 on every public-corpus capture that carries SMB2, frame by frame
 * against the corpus's tshark oracle: shared/pcaps/public/<source>/oracle/
 * <capture>.tsv, written once by TShark 4.0.17 (`tshark -n -2 -r PCAP -Y 'smb
 * || smb2 || …' -T fields -E occurrence=a -E aggregator=| -e smb2.cmd -e
 * smb2.msg_id …`, the full command in shared/pcaps/public/README.md). Tests
 * read the TSV; none runs tshark. Skipped when the corpus is absent.
 *
 * Compared per frame, in order of appearance: command, response and async
 * flags, MessageId, SessionId (also of transform headers), TreeId, status,
 * FileId, IOCTL control code, dialects (NEGOTIATE and VALIDATE_NEGOTIATE_INFO),
 * the transform's OriginalMessageSize, file names (CREATE requests and
 * QUERY_DIRECTORY responses) and TREE_CONNECT paths. Where tshark shows more
 * than the wire fields (see `theirs`), the rule is written next to it.
 */
import * as assert from "node:assert/strict";
import { CORPUS, fileIdAsGuid, parseCapture, type Parsed, readCapture } from "./_capture.ts";

const hex = (n: number | string, digits: number) =>
  "0x" + BigInt(n).toString(16).padStart(digits, "0");

type Facts = Map<string, string[]>;

/** Our facts per frame, named after the oracle's columns. */
function ours(parsed: Parsed[]): Map<number, Facts> {
  const frames = new Map<number, Facts>();
  for (const p of parsed) {
    const facts: Facts = frames.get(p.frame) ?? new Map();
    frames.set(p.frame, facts);
    const add = (column: string, value: string) => {
      const list = facts.get(column) ?? [];
      list.push(value);
      facts.set(column, list);
    };
    const t = p.packet.transform;
    if (t !== undefined) {
      add("smb2.header.transform.msg_size", String(t.originalMessageSize));
      add("smb2.sesid", hex(t.sessionId, 16));
    }
    for (const m of p.packet.messages) {
      const h = m.header, f = m.fields;
      add("smb2.cmd", String(h.command));
      add("smb2.flags.response", h.response ? "1" : "0");
      add("smb2.flags.async", h.async ? "1" : "0");
      add("smb2.msg_id", h.messageId);
      add("smb2.sesid", hex(h.sessionId, 16));
      if (h.treeId !== undefined) add("smb2.tid", hex(h.treeId, 8));
      if (h.response) {
        add("smb2.nt_status", hex(h.status, 8));
        if (((f.createContextNames ?? []) as string[]).includes("AAPL")) {
          add("aapl", String(facts.get("smb2.nt_status")!.length - 1));
        }
      }
      if (m.fileId !== undefined) add("smb2.fid", fileIdAsGuid(m.fileId));
      if (typeof f.ctlCode === "number") add("smb2.ioctl.function", hex(f.ctlCode, 8));
      if (h.command === 0 || h.command === 11) {
        for (const d of (f.dialectRevisions ?? []) as number[]) add("smb2.dialect", hex(d, 4));
        if (typeof f.dialectRevision === "number") add("smb2.dialect", hex(f.dialectRevision, 4));
      }
      // File names: CREATE requests, QUERY_INFO name classes, renames, directory listings.
      if (typeof f.fileName === "string" && f.fileName !== "") add("smb2.filename", f.fileName);
      if (typeof f.newFileName === "string") add("smb2.filename", f.newFileName);
      if (h.command === 14 && h.response) {
        for (const n of (f.names ?? []) as string[]) add("smb2.filename", n);
      }
      if (h.command === 3 && !h.response && typeof f.path === "string") add("smb2.tree", f.path);
    }
  }
  return frames;
}

const COLUMNS = [
  "smb2.cmd",
  "smb2.flags.response",
  "smb2.flags.async",
  "smb2.msg_id",
  "smb2.sesid",
  "smb2.tid",
  "smb2.nt_status",
  "smb2.fid",
  "smb2.ioctl.function",
  "smb2.dialect",
  "smb2.header.transform.msg_size",
  "smb2.filename",
  "smb2.tree",
];

/** tshark's values of a column in one frame, less what it adds beyond the wire fields. */
function theirs(column: string, row: (c: string) => string, mine: Facts): string[] {
  const raw = row(column);
  let values = raw === "" ? [] : raw.split("|");
  const cmds = row("smb2.cmd").split("|");
  const responses = row("smb2.flags.response").split("|");
  const createRequest = cmds.some((c, i) => c === "5" && responses[i] === "0");
  switch (column) {
    case "smb2.fid":
      // A durable-handle request context's 16 reserved bytes show as a zero FileId.
      if (createRequest) {
        values = values.filter((v) => v !== "00000000-0000-0000-0000-000000000000");
      }
      break;
    case "smb2.filename":
      // Empty names (a share's root) show in some compounds only.
      values = values.filter((v) => v !== "");
      break;
    case "smb2.tree":
      // tshark repeats the tree's path on every message of it; only TREE_CONNECT requests carry one.
      if (!cmds.some((c, i) => c === "3" && responses[i] === "0")) values = [];
      break;
    case "smb2.nt_status": {
      // tshark shows an AAPL create context's own status after its CREATE response's.
      const extra = values.length - (mine.get(column)?.length ?? 0);
      const aapl = (mine.get("aapl") ?? []).map(Number).slice(0, Math.max(0, extra));
      aapl.reverse().forEach((at, i) => values.splice(at + aapl.length - i, 1));
      break;
    }
  }
  return values;
}

interface OracleCapture {
  capture: URL;
  oracle: URL;
  name: string;
}

function captures(): OracleCapture[] {
  const found: OracleCapture[] = [];
  let sources: Deno.DirEntry[];
  try {
    sources = [...Deno.readDirSync(CORPUS)].filter((e) => e.isDirectory);
  } catch {
    return [];
  }
  for (const source of sources) {
    const oracleDir = new URL(`${source.name}/oracle/`, CORPUS);
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(oracleDir)];
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.name.endsWith(".tsv") || e.name.endsWith(".decrypted.tsv")) continue;
      const name = e.name.slice(0, -4);
      const capture = new URL(`${source.name}/${name}`, CORPUS);
      const oracle = new URL(e.name, oracleDir);
      try {
        Deno.statSync(capture);
      } catch {
        continue;
      }
      const text = new TextDecoder("latin1").decode(Deno.readFileSync(oracle));
      if (!/\t0xf[de]534d42[\t|]/.test(text)) continue;
      found.push({ capture, oracle, name: `${source.name}/${name}` });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

const list = captures();
if (list.length === 0) {
  Deno.test({
    name: "parseSmb2 against the corpus tshark oracle (corpus absent)",
    ignore: true,
    fn() {},
  });
}

for (const c of list) {
  Deno.test(`parseSmb2 on ${c.name} matches tshark frame by frame`, async () => {
    const parsed = parseCapture(await readCapture(c.capture));
    const mine = ours(parsed);
    const text = new TextDecoder("latin1").decode(Deno.readFileSync(c.oracle));
    const rows = text.split("\n").filter((l) => l !== "");
    const head = rows[0]!.split("\t");
    const differences: string[] = [];
    let frames = 0;
    for (const line of rows.slice(1)) {
      const cells = line.split("\t");
      const row = (column: string) => cells[head.indexOf(column)] ?? "";
      if (row("smb2.protocol_id") === "") continue;
      frames++;
      const frame = Number(row("frame.number"));
      const facts = mine.get(frame) ?? new Map();
      mine.delete(frame);
      for (const column of COLUMNS) {
        const want = theirs(column, row, facts);
        const got = facts.get(column) ?? [];
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          differences.push(
            `frame ${frame} ${column}: tshark ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`,
          );
        }
      }
    }
    for (const [frame, facts] of mine) {
      if (facts.size > 0) {
        differences.push(`frame ${frame}: ours only ${JSON.stringify([...facts])}`);
      }
    }
    assert.ok(frames > 0);
    assert.deepEqual(differences.slice(0, 20), []);
  });
}
