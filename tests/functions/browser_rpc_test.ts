/**
 * The upload page's DCE/RPC table in headless Chromium: upload fixtures/dcerpc/rpc_smb2.pcap
 * and find impacket's calls (fixtures/dcerpc/rpc_smb2.expected.json) with the statuses they
 * got and the frames tshark shows them in. Skipped where no Chromium is installed.
 */
import * as assert from "node:assert/strict";
import { noMarkupIn, summaryCells, tableOf, uploadPageTest } from "../_support/browser.ts";

const DCERPC = new URL("../../fixtures/dcerpc/", import.meta.url);

interface Expected {
  binds: { pipe: string; callId?: number | null }[];
  calls: { pipe: string; operation: string; result: string; request?: Record<string, unknown> }[];
}

uploadPageTest(
  "upload page shows the DCE/RPC calls and binds of rpc_smb2.pcap in a table",
  new URL("rpc_smb2.pcap", DCERPC).pathname,
  "#rpc table",
  async (page) => {
    const expected: Expected = JSON.parse(
      Deno.readTextFileSync(new URL("rpc_smb2.expected.json", DCERPC)),
    );
    const { head, rows } = await tableOf(page, "#rpc");
    assert.deepEqual(head, [
      "time",
      "via",
      "call",
      "outcome",
      "user",
      "arguments",
      "frames",
    ]);
    // Every call impacket made, and the binds that reached the wire (the other pipes
    // could not be opened, so their binds were never sent).
    const binds = expected.binds.filter((b) => typeof b.callId === "number").length;
    assert.equal(rows.length, expected.calls.length + binds);
    assert.equal(
      await page.textContent("#rpc h2"),
      `DCE/RPC (${expected.calls.length + binds})`,
    );
    const col = Object.fromEntries(head.map((h, i) => [h, i]));
    const get = (row: string[], name: string) => row[col[name]!] ?? "";

    // tshark: Bind in frame 18, Bind_ack in frame 23.
    const bind = rows[0]!;
    assert.equal(get(bind, "call"), "bind svcctl v2.0");
    assert.equal(get(bind, "via"), "#0 \\pipe\\svcctl (smb2)");
    assert.equal(get(bind, "outcome"), "ack");
    assert.equal(get(bind, "user"), "WORKGROUP\\alice");
    assert.equal(get(bind, "frames"), "18\n23");
    assert.match(get(bind, "time"), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // The two ROpenSCManagerW calls: refused (ErrorCode 5), then granted with access 5.
    const open = rows.filter((r) => get(r, "call") === "svcctl.ROpenSCManagerW");
    const sent = expected.calls.filter((c) => c.operation === "ROpenSCManagerW");
    assert.equal(open.length, sent.length);
    assert.deepEqual(
      open.map((r) => get(r, "outcome")),
      sent.map((c) => c.result === "ok" ? "ERROR_SUCCESS" : c.result.replace("status:", "")),
    );
    assert.deepEqual(open.map((r) => get(r, "outcome")), [
      "ERROR_ACCESS_DENIED",
      "ERROR_SUCCESS",
    ]);
    const first = sent[0]!.request!;
    assert.equal(
      get(open[0]!, "arguments"),
      `machineName=${first.lpMachineName}  databaseName=${first.lpDatabaseName}  ` +
        `desiredAccess=${first.dwDesiredAccess}`,
    );
    // tshark: OpenSCManagerW request in frame 25, its response in 28.
    assert.equal(get(open[0]!, "frames"), "25\n28");
    // A fault is named; the refused EFSR bind is marked.
    const create = rows.find((r) => get(r, "call") === "svcctl.RCreateServiceW")!;
    assert.equal(get(create, "outcome"), "nca_s_op_rng_error");
    assert.match(get(create, "arguments"), /^serviceName=smbscope-svc {2}displayName=/);
    assert.ok(
      rows.some((r) => get(r, "call") === "bind efsrpc v1.0 (provider_rejection)"),
      JSON.stringify(rows.map((r) => get(r, "call"))),
    );
    // Results follow the arguments, after an arrow (NetrShareEnum found 2 shares).
    const shares = rows.find((r) => get(r, "call") === "srvsvc.NetrShareEnum")!;
    assert.match(get(shares, "arguments"), /\n→ .*count=2/);
    // The summary counts the calls.
    const summary = await summaryCells(page);
    const at = summary.indexOf("DCE/RPC calls (failed)");
    assert.match(summary[at + 1] ?? "", new RegExp(`^${expected.calls.length} \\(\\d+\\)$`));
    // Captured strings are text: nothing in the table was parsed as markup.
    await noMarkupIn(page, "#rpc");
  },
);
