/**
 * The interactive REPL's first-hour rough edges, through a real terminal
 * (tmux; skipped without it): Esc and q close lists, one status line, the
 * connection list keeps its place, follow and search; and `decode -` on a
 * terminal says it waits for input.
 */
import * as assert from "node:assert/strict";
import { CLI, fixturePath as fixture, hasTmux, Terminal } from "../_support/cli.ts";

Deno.test({
  name: "repl on a terminal: Esc and q close lists, one status line, follow, search" +
    (hasTmux ? "" : " [skipped: tmux is not installed]"),
  ignore: !hasTmux,
  fn: async () => {
    const t = new Terminal();
    try {
      t.start(fixture("smb/smb2_10.pcap"));
      await t.waitFor("status:        decoded", "❯ #0 tcp");
      t.keys("Enter");
      await t.waitFor("message 1 of 80", "SMB2 NEGOTIATE request");
      // The message list (l) closes with Esc, and with q, back to the same message.
      for (const key of ["Escape", "q"]) {
        t.keys("l");
        await t.waitFor("Message (↑↓ move, Enter go, Esc or q back)");
        t.keys(key);
        await t.waitUntil(
          (screen) => screen.includes("message 1 of 80") && !screen.includes("Message ("),
          `${key} closing the list`,
        );
      }
      // A filter: its position is said once (no "message N of M" status line above the message).
      t.keys("/");
      await t.waitFor("Filter (empty clears)");
      t.keys("cmd=CREATE", "Enter");
      const filtered = await t.waitFor("filter cmd=CREATE: 1/");
      assert.equal(filtered.split("\n").filter((l) => l.includes("cmd=CREATE")).length, 1);
      assert.equal(filtered.split("\n").filter((l) => /message \d+ of 80/.test(l)).length, 1);
      // Follow: a line per request and its answer (tshark: NEGOTIATE in frame 4).
      t.keys("F");
      const follow = await t.waitFor("Follow #0", "NEGOTIATE → STATUS_SUCCESS");
      assert.match(follow, /^ +1 f4 \+/m);
      t.keys("Escape");
      // Back where it was: the first CREATE.
      await t.waitFor("filter cmd=CREATE: 1/");
      // Search from the stepper; Enter on a hit opens it.
      t.keys("S");
      await t.waitFor("Search every connection's messages");
      t.keys("smb2_10_renamed", "Enter");
      await t.waitFor('found for "smb2_10_renamed"');
      t.keys("Enter");
      await t.waitFor("smb2_10_renamed.bin", "l list");
      t.keys("b");
      // The connection list again, then a view and back: the cursor stays on the view's line.
      await t.waitFor("❯ #0 tcp");
      t.keys("Down", "Down");
      await t.waitFor("❯ [search]");
      t.keys("Down");
      await t.waitFor("❯ [auth]");
      t.keys("Enter");
      await t.waitFor("NTLM authentications");
      t.keys("Escape");
      await t.waitFor("❯ [auth]");
      // An Escape just before may still be pending as the start of an Alt sequence on a loaded
      // machine, taking the Ctrl-C with it: give the prompt a moment, and a second Ctrl-C if so.
      await new Promise((r) => setTimeout(r, 300));
      t.keys("C-c");
      await t.waitFor("REPL-EXIT 0").catch(() => {
        t.keys("C-c");
        return t.waitFor("REPL-EXIT 0");
      });
    } finally {
      t.close();
    }
  },
});

Deno.test({
  name: "decode - on a terminal says it waits for a capture" +
    (hasTmux ? "" : " [skipped: tmux is not installed]"),
  ignore: !hasTmux,
  fn: async () => {
    const t = new Terminal();
    try {
      const command =
        `'${Deno.execPath()}' run -q -A '${CLI}' decode -; echo DECODE-EXIT $?; sleep 30`;
      t.tmux("new-session", "-d", "-s", "repl", "-x", "120", "-y", "20", "sh", "-c", command);
      await t.waitFor("waiting for a capture on standard input");
      t.keys("C-d");
      await t.waitFor("DECODE-EXIT 1");
    } finally {
      t.close();
    }
  },
});
