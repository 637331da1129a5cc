/**
 * The interactive REPL on a terminal. The connection list, the message list
 * and every question (go to, filter) are @inquirer/prompts (`search`,
 * `select`, `input`); the message stepper and the pager read raw keys
 * (keys.ts). Nothing from the capture reaches the screen unescaped: every
 * line comes from render.ts, which escapes captured strings.
 * @module
 */
import process from "node:process";
import { input, search, select, Separator } from "@inquirer/prompts";
import { cookedMode, readKey } from "./keys.ts";
import { messageLine, summaryLines } from "./render.ts";
import { helpLines, type ReplSession } from "./session.ts";
import { anomalyLines, authLines, fileLines } from "./render.ts";
import { rpcDetailLines, rpcLine } from "./rpc_view.ts";
import { alertDetailLines, alertLine, evidenceTarget } from "./alert_view.ts";
import { followLines, search as searchCapture } from "./follow.ts";
import { escapeControl } from "../../lib/output/sanitize.ts";
import { formatShareTree } from "../../lib/output/share_tree_text.ts";

const encoder = new TextEncoder();

function write(text: string): void {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
}

/** Our own control sequences: clear the screen, home the cursor, hide/show it. */
const CLEAR = "\x1b[2J\x1b[H";
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";

function size(): { columns: number; rows: number } {
  try {
    return Deno.consoleSize();
  } catch {
    return { columns: 80, rows: 24 };
  }
}

/** Cut a line to the screen width (lines hold no escapes: captured text is escaped). */
function fit(line: string, columns: number): string {
  const chars = [...line];
  return chars.length <= columns ? line : chars.slice(0, columns - 1).join("") + "\u2026";
}

/** Keys of the stepper, for its footer and the help screen. */
export const STEPPER_KEYS: [string, string][] = [
  ["\u2192 n space", "next message"],
  ["\u2190 p", "previous message"],
  ["N P", "10 messages forward / back"],
  ["Home End", "first / last message"],
  ["\u2191 \u2193 PgUp PgDn", "scroll the message"],
  ["g", "go to a message: number, fN (frame) or Ts (seconds into the capture)"],
  ["r", "go to the paired request/response"],
  ["x", "hex/ASCII view of the message bytes (again: back to the fields)"],
  ["/", "filter (status!=0, cmd=CREATE, file~report, user~alice, share~IPC\u2026)"],
  ["e", "errors only (filter errors: failures, not interim statuses such as STATUS_PENDING)"],
  ["c", "clear the filter"],
  ["l", "list the messages that pass the filter, pick one (Esc or q: back)"],
  ["F", "follow: this connection's SMB exchanges, a line per request and its answer"],
  ["S", "search every connection's messages and RPC calls; Enter opens a hit"],
  ["E", "export this connection's frames as a pcap (asks for the file)"],
  ["f", "files of this connection (numbered: size, coverage, SHA-256)"],
  ["w", "write a file's carved content: N [PATH]"],
  ["t", "the share tree: folders and files each share showed, with versions"],
  ["d", "DCE/RPC calls and binds of this connection: pick one (Enter) for its detail"],
  ["A", "alerts of the capture: pick one (Enter) for its detail; there Enter or j jumps to"],
  ["", "the first SMB message it cites (the connection opens there)"],
  ["a", "NTLM authentications of this connection"],
  ["!", "anomalies of this connection"],
  ["s", "capture summary"],
  ["?", "this help"],
  ["b Esc", "back to the connection list"],
  ["q Ctrl-C", "quit"],
];

function helpScreen(): string[] {
  return [
    "Connection list: type to search, \u2191 \u2193 to move, Enter to open (an @inquirer/prompts search).",
    "",
    "Message stepper keys:",
    ...STEPPER_KEYS.map(([k, what]) => `  ${k.padEnd(14)} ${what}`),
    "",
    "Pager (this screen, files, authentications, anomalies, follow): \u2191 \u2193 PgUp PgDn scroll, any",
    "other key returns where you were. Lists (l, d, A, S, [alerts]): \u2191 \u2193 move, Enter opens,",
    "Esc or q returns; in an alert, Enter or j opens its evidence in the stepper. Questions",
    "(g, w, E, S): Enter with nothing typed, or Ctrl-C, cancels (/ with nothing clears the filter).",
    "",
    "The same actions as line commands (scriptable mode, stdin not a terminal):",
    ...helpLines(),
  ];
}

/** Show lines full-screen with scrolling until a key other than a scroll key. */
async function pager(
  title: string,
  lines: () => string[],
  footer = "\u2191\u2193 PgUp PgDn scroll \u00B7 any other key: back",
): Promise<string> {
  let top = 0;
  for (;;) {
    const { columns, rows } = size();
    const body = lines();
    const height = Math.max(1, rows - 2);
    top = Math.max(0, Math.min(top, body.length - height));
    const shown = body.slice(top, top + height).map((l) => fit(l, columns));
    const more = body.length > height
      ? ` (lines ${top + 1}-${Math.min(body.length, top + height)} of ${body.length})`
      : "";
    write(CLEAR + HIDE_CURSOR + fit(`${title}${more}`, columns) + "\n" + shown.join("\n"));
    write(`\x1b[${rows};1H` + fit(footer, columns));
    const key = await readKey();
    if (key === "up") top--;
    else if (key === "down") top++;
    else if (key === "pageup") top -= height;
    else if (key === "pagedown" || key === " ") top += height;
    else return key;
  }
}

type Pick = { kind: "conn"; id: number } | { kind: "view"; name: string };

/** Whether a prompt ended because the user pressed Ctrl-C or we aborted it. */
function promptEnded(e: unknown): "exit" | "abort" | undefined {
  const name = e instanceof Error ? e.name : "";
  if (name === "ExitPromptError") return "exit";
  if (name === "AbortPromptError") return "abort";
  return undefined;
}

/**
 * Run an @inquirer/prompts list that a lone Esc or `q` closes: resolves to
 * undefined then, or when Ctrl-C ended it.
 */
async function closable<T>(prompt: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const controller = new AbortController();
  const onData = (data: Uint8Array | string) => {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    if (text === "\x1b" || text === "q") controller.abort();
  };
  process.stdin.on("data", onData);
  try {
    return await prompt(controller.signal);
  } catch (e) {
    if (promptEnded(e)) return undefined;
    throw e;
  } finally {
    process.stdin.off("data", onData);
  }
}

/** Bold red for the summary's alerts line, unless NO_COLOR is set (the REPL is on a terminal). */
function emphasised(line: string): string {
  return !Deno.noColor && line.startsWith("ALERTS:") ? `\x1b[1;31m${line}\x1b[0m` : line;
}

/** The overview: summary on top, the connection list as a live @inquirer/prompts search. */
async function overview(
  session: ReplSession,
  name: string,
  place: { last?: Pick; picks: Map<string, Pick> },
): Promise<Pick | "quit"> {
  const model = session.model;
  let term = "";
  // One object per choice, so the prompt's default (the last pick) finds it again.
  const pickOf = (p: Pick): Pick => {
    const key = p.kind === "conn" ? `conn ${p.id}` : `view ${p.name}`;
    let known = place.picks.get(key);
    if (known === undefined) place.picks.set(key, known = p);
    return known;
  };
  for (;;) {
    const { columns, rows } = size();
    write(CLEAR + SHOW_CURSOR + fit(`smbscope repl \u2014 ${name}`, columns) + "\n");
    write(summaryLines(model).map((l) => emphasised(fit(l, columns))).join("\n") + "\n\n");
    const seen = model.conversations.length;
    const wasDone = model.done;
    const shownAt = Date.now();
    let typedAt = 0;
    const typed = () => typedAt = Date.now();
    process.stdin.on("data", typed);
    const controller = new AbortController();
    // While the decode goes on, re-open the list (search text kept) when it grew, and every
    // 2 s for the summary's sake while nobody is using the list.
    const timer = setInterval(() => {
      const now = Date.now();
      const idle = now - typedAt > 2000 && now - shownAt > 2000 && !model.done;
      if (model.conversations.length !== seen || model.done !== wasDone || idle) {
        controller.abort();
      }
    }, 500);
    try {
      cookedMode();
      const pick = await search<Pick>({
        message: "Connection (type to search, \u2191\u2193 move, Enter open):",
        pageSize: Math.max(3, rows - 18),
        initialValue: term,
        source: (text) => {
          term = text ?? "";
          const lines = session.connectionLines();
          const t = term.toLowerCase();
          const conns = model.conversations
            .map((c, i) => ({
              name: lines[i] ?? "",
              value: pickOf({ kind: "conn", id: c.first.id }),
            }))
            .filter((c) => c.name.toLowerCase().includes(t)) as { name: string; value: Pick }[];
          const alerts = model.alerts.length;
          const views: { name: string; value: Pick }[] = [
            {
              name: `[alerts] ${alerts} alert${alerts === 1 ? "" : "s"} of the detection rules`,
              value: { kind: "view", name: "alerts" },
            },
            {
              name: "[search] messages and RPC calls of every connection",
              value: { kind: "view", name: "search" },
            },
            { name: "[auth] NTLM authentications", value: { kind: "view", name: "auth" } },
            { name: "[files] file names", value: { kind: "view", name: "files" } },
            { name: "[rpc] DCE/RPC calls and binds", value: { kind: "view", name: "rpc" } },
            { name: "[anomalies] anomalies", value: { kind: "view", name: "anomalies" } },
            { name: "[help] keys and commands", value: { kind: "view", name: "help" } },
            { name: "[quit]", value: { kind: "view", name: "quit" } },
          ];
          return [
            ...conns.map((c) => ({ ...c, name: fit(c.name, columns - 4) })),
            new Separator(),
            ...views.filter((v) => t === "" || v.name.toLowerCase().includes(t))
              .map((v) => ({ ...v, value: pickOf(v.value) })),
          ];
        },
        ...(place.last === undefined ? {} : { default: place.last }),
      }, { signal: controller.signal });
      if (pick.kind === "view" && pick.name === "quit") return "quit";
      place.last = pick;
      return pick;
    } catch (e) {
      const why = promptEnded(e);
      if (why === "exit") return "quit";
      if (why !== "abort") throw e;
    } finally {
      clearInterval(timer);
      process.stdin.off("data", typed);
    }
  }
}

async function showView(session: ReplSession, view: string, connection?: number): Promise<void> {
  const model = session.model;
  const where = connection === undefined ? "" : ` of #${connection}`;
  if (view === "auth") {
    await pager(`NTLM authentications${where}`, () => authLines(model, connection));
  } else if (view === "files") await pager(`Files${where}`, () => fileLines(model, connection));
  else if (view === "tree") {
    await pager("Files by share", () => {
      const lines = formatShareTree(model.shareTree.tree);
      return lines.length > 0 ? lines : ["no shares seen"];
    });
  } else if (view === "anomalies") {
    await pager(`Anomalies${where}`, () => anomalyLines(model, connection));
  } else if (view === "rpc") await rpcBrowser(session, connection);
  else if (view === "summary") await pager("Summary", () => summaryLines(model));
  else if (view === "help") await pager("Help", helpScreen);
}

/**
 * The RPC calls and binds (of one connection, when given) as an @inquirer/prompts
 * `select`; Enter shows the picked one in the pager, then the list again; Esc or
 * Ctrl-C leaves. `at` is the number of the event to start on.
 */
async function rpcBrowser(session: ReplSession, connection?: number, at?: number): Promise<void> {
  const model = session.model;
  const where = connection === undefined ? "" : ` of #${connection}`;
  let pick = at;
  for (;;) {
    const events = model.rpcOf(connection);
    if (events.length === 0) {
      await pager(`DCE/RPC${where}`, () => ["no DCE/RPC calls or binds"]);
      return;
    }
    const { columns, rows } = size();
    cookedMode();
    write(CLEAR + SHOW_CURSOR);
    // select has no key of its own for leaving: a lone Esc or q closes it.
    const chosen = await closable((signal) =>
      select<number>({
        message:
          `DCE/RPC${where} (${events.length}; \u2191\u2193 move, Enter details, Esc or q back):`,
        pageSize: Math.max(3, rows - 3),
        ...(pick === undefined ? {} : { default: pick }),
        choices: events.map((e) => ({
          name: fit(rpcLine(model, e), columns - 4),
          value: model.rpcNumber(e),
        })),
      }, { signal })
    );
    if (chosen === undefined) return;
    const n = pick = chosen;
    await pager(`DCE/RPC ${n}`, () => rpcDetailLines(model, n, session.captureStart()));
  }
}

/** Where the alert browser sends the stepper: a connection, at a message. */
interface Jump {
  id: number;
  index: number;
}

/**
 * The alerts as an @inquirer/prompts `select`; Enter shows the picked one in
 * the pager, where Enter or j jumps to its evidence (resolves to where) and
 * any other key returns to the list; Esc or Ctrl-C leaves.
 */
async function alertBrowser(session: ReplSession): Promise<Jump | undefined> {
  const model = session.model;
  let pick: number | undefined;
  for (;;) {
    if (model.alerts.length === 0) {
      await pager("Alerts", () => [model.done ? "no alerts" : "no alerts so far (still decoding)"]);
      return undefined;
    }
    const { columns, rows } = size();
    cookedMode();
    write(CLEAR + SHOW_CURSOR);
    const chosen = await closable((signal) =>
      select<number>({
        message:
          `Alerts (${model.alerts.length}; \u2191\u2193 move, Enter details, Esc or q back):`,
        pageSize: Math.max(3, rows - 3),
        ...(pick === undefined ? {} : { default: pick }),
        choices: model.alerts.map((a, i) => ({
          name: fit(alertLine(model, a), columns - 4),
          value: i + 1,
        })),
      }, { signal })
    );
    if (chosen === undefined) return undefined;
    const n = pick = chosen;
    const key = await pager(
      `Alert ${n}`,
      () => alertDetailLines(model, n, session.captureStart()),
      "\u2191\u2193 PgUp PgDn scroll \u00B7 Enter or j: jump to the evidence \u00B7 any other key: back",
    );
    if (key !== "enter" && key !== "j") continue;
    const target = evidenceTarget(model, n);
    if (target.kind === "message") {
      return { id: target.conversation.first.id, index: target.index };
    }
    if (target.kind === "connection") return { id: target.conversation.first.id, index: 0 };
    if (target.kind === "rpc") {
      await pager(
        `DCE/RPC ${target.number} (alert ${n} cites no SMB message)`,
        () => rpcDetailLines(model, target.number, session.captureStart()),
      );
    } else await pager(`Alert ${n}`, () => [target.reason]);
  }
}

/**
 * Ask a question with @inquirer/prompts `input`; undefined when cancelled
 * (Ctrl-C; an empty answer changes nothing). Esc is left to the prompt: an
 * input aborted by it swallowed the first key of the next one.
 */
async function ask(message: string, initial = ""): Promise<string | undefined> {
  cookedMode();
  write(SHOW_CURSOR + "\n");
  try {
    return await input({ message, default: initial });
  } catch (e) {
    if (promptEnded(e)) return undefined;
    throw e;
  }
}

/**
 * `search`: ask for text, list the messages and RPC calls of every connection
 * that contain it; Enter on a message opens it in the stepper (resolves to
 * where), on an RPC call shows it; Esc or q leaves.
 */
async function searchBrowser(session: ReplSession): Promise<Jump | undefined> {
  const text = await ask("Search every connection's messages and RPC calls for:");
  if (!text?.trim()) return undefined;
  const { hits, more } = searchCapture(session.model, text.trim());
  if (hits.length === 0) {
    await pager("Search", () => [`nothing contains "${escapeControl(text.trim())}"`]);
    return undefined;
  }
  let pick: number | undefined;
  for (;;) {
    const { columns, rows } = size();
    cookedMode();
    write(CLEAR + SHOW_CURSOR);
    const chosen = await closable((signal) =>
      select<number>({
        message: `${hits.length + more} found${more ? ` (first ${hits.length})` : ""} for "${
          escapeControl(text.trim())
        }" (\u2191\u2193 move, Enter open, Esc or q back):`,
        pageSize: Math.max(3, rows - 3),
        ...(pick === undefined ? {} : { default: pick }),
        choices: hits.map((h, i) => ({ name: fit(h.line, columns - 4), value: i })),
      }, { signal })
    );
    if (chosen === undefined) return undefined;
    pick = chosen;
    const hit = hits[chosen]!;
    if (hit.index !== undefined) return { id: hit.connection, index: hit.index };
    const n = hit.rpc!;
    await pager(`DCE/RPC ${n}`, () => rpcDetailLines(session.model, n, session.captureStart()));
  }
}

/**
 * Step through one conversation's messages, from message `at` (an index; the
 * filter is cleared so it shows) or the first. Resolves to "back", "quit" or
 * where the alert browser jumped.
 */
async function stepper(
  session: ReplSession,
  id: number,
  at?: number,
): Promise<"back" | "quit" | Jump> {
  if (at !== undefined) session.filter = undefined;
  session.open(id);
  if (at !== undefined) session.index = at;
  const model = session.model;
  let hex = false, top = 0, note = "";
  const render = () => {
    const { columns, rows } = size();
    const c = session.conversation!;
    const e = session.current();
    const vis = session.visible();
    const head = session.conversationHead(c);
    // The message's own first line says which it is: the status line adds only what it does not.
    const state = [
      session.filter
        ? `filter ${escapeControl(session.filter.text)}: ${vis.indexOf(e!) + 1}/${vis.length}`
        : "",
      hex ? "hex view" : "",
      model.done ? "" : "decoding\u2026",
    ].filter(Boolean).join(" \u00B7 ");
    const body = hex ? session.hexLines() : session.showLines(false);
    const height = Math.max(1, rows - 4);
    top = Math.max(0, Math.min(top, body.length - height));
    write(
      CLEAR + HIDE_CURSOR + fit(head, columns) + "\n" + fit(state, columns) + "\n" +
        body.slice(top, top + height).map((l) => fit(l, columns)).join("\n"),
    );
    const footer = note ||
      "\u2190/\u2192 step  \u2191/\u2193 scroll  g goto  r pair  x hex  / filter  e errors  c clear  l list  F follow  S search  d rpc  A alerts  ? help  b back  q quit";
    write(`\x1b[${rows};1H` + fit(footer, columns));
    note = "";
    return height;
  };
  for (;;) {
    const height = render();
    const timer = model.done ? undefined : setInterval(render, 500);
    const key = await readKey();
    clearInterval(timer);
    const before = session.index;
    switch (key) {
      case "right":
      case "n":
      case " ":
        session.step(1);
        break;
      case "left":
      case "p":
        session.step(-1);
        break;
      case "N":
        session.step(10);
        break;
      case "P":
        session.step(-10);
        break;
      case "home":
      case "<":
        session.run("first");
        break;
      case "end":
      case ">":
        session.run("last");
        break;
      case "up":
        top--;
        break;
      case "down":
        top++;
        break;
      case "pageup":
        top -= height;
        break;
      case "pagedown":
        top += height;
        break;
      case "x":
        hex = !hex;
        top = 0;
        break;
      case "r":
        note = session.run("pair").lines.length === 1 ? "its pair was not seen" : "";
        break;
      case "g": {
        const target = await ask("Go to (N, fN for a frame, Ts for seconds):");
        if (target) note = session.goto(target) ?? "";
        break;
      }
      case "/": {
        const text = await ask("Filter (empty clears):", session.filter?.text ?? "");
        if (text !== undefined) {
          try {
            note = session.setFilter(text) ?? "";
          } catch (e) {
            note = e instanceof Error ? e.message : String(e);
          }
        }
        break;
      }
      case "e":
        note = session.setFilter(session.filter?.text === "errors" ? "" : "errors") ?? "";
        break;
      case "c":
        session.setFilter("");
        break;
      case "l": {
        const c = session.conversation!;
        const { columns, rows } = size();
        cookedMode();
        write(CLEAR + SHOW_CURSOR);
        const vis = session.visibleIndices();
        if (vis.length) {
          const pick = await closable((signal) =>
            select<number>({
              message: "Message (\u2191\u2193 move, Enter go, Esc or q back):",
              pageSize: Math.max(3, rows - 3),
              default: session.index,
              choices: vis.map((i) => ({ name: fit(messageLine(c, i), columns - 4), value: i })),
            }, { signal })
          );
          if (pick !== undefined) session.index = pick;
        }
        break;
      }
      case "F":
        await pager(
          `Follow #${id}: one line per request and its answer`,
          () => followLines(session.conversation!, session.captureStart()),
        );
        break;
      case "S": {
        const jump = await searchBrowser(session);
        if (jump !== undefined) {
          if (jump.id === id) {
            session.filter = undefined;
            session.index = jump.index;
          } else return jump;
        }
        break;
      }
      case "E": {
        const path = await ask(`Export #${id}'s frames as a pcap to:`, `conversation-${id}.pcap`);
        if (path) note = session.exportLines(String(id), path.trim()).join(" ");
        break;
      }
      case "f":
        await showView(session, "files", id);
        break;
      case "t":
        await showView(session, "tree", id);
        break;
      case "d": {
        // Start on the call the current message carried, if it carried one.
        const e = session.current();
        const carried = e ? model.rpcCarriedBy(e)[0] : undefined;
        await rpcBrowser(session, id, carried && model.rpcNumber(carried.rpc));
        break;
      }
      case "w": {
        const answer = await ask("Save file (N [PATH], numbers as in f):");
        if (answer) {
          const [n, path] = answer.trim().split(/\s+/);
          note = session.save(n, path).join(" ");
        }
        break;
      }
      case "a":
        await showView(session, "auth", id);
        break;
      case "A": {
        const jump = await alertBrowser(session);
        if (jump !== undefined) return jump;
        break;
      }
      case "!":
        await showView(session, "anomalies", id);
        break;
      case "s":
        await showView(session, "summary");
        break;
      case "?":
        await showView(session, "help");
        break;
      case "b":
      case "escape":
      case "backspace":
        return "back";
      case "q":
      case "ctrl-c":
      case "ctrl-d":
        return "quit";
    }
    if (session.index !== before) top = 0;
  }
}

/** Run the interactive REPL until the user quits. */
export async function runInteractive(
  session: ReplSession,
  _loading: Promise<void>,
  name: string,
): Promise<void> {
  try {
    let jump: Jump | undefined;
    // Where the connection list was: it opens there again after a view or a connection.
    const place: { last?: Pick; picks: Map<string, Pick> } = { picks: new Map() };
    for (;;) {
      let id: number, at: number | undefined;
      if (jump !== undefined) {
        ({ id, index: at } = jump);
        jump = undefined;
      } else {
        const pick = await overview(session, name, place);
        if (pick === "quit") break;
        if (pick.kind === "view") {
          if (pick.name === "alerts") jump = await alertBrowser(session);
          else if (pick.name === "search") jump = await searchBrowser(session);
          else await showView(session, pick.name);
          continue;
        }
        id = pick.id;
      }
      const result = await stepper(session, id, at);
      if (result === "quit") break;
      if (result !== "back") jump = result;
    }
  } finally {
    cookedMode();
    write(SHOW_CURSOR + CLEAR);
  }
}
