/**
 * `smbscope repl <capture>`: walk a capture's conversations, then the SMB
 * messages of one, one at a time. Interactive on a terminal; line commands
 * from standard input otherwise.
 * @module
 */
import { parseArgs } from "node:util";
import { escapeControl } from "../../lib/output/sanitize.ts";
import { type KeyOptions, Keyring } from "../../lib/auth/keyring.ts";
import { keyOptionsFrom } from "../keys.ts";
import { parseHosts, parsePorts, type SelectOptions } from "../../lib/output/select.ts";
import { openSource } from "../input.ts";
import { loadCapture } from "./load.ts";
import { CaptureModel } from "./model.ts";
import { runScript } from "./script.ts";
import { ReplSession } from "./session.ts";
import { StreamStore } from "./streams.ts";

/** Usage of the `repl` subcommand. */
export const REPL_USAGE =
  `Usage: smbscope repl <capture> [--host ADDR,\u2026] [--port N,\u2026] [--smb-only]
                       [--password U:P] [--nt-hash U:HEX] [--session-key ID:HEX] [--keys FILE]

Walk a capture interactively: the connection list first, then one connection's
SMB messages one at a time (decoded fields, hex, pairs, filters, follow, search,
export to pcap). When standard input is not a terminal, reads line commands from
it (type "help" for the list) and prints plain text.

  --host, --port, --smb-only   only the conversations with one of these addresses
                               or ports, or that carry SMB, NetBIOS or DCE/RPC
  --password, --nt-hash, --session-key, --keys
                               secrets that decrypt SMB3 sessions and check
                               signatures and passwords, as in decode`;

/** Run the REPL; resolves to the exit status. */
export async function runRepl(args: string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(REPL_USAGE);
    return 0;
  }
  let positionals: string[], select: SelectOptions;
  let keys: KeyOptions | undefined;
  try {
    const { values, positionals: p } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        host: { type: "string", multiple: true },
        port: { type: "string", multiple: true },
        "smb-only": { type: "boolean", default: false },
        password: { type: "string", multiple: true },
        "nt-hash": { type: "string", multiple: true },
        "session-key": { type: "string", multiple: true },
        keys: { type: "string" },
      },
    });
    positionals = p;
    select = {
      hosts: (values.host ?? []).flatMap(parseHosts),
      ports: (values.port ?? []).flatMap(parsePorts),
      smbOnly: values["smb-only"],
    };
    keys = keyOptionsFrom({
      passwords: values.password,
      ntHashes: values["nt-hash"],
      sessionKeys: values["session-key"],
      keysFile: values.keys === undefined
        ? undefined
        : { name: values.keys, text: Deno.readTextFileSync(values.keys) },
    });
    if (keys !== undefined) new Keyring(keys);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e))
      .replace(/^Cannot create decoder: /, "");
    console.error(`smbscope: ${escapeControl(message)}\n\n${REPL_USAGE}`);
    return 2;
  }
  if (positionals.length !== 1 || positionals[0] === "-") {
    console.error(
      `smbscope: ${
        positionals.length === 0
          ? "no capture given"
          : positionals[0] === "-"
          ? "repl reads commands from standard input: give the capture as a file"
          : "repl takes one capture"
      }\n\n${REPL_USAGE}`,
    );
    return 2;
  }
  const path = positionals[0]!;
  let input;
  try {
    input = await openSource(path);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Error
      ? e.message
      : e;
    console.error(`smbscope: ${escapeControl(path)}: ${reason}`);
    return 1;
  }
  const model = new CaptureModel();
  model.size = input.size;
  const store = new StreamStore();
  const loading = loadCapture(input.source, model, store, select, keys);
  const session = new ReplSession(model, store, path);
  const name = escapeControl(path);
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    const encoder = new TextEncoder();
    const writer = Deno.stdout.writable.getWriter();
    try {
      await runScript(
        session,
        loading,
        name,
        Deno.stdin.readable,
        (text) => writer.write(encoder.encode(text)),
      );
      await writer.close();
    } catch (e) {
      if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
    }
  } else {
    // @inquirer/prompts reads environment variables (TERM, CI...): ask once for all of them,
    // rather than letting Deno ask per variable in the middle of a screen.
    if (Deno.permissions.querySync({ name: "env" }).state !== "granted") {
      const answer = Deno.permissions.requestSync({ name: "env" });
      if (answer.state !== "granted") {
        console.error("smbscope: the interactive repl needs environment access (--allow-env, -E)");
        return 1;
      }
    }
    // The prompt library is loaded by the interactive mode only (a chunk of its own in the bundle).
    const { runInteractive } = await import("./interactive.ts");
    await runInteractive(session, loading, name);
  }
  if (model.anomalies.some((a) => a.kind === "unrecognized")) {
    console.error(`smbscope: ${name}: not a capture`);
    return 1;
  }
  return 0;
}
