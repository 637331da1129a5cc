/**
 * Build tests/corpus/golden/tshark_conversations.json: tshark's view of every TCP and UDP
 * conversation in the public capture corpus, so tests can compare our decoder against it
 * without needing tshark at test time.
 *
 * Usage:
 *   deno run -A tools/make_corpus_golden.ts [--corpus DIR] [--out FILE] [--only SUBSTR]
 *   deno run -A tools/make_corpus_golden.ts --verify [--corpus DIR] [--out FILE] [--only SUBSTR]
 *
 * --verify does not write anything: it re-reads the golden file and compares per-direction
 * packet counts with `tshark -q -z conv,tcp` / `-z conv,udp` (an independent tshark tap).
 *
 * See tests/corpus/golden/README.md for the meaning of every field and the caveats.
 */

const DEFAULT_CORPUS = "/work/shared/pcaps/public";
const DEFAULT_OUT = new URL("../tests/corpus/golden/tshark_conversations.json", import.meta.url)
  .pathname;

/** Fields extracted per frame, in output column order. */
const FIELDS = [
  "frame.number",
  "frame.time_epoch",
  "frame.protocols",
  "ip.src",
  "ip.dst",
  "ipv6.src",
  "ipv6.dst",
  "tcp.stream",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.len",
  "tcp.seq",
  "tcp.nxtseq",
  "tcp.flags.syn",
  "tcp.flags.ack",
  "tcp.flags.fin",
  "tcp.flags.reset",
  "tcp.analysis.retransmission",
  "udp.stream",
  "udp.srcport",
  "udp.dstport",
  "udp.length",
  "icmp.type",
  "icmpv6.type",
  "_ws.malformed",
] as const;
type Field = typeof FIELDS[number];

const BASE_ARGS = [
  "-T",
  "fields",
  "-E",
  "header=n",
  "-E",
  "separator=/t",
  "-E",
  "occurrence=a",
  "-E",
  "aggregator=|",
  "-E",
  "quote=n",
  ...FIELDS.flatMap((f) => ["-e", f]),
];

const COMMAND_TEMPLATE = "WIRESHARK_CONFIG_DIR=$(mktemp -d) tshark -n -r PCAP [EXTRA] " +
  BASE_ARGS.map((a) => (a.includes("|") ? `'${a}'` : a)).join(" ");

interface CatalogEntry {
  path: string;
  note?: string;
  sha256?: string;
  gzip?: boolean;
  features?: string[];
}

interface Endpoint {
  ip: string | null;
  port: number;
}

interface TcpAgg {
  stream: number;
  firstFrame: number;
  lastFrame: number;
  firstTs: string;
  a: Endpoint;
  b: Endpoint;
  client: "a" | "b" | null;
  pktsAB: number;
  pktsBA: number;
  bytesAB: number;
  bytesBA: number;
  minAB: number | null;
  maxAB: number | null;
  minBA: number | null;
  maxBA: number | null;
  retransAB: number;
  retransBA: number;
  synAB: number;
  synBA: number;
  finAB: number;
  finBA: number;
  rstAB: number;
  rstBA: number;
}

interface UdpAgg {
  stream: number;
  firstFrame: number;
  lastFrame: number;
  firstTs: string;
  a: Endpoint;
  b: Endpoint;
  pktsAB: number;
  pktsBA: number;
  bytesAB: number;
  bytesBA: number;
}

interface CaptureResult {
  frames: number;
  sha256: string;
  capinfosFrames: number | null;
  tsharkExtra: string[];
  tsharkRc: number;
  tsharkError: string | null;
  malformedFrames: number;
  icmpQuotedExcluded: { tcp: number[]; udp: number[] };
  streamsOnlyIcmpQuoted: { tcp: number[]; udp: number[] };
  multiTransportFrames: number[];
  anomalies: string[];
  tcp: TcpAgg[];
  udp: UdpAgg[];
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv: string[]): {
  corpus: string;
  out: string;
  only: string | null;
  verify: boolean;
} {
  let corpus = Deno.env.get("SMBSCOPE_CORPUS") ?? DEFAULT_CORPUS;
  let out = DEFAULT_OUT;
  let only: string | null = null;
  let verify = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--corpus") corpus = next();
    else if (a === "--out") out = next();
    else if (a === "--only") only = next();
    else if (a === "--verify") verify = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return { corpus: corpus.replace(/\/+$/, ""), out, only, verify };
}

async function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ rc: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder("utf-8", { fatal: false });
  return { rc: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function cleanStderr(s: string): string {
  return s.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("Running as user"))
    .join("\n");
}

async function sha256Hex(path: string): Promise<string> {
  const data = await Deno.readFile(path);
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
}

const CAPTURE_RE = /\.(pcap|pcapng|cap|gz)$/i;

async function walk(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) {
      if (e.name === "expected" || e.name === "oracle") continue;
      out.push(...await walk(`${dir}/${e.name}`, r));
    } else if (e.isFile && CAPTURE_RE.test(e.name)) {
      out.push(r);
    }
  }
  return out;
}

/** `-d ...` decode-as options named in the catalog note ("oracle uses -d tcp.port==80,nbss"). */
function extraOptions(entry: CatalogEntry | undefined): string[] {
  const out: string[] = [];
  for (const m of (entry?.note ?? "").matchAll(/(?:^|\s|\()-d\s+([^\s)]+)/g)) {
    if (m[1]) out.push("-d", m[1]);
  }
  return out;
}

function splitMulti(v: string | undefined): string[] {
  return v === undefined || v === "" ? [] : v.split("|");
}

function num(v: string | undefined): number | null {
  if (v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function sameEp(x: Endpoint, y: Endpoint): boolean {
  return x.ip === y.ip && x.port === y.port;
}

/**
 * Position of each transport header in the frame, from frame.protocols: for every "tcp"/"udp"
 * token, the enclosing network layer (kind and occurrence index) and whether it sits inside an
 * ICMP/ICMPv6 message (i.e. is a quoted header of an ICMP error).
 */
interface TransportSlot {
  net: { kind: "ip" | "ipv6"; idx: number } | null;
  quoted: boolean;
}

function transportSlots(protocols: string): {
  tcp: TransportSlot[];
  udp: TransportSlot[];
  ipCount: number;
  ip6Count: number;
} {
  const tcp: TransportSlot[] = [];
  const udp: TransportSlot[] = [];
  let ipCount = 0;
  let ip6Count = 0;
  let net: TransportSlot["net"] = null;
  let inIcmp = false;
  for (const tok of protocols.split(":")) {
    if (tok === "ip") net = { kind: "ip", idx: ipCount++ };
    else if (tok === "ipv6") net = { kind: "ipv6", idx: ip6Count++ };
    else if (tok === "icmp" || tok === "icmpv6") inIcmp = true;
    else if (tok === "tcp") tcp.push({ net, quoted: inIcmp });
    else if (tok === "udp") udp.push({ net, quoted: inIcmp });
  }
  return { tcp, udp, ipCount, ip6Count };
}

// ---------------------------------------------------------------------------------------------

async function processCapture(
  corpus: string,
  rel: string,
  entry: CatalogEntry | undefined,
): Promise<CaptureResult> {
  const path = `${corpus}/${rel}`;
  const cfg = await Deno.makeTempDir({ prefix: "smbscope-wscfg-" });
  const env = { WIRESHARK_CONFIG_DIR: cfg };
  const extra = extraOptions(entry);
  try {
    const [ts, ci, sha] = await Promise.all([
      run("tshark", ["-n", "-r", path, ...extra, ...BASE_ARGS], env),
      run("capinfos", ["-c", "-M", path], env),
      sha256Hex(path),
    ]);
    const m = ci.rc === 0 ? /Number of packets:\s+(\d+)/.exec(ci.stdout) : null;
    const res: CaptureResult = {
      frames: 0,
      sha256: sha,
      capinfosFrames: m?.[1] !== undefined ? Number(m[1]) : null,
      tsharkExtra: extra,
      tsharkRc: ts.rc,
      tsharkError: ts.rc === 0 ? null : cleanStderr(ts.stderr),
      malformedFrames: 0,
      icmpQuotedExcluded: { tcp: [], udp: [] },
      streamsOnlyIcmpQuoted: { tcp: [], udp: [] },
      multiTransportFrames: [],
      anomalies: [],
      tcp: [],
      udp: [],
    };
    if (entry?.sha256 && entry.sha256 !== sha) {
      res.anomalies.push(`sha256 differs from catalog (${entry.sha256})`);
    }
    const tcpMap = new Map<number, TcpAgg>();
    const udpMap = new Map<number, UdpAgg>();
    const quotedTcpStreams = new Set<number>();
    const quotedUdpStreams = new Set<number>();

    for (const line of ts.stdout.split("\n")) {
      if (line === "") continue;
      const cols = line.split("\t");
      const get = (f: Field): string | undefined => cols[FIELDS.indexOf(f)];
      const frameNo = num(get("frame.number"));
      if (frameNo === null) {
        res.anomalies.push(`unparsable line: ${line.slice(0, 80)}`);
        continue;
      }
      res.frames++;
      const tsStr = get("frame.time_epoch") ?? "";
      if ((get("_ws.malformed") ?? "") !== "") res.malformedFrames++;
      const slots = transportSlots(get("frame.protocols") ?? "");
      const ipSrc = splitMulti(get("ip.src"));
      const ipDst = splitMulti(get("ip.dst"));
      const ip6Src = splitMulti(get("ipv6.src"));
      const ip6Dst = splitMulti(get("ipv6.dst"));
      if (ipSrc.length !== slots.ipCount || ip6Src.length !== slots.ip6Count) {
        res.anomalies.push(
          `frame ${frameNo}: ${ipSrc.length} ip.src / ${ip6Src.length} ipv6.src values but ` +
            `frame.protocols has ${slots.ipCount} ip / ${slots.ip6Count} ipv6 layers`,
        );
      }
      const addrs = (s: TransportSlot | undefined): [string | null, string | null] => {
        const n = s?.net;
        if (!n) {
          // Fall back to the innermost (last) address of either family.
          const src = ip6Src.at(-1) ?? ipSrc.at(-1) ?? null;
          const dst = ip6Dst.at(-1) ?? ipDst.at(-1) ?? null;
          return [src, dst];
        }
        const [s1, d1] = n.kind === "ip" ? [ipSrc, ipDst] : [ip6Src, ip6Dst];
        return [s1[n.idx] ?? null, d1[n.idx] ?? null];
      };

      // ---- TCP ----
      const tStream = splitMulti(get("tcp.stream"));
      if (tStream.length !== slots.tcp.length) {
        res.anomalies.push(
          `frame ${frameNo}: ${tStream.length} tcp.stream values, ${slots.tcp.length} tcp layers`,
        );
      }
      const tSport = splitMulti(get("tcp.srcport"));
      const tDport = splitMulti(get("tcp.dstport"));
      const tLen = splitMulti(get("tcp.len"));
      const tSeq = splitMulti(get("tcp.seq"));
      const tSyn = splitMulti(get("tcp.flags.syn"));
      const tAck = splitMulti(get("tcp.flags.ack"));
      const tFin = splitMulti(get("tcp.flags.fin"));
      const tRst = splitMulti(get("tcp.flags.reset"));
      const tRetr = splitMulti(get("tcp.analysis.retransmission"));
      const keptTcp: number[] = [];
      for (let i = 0; i < tStream.length; i++) {
        const stream = num(tStream[i]);
        if (stream === null) continue;
        if (slots.tcp[i]?.quoted) {
          res.icmpQuotedExcluded.tcp.push(frameNo);
          quotedTcpStreams.add(stream);
          continue;
        }
        keptTcp.push(i);
      }
      if (keptTcp.length > 1) {
        res.anomalies.push(
          `frame ${frameNo}: ${keptTcp.length} non-quoted TCP headers; sparse fields may misalign`,
        );
      }
      for (const i of keptTcp) {
        const stream = num(tStream[i]) as number;
        const [src, dst] = addrs(slots.tcp[i]);
        const sp = num(tSport[i]) ?? -1;
        const dp = num(tDport[i]) ?? -1;
        const len = num(tLen[i]) ?? 0;
        const seq = num(tSeq[i]);
        const syn = tSyn[i] === "1";
        const ack = tAck[i] === "1";
        const fin = tFin[i] === "1";
        const rst = tRst[i] === "1";
        // tcp.analysis.retransmission is only present on flagged headers; align only when unique.
        const retr = keptTcp.length === 1 ? tRetr.length > 0 : false;
        const from: Endpoint = { ip: src, port: sp };
        const to: Endpoint = { ip: dst, port: dp };
        let s = tcpMap.get(stream);
        if (!s) {
          s = {
            stream,
            firstFrame: frameNo,
            lastFrame: frameNo,
            firstTs: tsStr,
            a: from,
            b: to,
            client: null,
            pktsAB: 0,
            pktsBA: 0,
            bytesAB: 0,
            bytesBA: 0,
            minAB: null,
            maxAB: null,
            minBA: null,
            maxBA: null,
            retransAB: 0,
            retransBA: 0,
            synAB: 0,
            synBA: 0,
            finAB: 0,
            finBA: 0,
            rstAB: 0,
            rstBA: 0,
          };
          tcpMap.set(stream, s);
        }
        s.lastFrame = frameNo;
        let ab: boolean;
        if (sameEp(from, s.a) && sameEp(to, s.b)) ab = true;
        else if (sameEp(from, s.b) && sameEp(to, s.a)) ab = false;
        else {
          res.anomalies.push(`frame ${frameNo}: tcp.stream ${stream} endpoints differ`);
          ab = sameEp(from, s.a);
        }
        if (syn && !ack && s.client === null) s.client = ab ? "a" : "b";
        if (ab) {
          s.pktsAB++;
          s.bytesAB += len;
          if (retr) s.retransAB++;
          if (syn) s.synAB++;
          if (fin) s.finAB++;
          if (rst) s.rstAB++;
        } else {
          s.pktsBA++;
          s.bytesBA += len;
          if (retr) s.retransBA++;
          if (syn) s.synBA++;
          if (fin) s.finBA++;
          if (rst) s.rstBA++;
        }
        if (len > 0 && seq !== null) {
          // tshark's relative numbers are (raw - base) mod 2^32, so data sent before the first
          // seen sequence number (midstream capture, out-of-order) shows up near 2^32: read them
          // as signed 32-bit. A SYN occupies one sequence number before its data.
          const rel = seq >= 2 ** 31 ? seq - 2 ** 32 : seq;
          const start = rel + (syn ? 1 : 0);
          const end = start + len;
          if (ab) {
            s.minAB = s.minAB === null ? start : Math.min(s.minAB, start);
            s.maxAB = s.maxAB === null ? end : Math.max(s.maxAB, end);
          } else {
            s.minBA = s.minBA === null ? start : Math.min(s.minBA, start);
            s.maxBA = s.maxBA === null ? end : Math.max(s.maxBA, end);
          }
        }
      }

      // ---- UDP ----
      const uStream = splitMulti(get("udp.stream"));
      if (uStream.length !== slots.udp.length) {
        res.anomalies.push(
          `frame ${frameNo}: ${uStream.length} udp.stream values, ${slots.udp.length} udp layers`,
        );
      }
      const uSport = splitMulti(get("udp.srcport"));
      const uDport = splitMulti(get("udp.dstport"));
      const uLen = splitMulti(get("udp.length"));
      let keptUdp = 0;
      for (let i = 0; i < uStream.length; i++) {
        const stream = num(uStream[i]);
        if (stream === null) continue;
        if (slots.udp[i]?.quoted) {
          res.icmpQuotedExcluded.udp.push(frameNo);
          quotedUdpStreams.add(stream);
          continue;
        }
        keptUdp++;
        const [src, dst] = addrs(slots.udp[i]);
        const from: Endpoint = { ip: src, port: num(uSport[i]) ?? -1 };
        const to: Endpoint = { ip: dst, port: num(uDport[i]) ?? -1 };
        const ulen = num(uLen[i]);
        const payload = ulen === null ? 0 : Math.max(0, ulen - 8);
        let s = udpMap.get(stream);
        if (!s) {
          s = {
            stream,
            firstFrame: frameNo,
            lastFrame: frameNo,
            firstTs: tsStr,
            a: from,
            b: to,
            pktsAB: 0,
            pktsBA: 0,
            bytesAB: 0,
            bytesBA: 0,
          };
          udpMap.set(stream, s);
        }
        s.lastFrame = frameNo;
        let ab: boolean;
        if (sameEp(from, s.a) && sameEp(to, s.b)) ab = true;
        else if (sameEp(from, s.b) && sameEp(to, s.a)) ab = false;
        else {
          res.anomalies.push(`frame ${frameNo}: udp.stream ${stream} endpoints differ`);
          ab = sameEp(from, s.a);
        }
        if (ab) {
          s.pktsAB++;
          s.bytesAB += payload;
        } else {
          s.pktsBA++;
          s.bytesBA += payload;
        }
      }
      if (keptTcp.length + keptUdp > 1) res.multiTransportFrames.push(frameNo);
    }

    res.tcp = [...tcpMap.values()].sort((x, y) => x.stream - y.stream);
    res.udp = [...udpMap.values()].sort((x, y) => x.stream - y.stream);
    res.streamsOnlyIcmpQuoted.tcp = [...quotedTcpStreams].filter((s) => !tcpMap.has(s)).sort(
      (x, y) => x - y,
    );
    res.streamsOnlyIcmpQuoted.udp = [...quotedUdpStreams].filter((s) => !udpMap.has(s)).sort(
      (x, y) => x - y,
    );
    if (res.capinfosFrames !== null && res.capinfosFrames !== res.frames) {
      res.anomalies.push(`capinfos counts ${res.capinfosFrames} frames, tshark ${res.frames}`);
    }
    return res;
  } finally {
    await Deno.remove(cfg, { recursive: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Serialisation: valid JSON, one line per stream.

function ep(e: Endpoint): { ip: string | null; port: number } {
  return { ip: e.ip, port: e.port };
}

function tcpOut(s: TcpAgg): Record<string, unknown> {
  return {
    stream: s.stream,
    firstFrame: s.firstFrame,
    lastFrame: s.lastFrame,
    firstTs: s.firstTs,
    a: ep(s.a),
    b: ep(s.b),
    client: s.client,
    pktsAB: s.pktsAB,
    pktsBA: s.pktsBA,
    bytesAB: s.bytesAB,
    bytesBA: s.bytesBA,
    seqSpanAB: s.minAB === null || s.maxAB === null ? null : s.maxAB - s.minAB,
    seqSpanBA: s.minBA === null || s.maxBA === null ? null : s.maxBA - s.minBA,
    seqMinAB: s.minAB,
    seqMinBA: s.minBA,
    retransAB: s.retransAB,
    retransBA: s.retransBA,
    synAB: s.synAB,
    synBA: s.synBA,
    finAB: s.finAB,
    finBA: s.finBA,
    rstAB: s.rstAB,
    rstBA: s.rstBA,
  };
}

function udpOut(s: UdpAgg): Record<string, unknown> {
  return {
    stream: s.stream,
    firstFrame: s.firstFrame,
    lastFrame: s.lastFrame,
    firstTs: s.firstTs,
    a: ep(s.a),
    b: ep(s.b),
    pktsAB: s.pktsAB,
    pktsBA: s.pktsBA,
    bytesAB: s.bytesAB,
    bytesBA: s.bytesBA,
  };
}

function serialise(
  generatedBy: Record<string, string>,
  captures: [string, CaptureResult][],
): string {
  const j = JSON.stringify;
  const lines: string[] = [];
  lines.push("{");
  lines.push(`"generatedBy": ${j(generatedBy)},`);
  lines.push(`"captures": {`);
  captures.forEach(([rel, r], ci) => {
    const head: Record<string, unknown> = {
      frames: r.frames,
      sha256: r.sha256,
      capinfosFrames: r.capinfosFrames,
      tsharkExtra: r.tsharkExtra,
      tsharkRc: r.tsharkRc,
      tsharkError: r.tsharkError,
      malformedFrames: r.malformedFrames,
      icmpQuotedExcluded: r.icmpQuotedExcluded,
      streamsOnlyIcmpQuoted: r.streamsOnlyIcmpQuoted,
      multiTransportFrames: r.multiTransportFrames,
      anomalies: r.anomalies,
    };
    const headStr = j(head).slice(0, -1); // open object
    lines.push(`${j(rel)}: ${headStr},`);
    const arr = (name: string, items: Record<string, unknown>[], last: boolean) => {
      if (items.length === 0) {
        lines.push(`  ${j(name)}: []${last ? "" : ","}`);
        return;
      }
      lines.push(`  ${j(name)}: [`);
      items.forEach((it, i) => lines.push(`    ${j(it)}${i < items.length - 1 ? "," : ""}`));
      lines.push(`  ]${last ? "" : ","}`);
    };
    arr("tcp", r.tcp.map(tcpOut), false);
    arr("udp", r.udp.map(udpOut), true);
    lines.push(`}${ci < captures.length - 1 ? "," : ""}`);
  });
  lines.push("}");
  lines.push("}");
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// --verify: compare against tshark's own conversation tables.

interface ConvRow {
  a: string;
  b: string;
  framesBA: number;
  framesAB: number;
}

function parseConv(text: string): ConvRow[] {
  const rows: ConvRow[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+/.exec(line);
    if (m && m[1] && m[2] && m[3] && m[4]) {
      rows.push({ a: m[1], b: m[2], framesBA: Number(m[3]), framesAB: Number(m[4]) });
    }
  }
  return rows;
}

async function verify(corpus: string, out: string, only: string | null): Promise<number> {
  const golden = JSON.parse(await Deno.readTextFile(out)) as {
    captures: Record<string, {
      tsharkExtra: string[];
      tcp: { a: Endpoint; b: Endpoint; pktsAB: number; pktsBA: number }[];
      udp: { a: Endpoint; b: Endpoint; pktsAB: number; pktsBA: number }[];
    }>;
  };
  let bad = 0;
  let checked = 0;
  for (const [rel, cap] of Object.entries(golden.captures)) {
    if (only !== null && !rel.includes(only)) continue;
    const cfg = await Deno.makeTempDir({ prefix: "smbscope-wscfg-" });
    const r = await run("tshark", [
      "-n",
      "-r",
      `${corpus}/${rel}`,
      ...cap.tsharkExtra,
      "-q",
      "-z",
      "conv,tcp",
      "-z",
      "conv,udp",
    ], { WIRESHARK_CONFIG_DIR: cfg });
    await Deno.remove(cfg, { recursive: true });
    // tshark prints the tables in its own order; cut each one from its title to the next title.
    const section = (title: string): string => {
      const start = r.stdout.indexOf(title);
      if (start < 0) return "";
      const end = r.stdout.indexOf(" Conversations", start + title.length);
      return r.stdout.slice(start, end < 0 ? undefined : end);
    };
    const tcpText = section("TCP Conversations");
    const udpText = section("UDP Conversations");
    for (
      const [proto, text, streams] of [
        ["tcp", tcpText, cap.tcp],
        ["udp", udpText, cap.udp],
      ] as const
    ) {
      // Sum per unordered address pair on both sides (tshark's table can split a pair into
      // several rows and orients rows its own way).
      const key = (x: string, y: string) => (x < y ? `${x} ${y}` : `${y} ${x}`);
      const fmt = (e: Endpoint) => `${e.ip}:${e.port}`;
      const want = new Map<string, Map<string, number>>();
      const add = (from: string, to: string, n: number) => {
        const k = key(from, to);
        const m = want.get(k) ?? new Map<string, number>();
        m.set(from, (m.get(from) ?? 0) + n);
        want.set(k, m);
      };
      for (const s of streams) {
        add(fmt(s.a), fmt(s.b), s.pktsAB);
        add(fmt(s.b), fmt(s.a), s.pktsBA);
      }
      const got = new Map<string, Map<string, number>>();
      for (const row of parseConv(text)) {
        const k = key(row.a, row.b);
        const m = got.get(k) ?? new Map<string, number>();
        m.set(row.a, (m.get(row.a) ?? 0) + row.framesAB);
        m.set(row.b, (m.get(row.b) ?? 0) + row.framesBA);
        got.set(k, m);
      }
      const keys = new Set([...want.keys(), ...got.keys()]);
      for (const k of keys) {
        checked++;
        const w = want.get(k) ?? new Map<string, number>();
        const g = got.get(k) ?? new Map<string, number>();
        const ends = new Set([...w.keys(), ...g.keys()]);
        for (const e of ends) {
          if ((w.get(e) ?? 0) !== (g.get(e) ?? 0)) {
            bad++;
            console.log(
              `${rel} ${proto} ${k}: from ${e} golden=${w.get(e) ?? 0} conv=${g.get(e) ?? 0}`,
            );
          }
        }
      }
    }
  }
  console.log(`verify: ${checked} address pairs compared, ${bad} direction mismatches`);
  return bad === 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { corpus, out, only, verify: doVerify } = parseArgs(Deno.args);
  if (doVerify) return await verify(corpus, out, only);

  const catalog = JSON.parse(await Deno.readTextFile(`${corpus}/catalog.json`)) as {
    captures: CatalogEntry[];
  };
  const byPath = new Map(catalog.captures.map((c) => [c.path, c]));
  const walked = await walk(corpus);
  const all = [...new Set([...byPath.keys(), ...walked])].sort();
  const missing = [...byPath.keys()].filter((p) => !walked.includes(p));
  const uncatalogued = walked.filter((p) => !byPath.has(p));
  if (missing.length) console.error(`catalogued but not on disk: ${missing.join(", ")}`);
  if (uncatalogued.length) console.error(`on disk but not catalogued: ${uncatalogued.join(", ")}`);

  const version = (await run("tshark", ["--version"], {})).stdout.split("\n")[0] ?? "";
  const results: [string, CaptureResult][] = [];
  const todo = all.filter((p) => !missing.includes(p) && (only === null || p.includes(only)));
  // Modest parallelism; each capture gets its own empty config dir.
  const queue = [...todo];
  const done = new Map<string, CaptureResult>();
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
      const r = await processCapture(corpus, rel, byPath.get(rel));
      done.set(rel, r);
      if (r.tsharkRc !== 0 || r.anomalies.length) {
        console.error(`${rel}: rc=${r.tsharkRc} ${r.anomalies.slice(0, 3).join("; ")}`);
      }
    }
  }));
  for (const rel of todo) {
    const r = done.get(rel);
    if (r) results.push([rel, r]);
  }

  const generatedBy = {
    tshark: version,
    command: COMMAND_TEMPLATE,
    tool: "deno run -A tools/make_corpus_golden.ts",
    corpus:
      "shared/pcaps/public (catalog.json + walk of <source>/ dirs, expected/ and oracle/ skipped)",
    date: new Date().toISOString(),
  };
  const text = serialise(generatedBy, results);
  JSON.parse(text); // must be valid JSON
  await Deno.mkdir(new URL(".", `file://${out}`).pathname, { recursive: true });
  await Deno.writeTextFile(out, text);
  const nTcp = results.reduce((n, [, r]) => n + r.tcp.length, 0);
  const nUdp = results.reduce((n, [, r]) => n + r.udp.length, 0);
  const nFrames = results.reduce((n, [, r]) => n + r.frames, 0);
  console.log(
    `${results.length} captures, ${nFrames} frames, ${nTcp} tcp streams, ${nUdp} udp streams, ` +
      `${text.length} bytes -> ${out}`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main());
