/**
 * The CLI and REPL alert views on a public capture of an attack: Metasploit's MS17-010
 * EternalBlue against Windows 7 (zeek-eternalsafety, in ../shared; skipped when absent).
 * tshark -r metasploit-ms017-010-win7x64.pcap -Y smb:
 *   frame 34  192.168.198.224 → .225  NT Trans Request (MID 64), answered in frame 35;
 *   frames 36, 37, 39  Trans2 Secondary Requests on the same connection (tcp.stream 1);
 *   frames 66 and 122  Session Setup AndX Requests of two later connections.
 */
import * as assert from "node:assert/strict";
import { runCli } from "../_support/cli.ts";
import { corpus } from "../_support/corpus.ts";

const capture = new URL("zeek-eternalsafety/metasploit-ms017-010-win7x64.pcap", corpus).pathname;
const present = (() => {
  try {
    return Deno.statSync(capture).isFile;
  } catch {
    return false;
  }
})();

/** The CLI's stdout (with `stdin` written to it); fails unless it exits 0. */
async function run(args: string[], stdin?: string): Promise<string> {
  const r = await runCli(args, stdin !== undefined ? { stdin } : {});
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const alerts = (text: string) =>
  text.split("\n").filter((l) => l.startsWith("!! ALERT")).map((l) =>
    /^!! ALERT (\w+) (\S+) #\d+ f(\d+): /.exec(l)!.slice(1)
  );

Deno.test({
  name: "cli decode on Metasploit's EternalBlue: the critical alert at frame 34, chosen by id",
  ignore: !present,
  fn: async () => {
    const all = await run(["decode", "-t", "alert,summary", capture]);
    assert.deepEqual(alerts(all), [
      ["CRITICAL", "ms17-010-eternalblue", "34"],
      ["HIGH", "ms17-010-session-setup-confusion", "66"],
      ["HIGH", "ms17-010-session-setup-confusion", "122"],
    ]);
    assert.match(all, /continued an SMB1 NT_TRANSACT \(MID 64, .*\) with TRANSACTION2_SECONDARY/);
    assert.match(
      all,
      /^ALERTS: 3 \(ms17-010-eternalblue ×1, ms17-010-session-setup-confusion ×2\)$/m,
    );
    const only = await run(["decode", "-t", "alert", "--rules", "ms17-010-eternalblue", capture]);
    assert.deepEqual(alerts(only), [["CRITICAL", "ms17-010-eternalblue", "34"]]);
    const without = await run([
      "decode",
      "-t",
      "alert",
      "--disable-rules",
      "ms17-010-eternalblue",
      capture,
    ]);
    assert.deepEqual(alerts(without).map((a) => a[2]), ["66", "122"]);
  },
});

Deno.test({
  name: "repl on Metasploit's EternalBlue: evidence 1 opens the NT_TRANSACT request of frame 34",
  ignore: !present,
  fn: async () => {
    const out = await run(["repl", capture], "alerts critical\nevidence 1\nnext\n");
    const [, list, jump, next] = out.split(/^> .*$/m);
    assert.match(list!, /^ +1 +CRITICAL +ms17-010-eternalblue +#\d+ f34: /m);
    assert.doesNotMatch(list!, /session-setup-confusion/);
    assert.match(jump!, /^alert 1: the SMB message it cites \(seq \d+\), message \d+ of #\d+$/m);
    assert.match(jump!, /SMB1 NT_TRANSACT request\n/);
    assert.match(jump!, /^ {2}ids: +messageId=64 /m);
    assert.match(jump!, /^ {2}frames: +34 {2}\(client → server/m);
    assert.match(next!, /SMB1 NT_TRANSACT response[\s\S]*frames: +35 /);
  },
});
