/**
 * Test-only: the tshark per-frame oracle of ../shared/pcaps/public
 * (`<source>/oracle/<capture>.tsv`, see that folder's README) and the
 * comparison of our SMB events with it, frame by frame.
 */
import { decode, type DecodeEvent, type NtlmEvent, type SmbEvent } from "../../mod.ts";

export { corpus, corpusPresent } from "../_support/corpus.ts";
import { corpus } from "../_support/corpus.ts";

/** One oracle row: field name → values (tshark joins several occurrences with `|`). */
export type OracleRow = Map<string, string[]>;

/** Read a capture's oracle, keyed by frame number. Bytes are decoded as UTF-8 with replacement. */
export function readOracle(capture: string): Map<number, OracleRow> {
  const [source, file] = capture.split("/");
  const text = new TextDecoder().decode(
    Deno.readFileSync(new URL(`${source}/oracle/${file}.tsv`, corpus)),
  );
  const lines = text.split("\n");
  const names = lines[0]!.split("\t");
  const rows = new Map<number, OracleRow>();
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const cells = line.split("\t");
    const row: OracleRow = new Map();
    names.forEach((n, i) => {
      const cell = cells[i] ?? "";
      row.set(n, cell === "" ? [] : cell.split("|"));
    });
    rows.set(Number(cells[0]), row);
  }
  return rows;
}

/** Captures whose oracle has rows with `field` (e.g. `smb.cmd`) over TCP or UDP. */
export function capturesWith(field: string): string[] {
  const out: string[] = [];
  for (const source of Deno.readDirSync(corpus)) {
    if (!source.isDirectory) continue;
    const dir = new URL(`${source.name}/oracle/`, corpus);
    try {
      for (const f of Deno.readDirSync(dir)) {
        if (!f.name.endsWith(".tsv") || f.name.endsWith(".decrypted.tsv")) continue;
        const capture = `${source.name}/${f.name.slice(0, -4)}`;
        for (const row of readOracle(capture).values()) {
          const transport = (row.get("tcp.stream") ?? []).length > 0 ||
            (row.get("udp.stream") ?? []).length > 0;
          if ((row.get(field) ?? []).length > 0 && transport) {
            out.push(capture);
            break;
          }
        }
      }
    } catch {
      // a source folder without an oracle
    }
  }
  return out.sort();
}

/** Decode a corpus capture, collecting every event. */
export async function decodeCapture(capture: string): Promise<DecodeEvent[]> {
  const file = await Deno.open(new URL(capture, corpus));
  const events: DecodeEvent[] = [];
  for await (const e of decode(file.readable)) events.push(e);
  return events;
}

/** A disagreement on one frame. */
export interface Difference {
  frame: number;
  field: string;
  ours: string;
  tshark: string;
}

const lastFrame = (e: { evidence: { frames: number[] } }) =>
  e.evidence.frames[e.evidence.frames.length - 1] ?? 0;

const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, "0")}`;

function uniqueSorted(values: (string | undefined)[]): string {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ""))].sort().join(
    "|",
  );
}

/**
 * Compare our SMB1 events with tshark's SMB1 rows, frame by frame: commands
 * (AndX chains included), request/response, MID, NT status, file names, tree
 * paths and NTLMSSP user/domain/host.
 */
export function compareSmb1(events: DecodeEvent[], oracle: Map<number, OracleRow>): {
  frames: number;
  differences: Difference[];
} {
  const byFrame = new Map<number, SmbEvent[]>();
  const ntlmByFrame = new Map<number, NtlmEvent[]>();
  for (const e of events) {
    if (e.type === "smb" && e.version === 1) {
      const f = lastFrame(e);
      byFrame.set(f, [...(byFrame.get(f) ?? []), e]);
    } else if (e.type === "ntlm" && e.protocol === "smb1" && e.mechanism === "ntlmssp") {
      const f = lastFrame(e);
      ntlmByFrame.set(f, [...(ntlmByFrame.get(f) ?? []), e]);
    }
  }
  const differences: Difference[] = [];
  let frames = 0;
  const frameNumbers = new Set([...byFrame.keys()]);
  for (const [frame, row] of oracle) {
    if ((row.get("smb.cmd") ?? []).length > 0) frameNumbers.add(frame);
  }
  for (const frame of [...frameNumbers].sort((a, b) => a - b)) {
    const row = oracle.get(frame);
    // SMB over TCP (NBSS, direct) and over UDP (NetBIOS datagrams, mailslots).
    const tcpRow = row !== undefined &&
      ((row.get("tcp.stream") ?? []).length > 0 || (row.get("udp.stream") ?? []).length > 0);
    const mine = byFrame.get(frame) ?? [];
    const theirs = tcpRow ? row!.get("smb.cmd") ?? [] : [];
    if (mine.length === 0 && theirs.length === 0) continue;
    frames++;
    const add = (field: string, ours: string, tshark: string) => {
      if (ours !== tshark) differences.push({ frame, field, ours, tshark });
    };
    add(
      "smb.cmd",
      mine.map((e) => hex(e.commandCode, 2)).join("|"),
      theirs.filter((c) => c !== "0xff").join("|"),
    );
    if (!tcpRow) continue;
    const heads = mine.filter((e) => e.chainIndex === 0);
    add("smb.mid", heads.map((e) => e.messageId).join("|"), (row!.get("smb.mid") ?? []).join("|"));
    add(
      "smb.flags.response",
      heads.map((e) => (e.response ? "1" : "0")).join("|"),
      (row!.get("smb.flags.response") ?? []).join("|"),
    );
    // tshark shows the status field of every PDU whose flags2 says NT status, requests too.
    const statuses = heads.filter((e) => e.header.ntStatus === true)
      .map((e) => hex(Number(e.header.status), 8));
    const tsStatus = row!.get("smb.nt_status") ?? [];
    if (tsStatus.length > 0) add("smb.nt_status", statuses.join("|"), tsStatus.join("|"));
    add(
      "smb.file",
      // tshark lists a FIND response's returned names as file names too.
      uniqueSorted(
        mine.flatMap((e) => [e.file, str(e.fields.fileName), ...strings(e.fields.names)]),
      ),
      uniqueSorted(row!.get("smb.file") ?? []),
    );
    add(
      "smb.path",
      uniqueSorted(mine.flatMap((e) => [e.share, str(e.fields.path)])),
      uniqueSorted(row!.get("smb.path") ?? []),
    );
    const ntlm = ntlmByFrame.get(frame) ?? [];
    add(
      "ntlmssp.auth.username",
      uniqueSorted(ntlm.map((n) => n.user || "NULL")),
      uniqueSorted(row!.get("ntlmssp.auth.username") ?? []),
    );
    add(
      "ntlmssp.auth.domain",
      uniqueSorted(ntlm.map((n) => n.domain || "NULL")),
      uniqueSorted(row!.get("ntlmssp.auth.domain") ?? []),
    );
    add(
      "ntlmssp.auth.hostname",
      uniqueSorted(ntlm.map((n) => n.workstation || "NULL")),
      uniqueSorted(row!.get("ntlmssp.auth.hostname") ?? []),
    );
  }
  return { frames, differences };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * Compare our SMB2/3 events with tshark's SMB2 rows, frame by frame:
 * commands (compounds included), request/response, MessageId, SessionId,
 * TreeId, status, file names, tree paths, NTLMSSP user/domain/host, and the
 * original size of encrypted (transform) messages.
 */
export function compareSmb2(
  events: DecodeEvent[],
  oracle: Map<number, OracleRow>,
  options: {
    /** The oracle is tshark's decryption (`*.decrypted.tsv`): decrypted messages stand for their transform. */
    decrypted?: boolean;
  } = {},
): {
  frames: number;
  differences: Difference[];
} {
  const byFrame = new Map<number, SmbEvent[]>();
  const ntlmByFrame = new Map<number, NtlmEvent[]>();
  for (const e of events) {
    if (e.type === "smb" && e.version === 2) {
      const f = lastFrame(e);
      byFrame.set(f, [...(byFrame.get(f) ?? []), e]);
    } else if (e.type === "ntlm" && e.protocol === "smb2") {
      const f = lastFrame(e);
      ntlmByFrame.set(f, [...(ntlmByFrame.get(f) ?? []), e]);
    }
  }
  const differences: Difference[] = [];
  let frames = 0;
  const frameNumbers = new Set([...byFrame.keys()]);
  for (const [frame, row] of oracle) {
    const smb2 = (row.get("smb2.protocol_id") ?? []).length > 0;
    if (smb2 && (row.get("tcp.stream") ?? []).length > 0) frameNumbers.add(frame);
  }
  for (const frame of [...frameNumbers].sort((a, b) => a - b)) {
    const row = oracle.get(frame) ?? new Map<string, string[]>();
    const get = (f: string) => row.get(f) ?? [];
    const all = byFrame.get(frame) ?? [];
    if (all.length === 0 && get("smb2.protocol_id").length === 0) continue;
    frames++;
    const add = (field: string, ours: string, tshark: string) => {
      if (ours !== tshark) differences.push({ frame, field, ours, tshark });
    };
    const mine = all.filter((e) => e.command !== "ENCRYPTED");
    const encrypted = all.filter((e) => e.command === "ENCRYPTED");
    add("smb2.cmd", mine.map((e) => String(e.commandCode)).join("|"), get("smb2.cmd").join("|"));
    add(
      "smb2.flags.response",
      mine.map((e) => (e.response ? "1" : "0")).join("|"),
      get("smb2.flags.response").join("|"),
    );
    add("smb2.msg_id", mine.map((e) => e.messageId).join("|"), get("smb2.msg_id").join("|"));
    // Transform headers carry a SessionId too, listed first by tshark (decrypted: the
    // transform's, which is its messages').
    const decrypted = mine.filter((e) => e.decrypted);
    const transforms = options.decrypted && decrypted.length > 0 ? [decrypted[0]!] : [];
    add(
      "smb2.sesid",
      [...transforms, ...encrypted, ...mine].map((e) => hex64(e.sessionId)).join("|"),
      get("smb2.sesid").join("|"),
    );
    add(
      "smb2.nt_status",
      mine.filter((e) => e.response).map((e) => hex(e.status ?? 0, 8)).join("|"),
      get("smb2.nt_status").join("|"),
    );
    if (transforms.length === 0) {
      add(
        "smb2.header.transform.msg_size",
        encrypted.map((e) => String(e.fields.originalMessageSize)).join("|"),
        get("smb2.header.transform.msg_size").join("|"),
      );
    }
    // tshark's smb2.filename is the CREATE request's name, a rename's target and the
    // names a directory listing returns; it does not name other messages by their
    // FileId (we do, in `file`).
    add(
      "smb2.filename",
      uniqueSorted(
        mine.flatMap((e) => [
          str(e.fields.fileName),
          str(e.fields.newFileName),
          ...strings(e.fields.names),
        ]),
      ),
      uniqueSorted(get("smb2.filename")),
    );
    // An async response's header has no TreeId: tshark names no tree, we name the
    // request's. Only the synchronous messages' trees are compared.
    add(
      "smb2.tree",
      uniqueSorted(
        mine.filter((e) => e.asyncId === undefined).flatMap((e) => [e.share, str(e.fields.path)]),
      ),
      uniqueSorted(get("smb2.tree")),
    );
    const ntlm = ntlmByFrame.get(frame) ?? [];
    add(
      "ntlmssp.auth.username",
      uniqueSorted(ntlm.map((n) => n.user || "NULL")),
      uniqueSorted(get("ntlmssp.auth.username")),
    );
    add(
      "ntlmssp.auth.domain",
      uniqueSorted(ntlm.map((n) => n.domain || "NULL")),
      uniqueSorted(get("ntlmssp.auth.domain")),
    );
    add(
      "ntlmssp.auth.hostname",
      uniqueSorted(ntlm.map((n) => n.workstation || "NULL")),
      uniqueSorted(get("ntlmssp.auth.hostname")),
    );
  }
  return { frames, differences };
}

/** A 64-bit id given as a decimal string, as tshark prints it: 0x + 16 hex digits. */
function hex64(decimal: string): string {
  if (!/^\d+$/.test(decimal)) return decimal;
  return `0x${BigInt(decimal).toString(16).padStart(16, "0")}`;
}
