/**
 * The KDC analyzer's TCP framing: a real TGS-REP read whole, split into
 * one-byte segments, and behind a budget too small to hold it. Split
 * messages are gathered in one growing buffer (not re-joined per segment),
 * and what they hold is charged to the decode's budget for messages not yet
 * complete and given back.
 */
import * as assert from "node:assert/strict";
import { KerberosTickets } from "../../lib/auth/kerberos_tickets.ts";
import type { Frame } from "../../lib/capture/frame.ts";
import { Decoder } from "../../lib/decoder.ts";
import type { AnomalyEvent, DecodeEvent } from "../../lib/events.ts";
import type { ConnectionInfo } from "../../lib/flow/observer.ts";
import { KdcAnalyzer } from "../../lib/kerberos/kdc_analyzer.ts";
import { Reporter } from "../../lib/report.ts";
import { MessageBudget } from "../../lib/state/message_budget.ts";
import { corpus, corpusPresent } from "../smb/oracle.ts";

const SKIP = " (skipped: ../shared/pcaps/public not present)";

/** The KDC's side of tcp.stream 3 of 401trg's psexec_mimikatz_ticket_dump: one TGS-REP (frame 66). */
function kdcReplyStream(): { bytes: Uint8Array; info: ConnectionInfo } {
  let info: ConnectionInfo | undefined;
  const parts: Uint8Array[] = [];
  const decoder = new Decoder({}, {
    observe: (conn) =>
      conn.server.port !== 88 ? undefined : {
        data: (fromClient, bytes) => {
          info = conn;
          if (!fromClient) parts.push(bytes.slice());
        },
        gap: () => {},
        close: () => {},
      },
  });
  decoder.push(
    Deno.readFileSync(new URL("401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap", corpus)),
  );
  decoder.end();
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) bytes.set(p, (at += p.length) - p.length);
  return { bytes, info: info! };
}

function analyzer(info: ConnectionInfo, budget?: MessageBudget) {
  const out: DecodeEvent[] = [];
  const tickets = new KerberosTickets(10, () => {});
  const kdc = new KdcAnalyzer(info, tickets, new Reporter(out, 100), budget);
  const frame = (index: number) => ({ index, ts: index }) as Frame;
  const limits = () => out.filter((e): e is AnomalyEvent => e.type === "anomaly");
  return { kdc, tickets, frame, limits };
}

Deno.test({
  name: "kdc framing: a TGS-REP whole, and in one-byte segments, records the same ticket; " +
    "the budget is given back" + (corpusPresent ? "" : SKIP),
  ignore: !corpusPresent,
  fn() {
    const { bytes, info } = kdcReplyStream();
    // tshark: frame 66 is a TGS-REP for client RonHD, realm CONTOSO.LOCAL.
    assert.ok(bytes.length > 1000, `${bytes.length} bytes`);
    for (const segment of [bytes.length, 1]) {
      const budget = new MessageBudget(1 << 20);
      const { kdc, tickets, frame, limits } = analyzer(info, budget);
      let peak = 0;
      for (let at = 0; at < bytes.length; at += segment) {
        kdc.data(false, bytes.subarray(at, at + segment), frame(at));
        peak = Math.max(peak, budget.held);
      }
      assert.equal(tickets.size, 1, `segments of ${segment}`);
      assert.deepEqual(limits(), []);
      // Held while split: at most twice the message (the buffer doubles); nothing once it is whole.
      if (segment === 1) assert.ok(peak >= bytes.length - 4 && peak <= 2 * bytes.length, `${peak}`);
      else assert.equal(peak, 0);
      assert.equal(budget.held, 0);
      kdc.close();
    }
  },
});

Deno.test({
  name: "kdc framing: a split message the budget cannot hold stops the direction with a limit, " +
    "and a close gives back what was held" + (corpusPresent ? "" : SKIP),
  ignore: !corpusPresent,
  fn() {
    const { bytes, info } = kdcReplyStream();
    const budget = new MessageBudget(256);
    const { kdc, tickets, frame, limits } = analyzer(info, budget);
    for (let at = 0; at < bytes.length; at += 100) {
      kdc.data(false, bytes.subarray(at, at + 100), frame(at));
    }
    assert.equal(tickets.size, 0);
    const [limit, ...more] = limits();
    assert.equal(limit?.code, "auth_maxTotalSmbMessageBytes");
    assert.deepEqual(more, []);
    assert.equal(budget.held, 0);
    // Within the budget, a close lets go of a message cut short.
    const open = analyzer(info, budget);
    open.kdc.data(false, bytes.subarray(0, 100), frame(1));
    assert.equal(budget.held, 128);
    open.kdc.close();
    assert.equal(budget.held, 0);
  },
});
