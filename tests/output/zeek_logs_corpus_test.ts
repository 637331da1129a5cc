/**
 * Our Zeek logs against Zeek's own baselines in the shared corpus (the
 * btest baselines of zeek/zeek, made by Zeek from the same captures): the
 * `#fields` and `#types` lines are Zeek's, and the records carry the same
 * values. `ts` and `uid` are masked in the baselines (random uids, canonified
 * times); the columns we do not fill the same way are named, with why.
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../../mod.ts";
import { ZeekLogs } from "../../lib/output/zeek/logs.ts";
import { zeekTsvLine } from "../../lib/output/zeek/format.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";

/** Our log lines (TSV) by path. */
async function ourLogs(
  capture: string,
): Promise<Map<string, { fields: string[]; rows: string[][] }>> {
  const bytes = await Deno.readFile(new URL(capture, corpus));
  const d = new Decoder();
  const logs = new ZeekLogs();
  const out = new Map<string, { fields: string[]; rows: string[][] }>();
  for (const e of [...d.push(bytes), ...d.end()]) {
    for (const { spec, record } of [...logs.add(e), ...(e.type === "summary" ? logs.end() : [])]) {
      let log = out.get(spec.path);
      if (log === undefined) {
        out.set(
          spec.path,
          log = { fields: spec.fields.map(([n]) => n), rows: [] },
        );
      }
      log.rows.push(zeekTsvLine(spec, record).split("\t"));
    }
  }
  return out;
}

/** A baseline log: its `#fields` and `#types` lines and rows. */
function baseline(dir: string, log: string) {
  const text = Deno.readTextFileSync(new URL(`zeek/expected/${dir}/${log}.log`, corpus));
  const lines = text.split("\n");
  const header = (name: string) => lines.find((l) => l.startsWith(`#${name}\t`))!;
  return {
    fieldsLine: header("fields"),
    typesLine: header("types"),
    fields: header("fields").split("\t").slice(1),
    rows: lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.split("\t")),
  };
}

/** Columns left out of the comparison, per log, and why. */
const NOT_COMPARED: Record<string, Record<string, string>> = {
  all: { ts: "masked in the baselines", uid: "random in Zeek" },
  files: {
    analyzers: "the baselines run Zeek bare (-b), without the hash analyzers we always run",
    mime_type: "we do not sniff content types",
    duration: "Zeek times the data; we time the open to the close",
    total_bytes: "Zeek leaves an upload's total unset; we give the size at close",
    md5: "Zeek bare computes no digests",
    sha1: "Zeek bare computes no digests",
    sha256: "Zeek bare computes no digests",
    fuid: "random in Zeek",
  },
  smb_files: { fuid: "random in Zeek" },
  ntlm: {
    success:
      "Zeek leaves the outcome of NTLM over DCE/RPC unset; the decoder tells it from the calls",
  },
  conn: {
    service: "Zeek names LDAP, DNS and other analyzers we do not have",
    history: "we do not keep Zeek's history letters",
    orig_ip_bytes: "we do not count IP header bytes",
    resp_ip_bytes: "we do not count IP header bytes",
    duration: "compared to the millisecond (Zeek stops at the last packet it analysed)",
  },
};

function project(fields: string[], row: string[], log: string): string {
  const skip = { ...NOT_COMPARED.all, ...NOT_COMPARED[log] };
  return fields.map((f, i) => {
    if (skip[f] === undefined) return `${f}=${row[i]}`;
    if (f === "duration" && log === "conn") return `${f}≈${Number(row[i]).toFixed(3)}`;
    return "";
  }).filter(Boolean).join(" ");
}

/** Baselines made by Zeek 7 from captures we decode, with the log and how to compare it. */
const CASES: {
  dir: string;
  capture: string;
  log: string;
  how: "same" | "subset";
  only?: (row: string[], fields: string[]) => boolean;
}[] = [
  {
    dir: "scripts.base.protocols.smb.smb2",
    capture: "zeek/smb2.pcap",
    log: "smb_files",
    how: "same",
  },
  {
    dir: "scripts.base.protocols.smb.smb2",
    capture: "zeek/smb2.pcap",
    log: "smb_mapping",
    how: "same",
  },
  { dir: "scripts.base.protocols.smb.smb2", capture: "zeek/smb2.pcap", log: "files", how: "same" },
  {
    dir: "scripts.base.protocols.smb.smb3",
    capture: "zeek/smb3.pcap",
    log: "smb_mapping",
    how: "same",
  },
  {
    dir: "scripts.base.protocols.smb.smb1",
    capture: "zeek/smb1.pcap",
    log: "smb_files",
    how: "same",
  },
  {
    dir: "scripts.base.protocols.smb.smb2-create-delete-on-close",
    capture: "zeek/smb2.delete-on-close-perms-delete-existing.pcap",
    log: "smb_files",
    how: "same",
  },
  {
    dir: "scripts.base.protocols.smb.smb2-read-write",
    capture: "zeek/smb2readwrite.pcap",
    log: "smb_files",
    how: "same",
    // The test adds FILE_READ and FILE_WRITE to SMB::logged_file_actions; we log Zeek's default set.
    only: (row, fields) => row[fields.indexOf("action")] === "SMB::FILE_OPEN",
  },
  {
    dir: "scripts.base.protocols.smb.smb2-read-write",
    capture: "zeek/smb2readwrite.pcap",
    log: "files",
    how: "subset",
  },
  {
    dir: "scripts.base.protocols.dce-rpc.context",
    capture: "zeek/cs_window7-join_stream092.pcap",
    log: "dce_rpc",
    how: "same",
  },
  {
    dir: "scripts.base.protocols.dce-rpc.dce_rpc_netlogon",
    capture: "zeek/dce_rpc_netlogon.pcapng",
    log: "dce_rpc",
    how: "same",
  },
  {
    dir: "scripts.base.protocols.smb.smb1-transaction-dcerpc",
    capture: "zeek/dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.cap",
    log: "dce_rpc",
    how: "same",
  },
  {
    dir: "scripts.base.protocols.dce-rpc.mapi",
    capture: "zeek/mapi.pcap",
    log: "ntlm",
    how: "subset",
  },
  {
    // Zeek logs Exchange's own interface (exchange_mapi, [MS-OXCRPC]) by name; we name only the
    // Windows protocols, so those calls are ours by UUID; the rest must be there.
    dir: "scripts.base.protocols.dce-rpc.mapi",
    capture: "zeek/mapi.pcap",
    log: "dce_rpc",
    how: "subset",
    only: (row, fields) => row[fields.indexOf("endpoint")] !== "exchange_mapi",
  },
  {
    dir: "scripts.base.protocols.ldap.sasl-ntlm",
    capture: "zeek/sasl-ntlm.pcap",
    log: "conn",
    how: "same",
  },
  {
    dir: "core.pcapng-pktsrc",
    capture: "zeek/pcapng-multi-interface.pcapng",
    log: "conn",
    how: "same",
  },
];

for (const c of CASES) {
  Deno.test({
    name: `Zeek ${c.log}.log of ${c.capture} agrees with Zeek's baseline (${c.dir})` +
      (corpusPresent ? "" : " [skipped: ../shared/pcaps/public is not here]"),
    ignore: !corpusPresent,
    async fn() {
      const ours = (await ourLogs(c.capture)).get(c.log);
      const zeek = baseline(c.dir, c.log);
      assert.ok(ours !== undefined, `no ${c.log}.log written`);
      // Baselines made in bare mode lack local_orig/local_resp in conn.log; compare the columns they have.
      const common = zeek.fields.filter((f) => ours.fields.includes(f));
      assert.equal(common.length, zeek.fields.length, `Zeek's columns ${zeek.fields} all ours`);
      if (c.log !== "conn") {
        const specLines = [`#fields\t${ours.fields.join("\t")}`];
        assert.deepEqual(specLines, [zeek.fieldsLine]);
      }
      const mine = ours.rows.map((r) =>
        project(common, common.map((f) => r[ours.fields.indexOf(f)]!), c.log)
      );
      const theirs = zeek.rows.filter((r) => c.only?.(r, zeek.fields) ?? true).map((r) =>
        project(common, common.map((f) => r[zeek.fields.indexOf(f)]!), c.log)
      );
      assert.ok(theirs.length > 0);
      if (c.how === "same") assert.deepEqual(mine, theirs);
      else for (const line of theirs) assert.ok(mine.includes(line), `missing: ${line}`);
    },
  });
}

Deno.test({
  name: "Zeek logs' #types lines are Zeek's" +
    (corpusPresent ? "" : " [skipped: ../shared/pcaps/public is not here]"),
  ignore: !corpusPresent,
  async fn() {
    const { ZEEK_LOGS } = await import("../../lib/output/zeek/logs.ts");
    const dirs: Record<string, string> = {
      smb_files: "scripts.base.protocols.smb.smb2",
      smb_mapping: "scripts.base.protocols.smb.smb2",
      files: "scripts.base.protocols.smb.smb2",
      dce_rpc: "scripts.base.protocols.dce-rpc.context",
      ntlm: "scripts.base.protocols.dce-rpc.dce_rpc_ntlm",
      conn: "core.pcapng-pktsrc",
    };
    for (const { spec } of ZEEK_LOGS) {
      const dir = dirs[spec.path];
      if (dir === undefined) continue; // notice.log: the baselines were cut with zeek-cut
      const zeek = baseline(dir, spec.path);
      assert.equal(`#fields\t${spec.fields.map(([n]) => n).join("\t")}`, zeek.fieldsLine);
      assert.equal(`#types\t${spec.fields.map(([, t]) => t).join("\t")}`, zeek.typesLine);
    }
  },
});
