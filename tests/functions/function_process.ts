/**
 * The HTTP function as a real process, as `deno task serve` runs it
 * (dist/serve.js, the bundle of functions/serve.ts, with the task's
 * permissions, environment and V8 flags), for the
 * end-to-end tests and bench/fanout.ts: it picks its own free loopback port
 * (PORT=0; the port is read from the line it prints), and counts as started
 * once `GET /health` answers. Its peak RSS is its own (VmHWM).
 * @module
 */

import { taskEnv, taskV8Flags } from "../../bench/task_flags.ts";

const root = new URL("../../", import.meta.url);

/** A running function process. */
export interface FunctionProcess {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** Its process id. */
  pid: number;
  /** Its peak resident set so far (VmHWM), in kB; undefined without /proc. */
  peakRssKb(): number | undefined;
  /** CPU seconds it has used so far (user + system); undefined without /proc. */
  cpuSeconds(): number | undefined;
  /** SIGTERM, then wait for it to exit. */
  stop(): Promise<void>;
}

/** The `--v8-flags=…` argument of the serve task in deno.json, so both run alike. */
function serveV8Flags(): string[] {
  const flag = taskV8Flags("serve");
  return flag === "" ? [] : [flag];
}

/**
 * Start dist/serve.js on 127.0.0.1 with `env` added to this process's
 * (e.g. `SMBSCOPE_SOURCE_HOSTS`). Throws with what it printed when it exits
 * or has not answered within 20 s.
 */
export async function startFunction(env: Record<string, string> = {}): Promise<FunctionProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "--allow-net",
      "--allow-env",
      ...serveV8Flags(),
      new URL("dist/serve.js", root).pathname,
    ],
    env: { DENO_NO_UPDATE_CHECK: "1", ...taskEnv("serve"), ...env, PORT: "0", HOST: "127.0.0.1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const said: string[] = [];
  let listening: (port: number | undefined) => void = () => {};
  const port = new Promise<number | undefined>((resolve) => listening = resolve);
  const find = (text: string) => {
    said.push(text);
    const m = /Listening on http:\/\/[^:]+:(\d+)\//.exec(said.join(""));
    if (m) listening(Number(m[1]));
  };
  // Both streams are read to their end (kept for the error message), so the child never blocks
  // on a full pipe and nothing is left open once it exits.
  const drained = Promise.all(
    [child.stdout, child.stderr].map((s) =>
      s.pipeThrough(new TextDecoderStream()).pipeTo(new WritableStream({ write: find }))
    ),
  ).finally(() => listening(undefined));
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await drained.catch(() => {});
  };
  const deadline = Date.now() + 20_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = await Promise.race([
    port,
    new Promise<undefined>((r) => timer = setTimeout(() => r(undefined), 20_000)),
  ]);
  clearTimeout(timer);
  const base = `http://127.0.0.1:${bound}`;
  while (bound !== undefined && Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/health`);
      await response.body?.cancel();
      if (response.ok) {
        return {
          base,
          pid: child.pid,
          peakRssKb: () => peakRssKb(child.pid),
          cpuSeconds: () => cpuSeconds(child.pid),
          stop,
        };
      }
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`dist/serve.js did not start: ${said.join("").trim() || "no output"}`);
}

/** VmHWM of process `pid`, in kB (undefined without /proc). */
function peakRssKb(pid: number): number | undefined {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of process `pid` in seconds (/proc/PID/stat, in ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th
    // field of the line, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
