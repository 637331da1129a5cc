/**
 * DCE/RPC against the shared corpus: every request and bind PDU tshark
 * dissects (the oracle's dcerpc.* columns) is found in an `rpc` event with
 * the same call id, opnum, context and interface, in the frames tshark
 * names; the figures are printed, and each disagreement with its reason.
 * Also Zeek's dce_rpc.log baselines: each logged operation is one of our calls.
 */
import * as assert from "node:assert/strict";
import { Decoder, type RpcEvent } from "../../mod.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";

interface Row {
  frame: number;
  ptypes: string[];
  callIds: string[];
  ctxIds: string[];
  opnums: string[];
  bindUuids: string[];
}

/** The oracle's rows that carry connection-oriented DCE/RPC. */
function oracleRows(tsv: string): Row[] {
  const lines = tsv.split("\n");
  const head = lines[0]!.split("\t");
  const col = (name: string) => head.indexOf(name);
  const [fr, pt, ci, cx, op, bu] = [
    col("frame.number"),
    col("dcerpc.pkt_type"),
    col("dcerpc.cn_call_id"),
    col("dcerpc.cn_ctx_id"),
    col("dcerpc.opnum"),
    col("dcerpc.cn_bind_to_uuid"),
  ];
  const rows: Row[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split("\t");
    if (!f[pt] || !f[ci]) continue; // connectionless PDUs have no call id column
    const split = (i: number) => (f[i] ?? "").split("|").filter((x) => x !== "");
    rows.push({
      frame: Number(f[fr]),
      ptypes: split(pt),
      callIds: split(ci),
      ctxIds: split(cx),
      opnums: split(op),
      bindUuids: split(bu),
    });
  }
  return rows;
}

/** Captures whose oracle has connection-oriented DCE/RPC (found by a scan of the oracle). */
function capturesWithDcerpc(): { capture: string; rows: Row[] }[] {
  const out: { capture: string; rows: Row[] }[] = [];
  for (const source of Deno.readDirSync(corpus)) {
    if (!source.isDirectory) continue;
    const oracle = new URL(`${source.name}/oracle/`, corpus);
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(oracle)];
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.name.endsWith(".tsv")) continue;
      const tsv = new TextDecoder("utf-8", { fatal: false }).decode(
        Deno.readFileSync(new URL(e.name, oracle)),
      );
      const rows = oracleRows(tsv);
      if (rows.length > 0) {
        out.push({ capture: `${source.name}/${e.name.slice(0, -4)}`, rows });
      }
    }
  }
  return out.sort((a, b) => a.capture.localeCompare(b.capture));
}

async function decodeRpc(capture: string): Promise<RpcEvent[]> {
  let bytes = Deno.readFileSync(new URL(capture, corpus));
  if (capture.endsWith(".gz")) {
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(inflated).arrayBuffer());
  }
  const d = new Decoder();
  const events = [...d.push(bytes), ...d.end()];
  return events.filter((e): e is RpcEvent => e.type === "rpc");
}

/**
 * Disagreements understood, by capture: why tshark sees a PDU we do not
 * report (or report differently). Checked by hand in each capture.
 */
const KNOWN: Record<string, string> = {
  "pcap-attack/CredAccess_BackupMasterKey_LSARPC_43_RetrievePrivateData.pcapng":
    "segments missing from the capture (tshark: ACKed unseen segment) break the SMB stream",
  "suricata-verify/smb2-ntlmssp-order__smb2.pcap":
    "the IOCTL response echoes its request's input buffer, which tshark dissects as a second request",
  "zeek/smb2.pcap":
    "the IOCTL response echoes its request's input buffer, which tshark dissects as a second request",
  "suricata-verify/dce-gap-handling__input.pcap":
    "a request cut by a gap: tshark dissects the fragment after the hole, we drop the broken PDU",
};

Deno.test({
  name: "DCE/RPC requests and binds agree with the tshark oracle",
  ignore: !corpusPresent,
  async fn() {
    let requests = 0, requestsFound = 0, binds = 0, bindsFound = 0;
    const misses: string[] = [];
    for (const { capture, rows } of capturesWithDcerpc()) {
      const rpc = await decodeRpc(capture);
      const callsByFrame = new Map<number, RpcEvent[]>();
      for (const e of rpc) {
        for (const f of e.request?.frames ?? []) {
          const list = callsByFrame.get(f) ?? [];
          list.push(e);
          callsByFrame.set(f, list);
        }
      }
      let missed = 0;
      for (const row of rows) {
        let op = 0, uuidAt = 0;
        row.ptypes.forEach((pt, i) => {
          const callId = Number(row.callIds[i]);
          const here = callsByFrame.get(row.frame) ?? [];
          if (pt === "0") {
            const opnum = Number(row.opnums[op++]);
            requests++;
            const hit = here.some((e) =>
              e.action === "call" && e.callId === callId && e.opnum === opnum
            );
            if (hit) requestsFound++;
            else {
              missed++;
              if (misses.length < 200) {
                misses.push(`${capture} frame ${row.frame}: request call ${callId} opnum ${opnum}`);
              }
            }
          } else if (pt === "11" || pt === "14") {
            binds++;
            const uuid = row.bindUuids[uuidAt++];
            const hit = here.some((e) =>
              e.action !== "call" && e.callId === callId &&
              (uuid === undefined || e.contexts?.some((c) => c.interface === uuid))
            );
            if (hit) bindsFound++;
            else {
              missed++;
              if (misses.length < 200) {
                misses.push(
                  `${capture} frame ${row.frame}: ${
                    pt === "11" ? "bind" : "alter_context"
                  } call ${callId}`,
                );
              }
            }
          }
        });
      }
      if (missed > 0 && KNOWN[capture] === undefined) {
        console.log(`  unexplained: ${capture}: ${missed} PDUs`);
      }
    }
    const pct = (a: number, b: number) => (b === 0 ? 100 : (100 * a) / b).toFixed(1);
    console.log(
      `tshark oracle: requests ${requestsFound}/${requests} (${pct(requestsFound, requests)}%), ` +
        `binds ${bindsFound}/${binds} (${pct(bindsFound, binds)}%)`,
    );
    for (const m of misses) {
      const reason = KNOWN[m.slice(0, m.indexOf(" frame"))];
      console.log(`  ${m}${reason ? ` — ${reason}` : " — UNEXPLAINED"}`);
    }
    const unexplained = misses.filter((m) => KNOWN[m.slice(0, m.indexOf(" frame"))] === undefined);
    assert.deepEqual(unexplained, []);
    assert.ok(requests > 3000 && binds > 1000);
  },
});

/** Zeek's dce_rpc.log baselines and the captures they came from. */
const ZEEK_BASELINES: [string, string][] = [
  ["scripts.base.protocols.dce-rpc.dce_rpc_netlogon", "zeek/dce_rpc_netlogon.pcapng"],
  ["scripts.base.protocols.dce-rpc.mapi", "zeek/mapi.pcap"],
  ["scripts.base.protocols.dce-rpc.context", "zeek/cs_window7-join_stream092.pcap"],
  [
    "scripts.base.protocols.smb.smb1-transaction-dcerpc",
    "zeek/dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.cap",
  ],
];

/**
 * Interface names that differ from Zeek's (ours are the IDL's names in the
 * specifications; Zeek keeps its own list).
 */
const ZEEK_ENDPOINT_NAMES: Record<string, string> = {
  epmapper: "epm",
  netlogon: "logon",
};

/** Zeek lines with no call of ours, each checked by hand in the capture. */
const ZEEK_KNOWN_MISSES: Record<string, string> = {
  "zeek/mapi.pcap: exchange_mapi EcRRegisterPushNotification 1073→1032":
    "Zeek logs the last call (EcDoRpc, opnum 2, frame 800, never answered) under the previous " +
    "call's operation and rtt; we report it as opnum 2 without response",
};

/** Interfaces Zeek names that are outside the [MS-*] Windows protocols: we report them by UUID. */
const ZEEK_NOT_IN_SPECS: ReadonlySet<string> = new Set(["exchange_mapi"]);

Deno.test({
  name: "DCE/RPC calls agree with Zeek's dce_rpc.log baselines",
  ignore: !corpusPresent,
  async fn() {
    let logged = 0, found = 0, notInSpecs = 0;
    const misses: string[] = [];
    for (const [dir, capture] of ZEEK_BASELINES) {
      const log = Deno.readTextFileSync(new URL(`zeek/expected/${dir}/dce_rpc.log`, corpus));
      const calls = (await decodeRpc(capture)).filter((e) => e.action === "call");
      const used = new Set<RpcEvent>();
      for (const line of log.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        const f = line.split("\t");
        const [origP, respP, rtt, , endpoint, operation] = [f[3], f[5], f[6], f[7], f[8], f[9]];
        logged++;
        const hit = calls.find((e) =>
          !used.has(e) && String(e.client.port) === origP && String(e.server.port) === respP &&
          // [MS-DRSR] names its operations IDL_DRSBind…; Zeek drops the prefix.
          (ZEEK_NOT_IN_SPECS.has(endpoint!)
            ? e.operation === undefined
            : e.operation?.replace(/^IDL_/, "") === operation &&
              (e.interfaceName === endpoint ||
                e.interfaceName === ZEEK_ENDPOINT_NAMES[endpoint!])) &&
          (rtt === "-" || Math.abs((e.responseTime ?? -1) - Number(rtt)) < 0.0005)
        );
        if (hit) {
          used.add(hit);
          if (ZEEK_NOT_IN_SPECS.has(endpoint!)) notInSpecs++;
          else found++;
        } else misses.push(`${capture}: ${endpoint} ${operation} ${origP}→${respP}`);
      }
    }
    console.log(
      `Zeek dce_rpc.log: ${found}/${logged} logged calls found; ${notInSpecs} of Exchange's ` +
        "exchange_mapi ([MS-OXCRPC], not one of the Windows protocol specifications our names come from) found unnamed",
    );
    for (const m of misses) console.log(`  missing: ${m}`);
    const unexplained = misses.filter((m) => ZEEK_KNOWN_MISSES[m] === undefined);
    for (const m of misses) console.log(`    ${ZEEK_KNOWN_MISSES[m] ?? "UNEXPLAINED"}`);
    assert.ok(logged >= 17 && found + notInSpecs + misses.length === logged);
    assert.deepEqual(unexplained, []);
  },
});

if (!corpusPresent) console.log("dcerpc oracle: skipped: ../shared/pcaps/public is not here");

Deno.test({
  name: "NTLM logins in DCE/RPC verifiers agree with the tshark oracle (user, domain, frame)",
  ignore: !corpusPresent,
  fn() {
    let expected = 0, found = 0;
    for (const source of Deno.readDirSync(corpus)) {
      if (!source.isDirectory) continue;
      let entries: Deno.DirEntry[];
      try {
        entries = [...Deno.readDirSync(new URL(`${source.name}/oracle/`, corpus))];
      } catch {
        continue;
      }
      for (const entry of entries) {
        const tsv = new TextDecoder().decode(
          Deno.readFileSync(new URL(`${source.name}/oracle/${entry.name}`, corpus)),
        );
        const lines = tsv.split("\n");
        const head = lines[0]!.split("\t");
        const col = (n: string) => head.indexOf(n);
        const [fr, mt, pt, s1, s2, user, domain] = [
          col("frame.number"),
          col("ntlmssp.messagetype"),
          col("dcerpc.pkt_type"),
          col("smb.cmd"),
          col("smb2.cmd"),
          col("ntlmssp.auth.username"),
          col("ntlmssp.auth.domain"),
        ];
        const rows = lines.slice(1).map((l) => l.split("\t")).filter((f) =>
          f[mt]?.includes("0x00000003") && f[pt] && !f[s1] && !f[s2]
        );
        if (rows.length === 0) continue;
        const capture = `${source.name}/${entry.name.slice(0, -4)}`;
        const d = new Decoder();
        const bytes = Deno.readFileSync(new URL(capture, corpus));
        const ntlm = [...d.push(bytes), ...d.end()].filter((e) =>
          e.type === "ntlm" && e.protocol === "dcerpc"
        );
        for (const f of rows) {
          expected++;
          const hit = ntlm.find((e) =>
            e.type === "ntlm" && e.evidence.frames.includes(Number(f[fr])) &&
            // tshark shows an empty name as NULL (anonymous logins).
            e.user === (f[user] === "NULL" ? "" : f[user]) &&
            e.domain === (f[domain] === "NULL" ? "" : f[domain])
          );
          if (hit) found++;
          else console.log(`  missing: ${capture} frame ${f[fr]} ${f[domain]}\\${f[user]}`);
        }
      }
    }
    console.log(`RPC-level NTLM logins: ${found}/${expected} as tshark shows them`);
    assert.ok(expected >= 13);
    assert.equal(found, expected);
  },
});
