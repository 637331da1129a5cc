/**
 * The progress line, on a real terminal: tmux runs the CLI on a capture fed
 * through a pipe that stalls half-way, and the screen must show the line
 * while it waits and not after it ends. Skips where tmux is missing.
 */
import * as assert from "node:assert/strict";

const hasTmux = (() => {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
})();

const root = new URL("../../", import.meta.url).pathname;
const capture = `${root}fixtures/smb/smb3_bulk.pcap`;

function tmux(...args: string[]): string {
  const out = new Deno.Command("tmux", { args, stdout: "piped", stderr: "piped" }).outputSync();
  return new TextDecoder().decode(out.stdout);
}

Deno.test({
  name: "cli decode draws a progress line on a terminal while the input stalls, then clears it",
  ignore: !hasTmux,
  fn: async () => {
    const session = `smbscope-progress-${Deno.pid}`;
    const script = `(head -c 3000000 '${capture}'; sleep 2; tail -c +3000001 '${capture}') | ` +
      `'${Deno.execPath()}' run -q -R '${root}cli/main.ts' decode - > /dev/null; echo EXIT=$?; sleep 30`;
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "5", "bash", "-c", script);
    try {
      let screen = "";
      for (let i = 0; i < 40 && !/decoding: 3\.00 MB/.test(screen); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = tmux("capture-pane", "-p", "-t", session);
      }
      assert.match(screen, /decoding: 3\.00 MB at [\d.]+ [kM]?B\/s/); // stdin: no size, no percent
      for (let i = 0; i < 60 && !/EXIT=/.test(screen); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = tmux("capture-pane", "-p", "-t", session);
      }
      assert.match(screen, /EXIT=0/);
      assert.doesNotMatch(screen, /decoding:/);
    } finally {
      tmux("kill-session", "-t", session);
    }
  },
});

Deno.test({
  name: "cli decode --extract names the file being written on the progress line",
  ignore: !hasTmux,
  fn: async () => {
    const session = `smbscope-extract-${Deno.pid}`;
    const out = Deno.makeTempDirSync();
    // Half-way through the capture, bulk.bin's upload is under way (make.sh: a 3 MiB put).
    const script = `(head -c 3000000 '${capture}'; sleep 2; tail -c +3000001 '${capture}') | ` +
      `'${Deno.execPath()}' run -q -R -W '${root}cli/main.ts' decode - -x '${out}' > /dev/null; ` +
      `echo EXIT=$?; sleep 30`;
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "5", "bash", "-c", script);
    try {
      let screen = "";
      for (let i = 0; i < 40 && !/extracting/.test(screen); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = tmux("capture-pane", "-p", "-t", session);
      }
      assert.match(
        screen,
        /decoding: 3\.00 MB at .* extracting 10\.77\.0\.1\/data\/bulk\.bin [\d.]+ [kM]B/,
      );
      for (let i = 0; i < 60 && !/EXIT=/.test(screen); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = tmux("capture-pane", "-p", "-t", session);
      }
      assert.match(screen, /EXIT=0/);
      assert.match(screen, /extracted 2 files \(2 complete/);
    } finally {
      tmux("kill-session", "-t", session);
      Deno.removeSync(out, { recursive: true });
    }
  },
});
