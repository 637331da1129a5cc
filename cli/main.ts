/**
 * The smbscope command line: `decode` a capture to text, JSON or NDJSON, or
 * walk it in the `repl`.
 *
 *     deno run -R cli/main.ts decode capture.pcap [--format text|json|ndjson]
 *     deno run -R cli/main.ts repl capture.pcap
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type DecodeEvent, type DecoderOptions, type DetectOptions, EVENT_TYPES } from "../mod.ts";
import { DocumentBuilder, documentText } from "../lib/output/document.ts";
import { DocumentSpool } from "./document_spool.ts";
import { encodeJsonText, safeJson } from "../lib/output/sanitize.ts";
import { Md5Thread } from "./threaded_hashes.ts";
import { formatBytes } from "../lib/output/text.ts";
import { TextStream } from "../lib/output/text_stream.ts";
import { FolderSink } from "./extract.ts";
import { ShareTree } from "../lib/files/share_tree.ts";
import { formatShareTree } from "../lib/output/share_tree_text.ts";
import {
  zeekDceRpcFooter,
  zeekDceRpcHeader,
  zeekDceRpcLine,
  zeekDceRpcRecord,
} from "../lib/output/zeek_dce_rpc.ts";
import { ZeekLogs } from "../lib/output/zeek/logs.ts";
import { EventSelection, parseHosts, parsePorts } from "../lib/output/select.ts";
import { InputWatch } from "../lib/output/input_problem.ts";
import { ZeekFolder } from "./zeek_folder.ts";
import { EveRecords } from "../lib/output/eve/records.ts";
import { decodeSource, openSource } from "./input.ts";
import { decodeSharded, whyOneJob } from "./jobs.ts";
import { Progress } from "./progress.ts";
import { emphasise, emphasiseSummary, stdoutWantsColor } from "./emphasis.ts";
import { detectOptionsFrom, RuleChoiceError, ruleDescriptions, ruleListText } from "./rules.ts";
import { KeyChoiceError, keyOptionsFrom } from "./keys.ts";
import { HashExport } from "./hash_export.ts";
import { type KeyOptions, Keyring } from "../lib/auth/keyring.ts";
import type { ParquetFolder } from "./parquet_folder.ts";

const USAGE = `Usage: smbscope decode <capture|-> [options]
       smbscope decode --list-rules [--format json]
       smbscope repl <capture>
       smbscope fanout --endpoint URL --shards N (--source URL | FILE)  (fanout --help)

Decode a pcap, pcapng or gzip-compressed capture ("-" reads standard input).

Options:
  -f, --format <text|json|ndjson|eve|zeek-dce-rpc>
                                   output format (default: text); eve writes Suricata-style
                                   EVE JSON lines (smb, dcerpc, fileinfo, alert records);
                                   zeek-dce-rpc the DCE/RPC calls as a Zeek dce_rpc.log
      --zeek <dir>                 also write Zeek logs to <dir>: conn, smb_mapping,
                                   smb_files, ntlm, dce_rpc, files, notice (.log, each
                                   when it has lines), TSV with Zeek's header lines
      --zeek-json                  write the Zeek logs as JSON lines instead
      --parquet <dir>              also write one Parquet file per event type to <dir>
                                   (typed columns; for DuckDB, ClickHouse, Spark)

Selection (applies to every output):
  -t, --types <list>               event types to output, comma-separated
                                   (connection,smb,ntlm,kerberos,tree,nbss,file,transcript,
                                   rpc,alert,anomaly,summary; default: all)
      --host <addr,addr>           only conversations with one of these addresses
      --port <port,port>           only conversations with one of these ports
      --smb-only                   only conversations that carry SMB, NetBIOS or RPC
      --no-open-events             leave out connection "open" events
  -x, --extract <dir>              write carved files under <dir> (made safe from
                                   share and path), each with a .smbscope.json sidecar
      --no-hashes                  skip MD5/SHA-1/SHA-256 of carved files (faster)
  -j, --jobs <N>                   decode in N workers, each taking the conversations of
                                   its share of the host pairs (default 1: no workers;
                                   the merge and the output stay on one thread, so it
                                   pays only with cores to spare); every output is the
                                   same as with --jobs 1; standard input, gzip input and
                                   --extract always decode in one
  -q, --quiet                      no progress indicator on stderr
  -h, --help                       this help

Detection (alert events; in text, "!! ALERT" lines and an ALERTS: summary line):
      --list-rules                 list the rules: id, severity, ATT&CK technique, title,
                                   thresholds with their defaults (--format json: an array)
      --rules <id,id>              run only these rules
      --disable-rules <id,id>      run every rule but these
      --threshold <rule.option=N>  set a rule's threshold (repeatable)
      --no-alerts                  run no rules

SMB3 decryption, signature and password checks (secrets never appear in the output):
      --password <[DOMAIN\\]USER:PASSWORD>   a user's password (repeatable)
      --nt-hash <[DOMAIN\\]USER:HEX>         a user's NT hash, 32 hex digits (repeatable)
      --session-key <SESSIONID:HEX>          a session's key (repeatable); SESSIONID decimal
                                             as events print it, 0x-hex, or 16 hex digits
                                             in wire order as Wireshark takes them
      --keys <file>                 lines "password \u2026", "nt-hash \u2026", "session-key \u2026"
                                    (keeps secrets off the command line)
      --export-hashes <file>        write NetNTLMv1/v2 logins as hashcat lines
                                    (modes 5500/5600), readable by the owner only

Exit status: 0 decoded; 1 the input could not be read or is not a capture;
2 bad usage (an unknown rule id or threshold included).

repl: walk the connections and SMB messages of a capture interactively; with
standard input not a terminal, reads line commands (help lists them).`;

const FORMATS = ["text", "json", "ndjson", "eve", "zeek-dce-rpc"] as const;

/** The event type each EVE record comes from, for `--types`. */
const EVE_SOURCES: Readonly<Record<string, string>> = {
  smb: "smb",
  dcerpc: "rpc",
  fileinfo: "file",
  alert: "alert",
};
/** Bytes of one carved file written at most (a WRITE header may claim any offset). */
const MAX_EXTRACTED_FILE_BYTES = 64 * 2 ** 30;
type Format = (typeof FORMATS)[number];
const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

class UsageError extends Error {}

interface DecodeCommand {
  kind: "decode";
  input: string;
  format: Format;
  types: Set<string> | undefined;
  openEvents: boolean;
  /** `--host`, `--port`, `--smb-only`. */
  hosts: string[];
  ports: number[];
  smbOnly: boolean;
  /** `--zeek DIR`, and `--zeek-json`. */
  zeek: string | undefined;
  zeekJson: boolean;
  /** `--parquet DIR`. */
  parquet: string | undefined;
  quiet: boolean;
  extract: string | undefined;
  hashes: boolean;
  /** `--no-alerts`: no rules run. */
  alerts: boolean;
  /** `--rules`, `--disable-rules`, `--threshold`, checked. */
  detect: DetectOptions;
  /** Secrets and the hash export switch, checked; undefined when none were given. */
  keys: KeyOptions | undefined;
  /** `--export-hashes FILE`. */
  exportHashes: string | undefined;
  /** `--jobs N` (default 1: on 2 cores, 2 workers were slower than none), and whether it was given. */
  jobs: number;
  jobsGiven: boolean;
}

/** `--list-rules`: no capture, the rules as text or JSON. */
interface ListRulesCommand {
  kind: "list-rules";
  json: boolean;
}

function parseDecodeArgs(args: string[]): DecodeCommand | ListRulesCommand | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: "string", short: "f", default: "text" },
        types: { type: "string", short: "t" },
        "no-open-events": { type: "boolean", default: false },
        host: { type: "string", multiple: true },
        port: { type: "string", multiple: true },
        "smb-only": { type: "boolean", default: false },
        zeek: { type: "string" },
        "zeek-json": { type: "boolean", default: false },
        parquet: { type: "string" },
        extract: { type: "string", short: "x" },
        "no-hashes": { type: "boolean", default: false },
        "list-rules": { type: "boolean", default: false },
        rules: { type: "string" },
        "disable-rules": { type: "string" },
        threshold: { type: "string", multiple: true },
        "no-alerts": { type: "boolean", default: false },
        password: { type: "string", multiple: true },
        "nt-hash": { type: "string", multiple: true },
        "session-key": { type: "string", multiple: true },
        keys: { type: "string" },
        "export-hashes": { type: "string" },
        jobs: { type: "string", short: "j" },
        quiet: { type: "boolean", short: "q", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${values.format}"`);
  if (values["list-rules"]) {
    if (positionals.length > 0) throw new UsageError("--list-rules takes no capture");
    if (format !== "text" && format !== "json") {
      throw new UsageError(`--list-rules writes text or json, not ${format}`);
    }
    return { kind: "list-rules", json: format === "json" };
  }
  const choosing = values.rules !== undefined || values["disable-rules"] !== undefined ||
    (values.threshold?.length ?? 0) > 0;
  if (values["no-alerts"] && choosing) {
    throw new UsageError(
      "--no-alerts runs no rules: leave out --rules, --disable-rules and --threshold",
    );
  }
  let detect: DetectOptions;
  try {
    detect = detectOptionsFrom({
      rules: values.rules,
      disable: values["disable-rules"],
      thresholds: values.threshold,
      names: { rules: "--rules", disable: "--disable-rules", threshold: "--threshold" },
    });
  } catch (e) {
    if (e instanceof RuleChoiceError) throw new UsageError(e.message);
    throw e;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length ? "decode takes one capture" : "no capture given");
  }
  const keys = keysFrom(values);
  let types: Set<string> | undefined;
  if (values.types !== undefined) {
    types = new Set(values.types.split(",").map((t) => t.trim()).filter(Boolean));
    for (const t of types) {
      if (!KNOWN_TYPES.has(t)) throw new UsageError(`unknown event type "${t}"`);
    }
  }
  let ports: number[];
  try {
    ports = (values.port ?? []).flatMap(parsePorts);
  } catch (e) {
    throw new UsageError(`--port: ${e instanceof Error ? e.message : e}`);
  }
  // Not the cores by default: the main thread merges and writes every event, so on this
  // project's 2-core machine --jobs 2 took 6.5-7.6 s against 4.8-5.8 s for one decoder.
  const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) {
    throw new UsageError(`--jobs takes a number of workers from 1 to 256, not "${values.jobs}"`);
  }
  if (values["zeek-json"] && values.zeek === undefined) {
    throw new UsageError("--zeek-json says how to write --zeek DIR: give --zeek too");
  }
  return {
    kind: "decode",
    input: positionals[0]!,
    format,
    types,
    openEvents: !values["no-open-events"],
    hosts: (values.host ?? []).flatMap(parseHosts),
    ports,
    smbOnly: values["smb-only"],
    zeek: values.zeek,
    zeekJson: values["zeek-json"],
    parquet: values.parquet,
    quiet: values.quiet,
    extract: values.extract,
    hashes: !values["no-hashes"],
    alerts: !values["no-alerts"],
    detect,
    keys,
    exportHashes: values["export-hashes"],
    jobs,
    jobsGiven: values.jobs !== undefined,
  };
}

/** The `keys` option from the secret flags, checked as the decoder will check it. */
function keysFrom(values: {
  password?: string[] | undefined;
  "nt-hash"?: string[] | undefined;
  "session-key"?: string[] | undefined;
  keys?: string | undefined;
  "export-hashes"?: string | undefined;
}): KeyOptions | undefined {
  let keysFile: { name: string; text: string } | undefined;
  if (values.keys !== undefined) {
    try {
      keysFile = { name: values.keys, text: Deno.readTextFileSync(values.keys) };
    } catch (e) {
      throw new UsageError(`--keys ${values.keys}: ${e instanceof Error ? e.message : e}`);
    }
  }
  try {
    const keys = keyOptionsFrom({
      passwords: values.password,
      ntHashes: values["nt-hash"],
      sessionKeys: values["session-key"],
      keysFile,
      exportHashes: values["export-hashes"] !== undefined,
    });
    if (keys !== undefined) new Keyring(keys);
    return keys;
  } catch (e) {
    if (e instanceof KeyChoiceError || e instanceof TypeError) {
      throw new UsageError(e.message.replace(/^Cannot create decoder: /, ""));
    }
    throw e;
  }
}

/** `--list-rules`: the rules, one line each with their thresholds, or a JSON array. */
function listRules(json: boolean): number {
  console.log(json ? JSON.stringify(ruleDescriptions(), null, 2) : ruleListText().join("\n"));
  return 0;
}

/**
 * Writes text to stdout in large pieces, synchronously: lines are joined
 * until 256 KiB, encoded into one reused buffer and written with
 * `writeSync` (a full pipe blocks the decode, which is the back-pressure we
 * want). Async writes cost a promise and an idle turn per piece: a tenth of
 * a dense decode's time.
 */
class Output {
  readonly #encoder = new TextEncoder();
  #bytes = new Uint8Array(1 << 19);

  /**
   * @param json the lines are plain `JSON.stringify` text, escaped here as
   * `safeJson` would, a whole piece at once (`encodeJsonText`)
   */
  constructor(readonly json = false) {}

  #pending: string[] = [];
  #size = 0;

  line(text: string): undefined {
    return this.text(`${text}\n`);
  }

  /** Text as it is (no newline added). */
  text(text: string): undefined {
    this.#pending.push(text);
    this.#size += text.length;
    if (this.#size > 1 << 18) this.flush();
    return undefined;
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const text = this.#pending.join("");
    this.#pending = [];
    this.#size = 0;
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (this.#bytes.length < text.length * 3) this.#bytes = new Uint8Array(text.length * 3);
    const bytes = this.json
      ? encodeJsonText(text, this.#bytes)
      : this.#bytes.subarray(0, this.#encoder.encodeInto(text, this.#bytes).written);
    for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
  }

  close(): void {
    this.flush();
  }
}

async function runDecode(cmd: DecodeCommand): Promise<number> {
  let input;
  try {
    input = await openSource(cmd.input);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Error
      ? e.message
      : e;
    console.error(`smbscope: ${cmd.input}: ${reason}`);
    return 1;
  }
  if (cmd.input === "-" && Deno.stdin.isTerminal()) {
    // Nothing would happen until Ctrl-D: say why.
    console.error(
      "smbscope: waiting for a capture on standard input (pipe one in: " +
        "`smbscope decode - < capture.pcap`; Ctrl-D ends, Ctrl-C quits)",
    );
  }
  const showProgress = !cmd.quiet && Deno.stderr.isTerminal();
  const progress = showProgress ? new Progress(input.size) : undefined;
  const wanted = (e: DecodeEvent) =>
    (cmd.types === undefined || cmd.types.has(e.type)) &&
    (cmd.openEvents || !(e.type === "connection" && e.action === "open"));
  const out = new Output(cmd.format === "ndjson");
  // The document's lists wait on disk when they can (flat memory), else in memory.
  const spool = cmd.format === "json" ? DocumentSpool.create() : undefined;
  const document = cmd.format === "json" ? new DocumentBuilder(spool?.spill) : undefined;
  const tree = cmd.format === "text" && (cmd.types === undefined || cmd.types.has("file"))
    ? new ShareTree()
    : undefined;
  const textStream = cmd.format === "text" ? new TextStream() : undefined;
  const watch = new InputWatch();
  const selection = new EventSelection({
    hosts: cmd.hosts,
    ports: cmd.ports,
    smbOnly: cmd.smbOnly,
  });
  const zeekLogs = cmd.zeek === undefined ? undefined : new ZeekLogs();
  const eve = cmd.format === "eve" ? new EveRecords() : undefined;
  // Alert lines stand out on a terminal; a file or pipe gets them plain.
  const color = cmd.format === "text" && stdoutWantsColor();
  let sink: FolderSink | undefined;
  // MD5 of carved files on a second thread (the slowest digest; SHA-1 and SHA-256 stay here).
  const md5 = new Md5Thread();
  let hashes: HashExport | undefined;
  let zeek: ZeekFolder | undefined;
  let parquet: ParquetFolder | undefined;
  try {
    if (cmd.extract !== undefined) {
      sink = new FolderSink(cmd.extract, MAX_EXTRACTED_FILE_BYTES);
      if (progress) sink.onWrite = (name, bytes) => progress.note(`${name} ${formatBytes(bytes)}`);
    }
    if (cmd.zeek !== undefined) zeek = new ZeekFolder(cmd.zeek, cmd.zeekJson);
    if (cmd.parquet !== undefined) {
      // The Parquet writer is loaded only when asked for (a chunk of its own in the bundle).
      const { ParquetFolder } = await import("./parquet_folder.ts");
      parquet = new ParquetFolder(cmd.parquet);
    }
    const options: DecoderOptions = {
      ...(cmd.openEvents ? {} : { connectionOpenEvents: false }),
      detect: { enabled: cmd.alerts, ...cmd.detect },
      files: {
        hashes: cmd.hashes,
        hasher: md5.digester,
        ...(sink === undefined ? {} : { sink }),
      },
      ...(cmd.keys === undefined ? {} : { keys: cmd.keys }),
    };
    if (cmd.exportHashes !== undefined) hashes = new HashExport(cmd.exportHashes);
    const output = (event: DecodeEvent): Promise<void> | undefined => {
      if (zeekLogs !== undefined) {
        // The logs join events of every type; --types chooses which logs are written.
        const lines = zeekLogs.add(event);
        if (event.type === "summary") lines.push(...zeekLogs.end());
        zeek!.add(cmd.types === undefined ? lines : lines.filter((l) => cmd.types!.has(l.from)));
      }
      if (parquet !== undefined && wanted(event)) parquet.add(event);
      if (eve !== undefined) {
        // Records join events (a request and its answer, a login and its session): all go in,
        // --types chooses which records come out (smb, rpc -> dcerpc, file -> fileinfo, alert).
        let flushing: Promise<void> | undefined;
        for (const record of eve.add(event)) {
          if (cmd.types === undefined || cmd.types.has(EVE_SOURCES[String(record.event_type)]!)) {
            flushing = out.line(safeJson(record)) ?? flushing;
          }
        }
        return flushing;
      }
      if (!wanted(event)) return undefined;
      if (document) document.add([event]);
      else if (cmd.format === "zeek-dce-rpc") {
        const record = zeekDceRpcRecord(event);
        if (record !== undefined) return out.line(zeekDceRpcLine(record));
      } else if (cmd.format === "ndjson") return out.line(JSON.stringify(event));
      else {
        let flushing: Promise<void> | undefined;
        tree?.add(event);
        if (event.type === "summary" && tree !== undefined) {
          // The folders and files each share showed, before the summary.
          const lines = formatShareTree(tree.tree);
          if (lines.length > 0) flushing = out.line(["files by share:", ...lines].join("\n"));
        }
        for (let text of textStream!.add(event)) {
          if (color) {
            if (event.type === "alert" && text.startsWith("!! ")) {
              text = emphasise(text, event.severity);
            } else if (event.type === "summary") text = emphasiseSummary(text);
          }
          flushing = out.line(text) ?? flushing;
        }
        return flushing;
      }
      return undefined;
    };
    // Events are handled as they come; only a full output buffer makes decoding wait.
    const handle = (batch: DecodeEvent[]): Promise<void> | undefined => {
      let flushing: Promise<void> | undefined;
      for (const event of batch) {
        watch.note(event);
        hashes?.add(event);
        if (event.type === "summary") progress?.done();
        for (const chosen of selection.add(event)) flushing = output(chosen) ?? flushing;
      }
      return flushing;
    };
    if (cmd.format === "zeek-dce-rpc") await out.line(zeekDceRpcHeader(new Date()).join("\n"));
    const onBytes = progress && ((n: number) => progress.add(n));
    const oneJob = cmd.jobs > 1 ? whyOneJob(cmd.input, { extract: sink !== undefined }) : "";
    if (oneJob === undefined) {
      input.source.close?.();
      await decodeSharded(cmd.input, cmd.jobs, options, handle, onBytes);
    } else {
      if (oneJob !== "" && cmd.jobsGiven && !cmd.quiet) {
        console.error(`smbscope: decoding in one job: ${oneJob}`);
      }
      await decodeSource(input.source, options, handle, onBytes);
    }
    if (cmd.format === "zeek-dce-rpc") await out.line(zeekDceRpcFooter(new Date()));
    if (document) {
      const doc = document.finish();
      for (const piece of documentText(doc, spool && ((list) => spool.pieces(list)))) {
        out.text(piece);
      }
      out.line("");
    }
    md5.close();
    await out.close();
    spool?.close();
    hashes?.close();
    if (hashes !== undefined && !cmd.quiet) {
      const c = hashes.counts, n = c[5500] + c[5600];
      console.error(
        `smbscope: wrote ${n} hash${n === 1 ? "" : "es"} (${c[5600]} NetNTLMv2, ${
          c[5500]
        } NetNTLMv1) to ${hashes.path}`,
      );
    }
    zeek?.close();
    parquet?.close();
    if (sink !== undefined && !cmd.quiet) {
      const t = sink.totals;
      console.error(
        `smbscope: extracted ${t.files} file${t.files === 1 ? "" : "s"} (${t.complete} complete, ${
          formatBytes(t.bytes)
        }) to ${cmd.extract}`,
      );
    }
  } catch (e) {
    md5.close();
    spool?.close();
    sink?.close();
    hashes?.close();
    zeek?.close();
    try {
      parquet?.close();
    } catch { /* the error below is the one to report */ }
    progress?.done();
    if (e instanceof Deno.errors.BrokenPipe) return 0;
    console.error(`smbscope: ${cmd.input}: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  const problem = watch.problem;
  if (problem !== undefined) {
    console.error(`smbscope: ${cmd.input}: ${problem.message}`);
    return 1;
  }
  return 0;
}

/** Run the CLI with `args` (without the program name); resolves to the exit status. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === "decode") {
      const cmd = parseDecodeArgs(rest);
      if (cmd === "help") {
        console.log(USAGE);
        return 0;
      }
      if (cmd.kind === "list-rules") return listRules(cmd.json);
      return await runDecode(cmd);
    }
    if (command === "fanout") {
      const { fanoutMain } = await import("./fanout.ts");
      return await fanoutMain(rest);
    }
    if (command === "repl") {
      const { runRepl } = await import("./repl/main.ts");
      return await runRepl(rest);
    }
    if (command === undefined || command === "-h" || command === "--help" || command === "help") {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`smbscope: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
