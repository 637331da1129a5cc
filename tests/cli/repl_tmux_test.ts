/**
 * The interactive REPL driven through a real terminal: tmux runs it, sends keys, and reads the
 * screen back (capture-pane). Skipped where tmux is not installed.
 */
import * as assert from "node:assert/strict";
import { fixturePath as fixture, hasTmux, Terminal } from "../_support/cli.ts";

Deno.test({
  name: "repl on a terminal: pick a connection, step, hex, errors only, quit",
  ignore: !hasTmux,
  fn: async () => {
    const t = new Terminal();
    try {
      t.start(fixture("smb/smb2_10.pcap"));
      const overview = await t.waitFor("status:        decoded", "❯ #0 tcp");
      assert.match(overview, /users: +WORKGROUP\\alice/);
      assert.match(overview, /shares: +\\\\10\.77\.0\.1\\IPC\$, \\\\10\.77\.0\.1\\data/);
      assert.match(overview, /#0 tcp 10\.77\.0\.2:57750 → 10\.77\.0\.1:445 .*messages=80/);
      // Search narrows the list; Enter opens the connection at its first message.
      t.keys("57750");
      // The search is done when the views that do not match ([auth], [files]…) left the list.
      await t.waitUntil((screen) => screen.includes("57750\n") && !screen.includes("[auth]"));
      t.keys("Enter");
      await t.waitFor("message 1 of 80", "SMB2 NEGOTIATE request");
      t.keys("Right", "Right", "Right");
      const step = await t.waitFor("message 4 of 80", "SESSION_SETUP response");
      assert.match(step, /status: +STATUS_MORE_PROCESSING_REQUIRED \(0xc0000016\)/);
      assert.match(step, /frames: +9 +\(server → client/);
      t.keys("x");
      const hex = await t.waitFor("hex view", "259 bytes");
      assert.match(hex, /^00000000 {2}00 00 00 ff fe 53 4d 42 {2}40 00 01 00 16 00 00 c0/m);
      // "errors" are failures: the login's STATUS_MORE_PROCESSING_REQUIRED and the listings'
      // STATUS_NO_MORE_FILES are not; the one failure is the IOCTL's STATUS_NOT_FOUND (frame 17).
      t.keys("x", "e");
      const errors = await t.waitFor("filter errors: 1/1", "STATUS_NOT_FOUND");
      assert.doesNotMatch(errors, /STATUS_MORE_PROCESSING_REQUIRED/);
      t.keys("q");
      await t.waitFor("REPL-EXIT 0");
    } finally {
      t.close();
    }
  },
});

Deno.test({
  name: "repl on a terminal: escape sequences in file names reach the screen escaped",
  ignore: !hasTmux,
  fn: async () => {
    const t = new Terminal();
    try {
      t.start(fixture("hostile/ansi_names.pcap"));
      await t.waitFor("status:        decoded", "❯ #0 tcp");
      const title = t.tmux("display-message", "-p", "-t", "repl", "#{pane_title}");
      t.keys("Enter");
      await t.waitFor("message 1 of 80");
      t.keys("/");
      await t.waitFor("Filter (empty clears)");
      t.keys("file~pwned", "Enter");
      const screen = await t.waitFor(String.raw`file:      \x1b]0;pwned\x07\x1b[31m`);
      // Our header is still there (no clear screen from the capture), and the title is unchanged.
      assert.match(screen, /^#0 tcp 10\.77\.0\.2:57750/m);
      assert.equal(t.tmux("display-message", "-p", "-t", "repl", "#{pane_title}"), title);
      assert.ok(!title.includes("pwned"));
      // No cell was drawn in red: capture-pane -e shows colour changes as SGR sequences.
      const coloured = t.tmux("capture-pane", "-p", "-e", "-t", "repl");
      assert.ok(!coloured.includes("\x1b[31m"), "the capture turned the text red");
      t.keys("f");
      await t.waitFor(String.raw`[rename] → \x1b[2J\x1b[Hxrenamed.bin`, "save N [path]");
      t.keys("Escape");
      await t.waitFor("message ");
      // The share tree: the renamed file under its new (escaped) name, its old one noted.
      t.keys("t");
      await t.waitFor("Files by share", String.raw`\x1b[2J\x1b[Hxrenamed.bin  40.0 kB`);
      t.keys("Escape");
      await t.waitFor("message ");
      t.keys("q");
      await t.waitFor("REPL-EXIT 0");
    } finally {
      t.close();
    }
  },
});
