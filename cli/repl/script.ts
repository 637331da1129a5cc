/**
 * The scriptable mode: line commands from standard input, plain text out.
 * It waits for the whole decode before the first answer, so output is the
 * same on every run.
 * @module
 */
import type { ReplSession } from "./session.ts";

async function* lines(input: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let held = "";
  for await (const text of input.pipeThrough(new TextDecoderStream())) {
    held += text;
    let nl: number;
    while ((nl = held.indexOf("\n")) >= 0) {
      yield held.slice(0, nl).replace(/\r$/, "");
      held = held.slice(nl + 1);
    }
  }
  if (held !== "") yield held;
}

/** Answer each line of `input`, echoing it after `> `; `write` takes whole blocks of text. */
export async function runScript(
  session: ReplSession,
  loading: Promise<void>,
  name: string,
  input: ReadableStream<Uint8Array>,
  write: (text: string) => Promise<void>,
): Promise<void> {
  await loading;
  const m = session.model;
  await write(
    `smbscope repl: ${name}: ${m.conversations.length} connections, ${m.messages} SMB messages` +
      `; type help\n`,
  );
  for await (const line of lines(input)) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const result = session.run(line);
    await write(`> ${line.trim()}\n${result.lines.map((l) => l + "\n").join("")}`);
    if (result.quit) break;
  }
}
