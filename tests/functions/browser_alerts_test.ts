/**
 * The upload page's Alerts table in headless Chromium: first on the page, above the summary,
 * one row per alert with severity, rule, title, message, user, connection and frames. Upload
 * fixtures/detect/auth/ntlmv1.pcap, whose four logins tshark shows as Session Setup requests
 * in frames 10 (alice, SMB2), 46 (bob), 72 (carol) and 84 (dave; SMB1), one TCP connection
 * each from 10.77.0.2 to 10.77.0.1:445. Skipped where no Chromium is installed.
 */
import * as assert from "node:assert/strict";
import { noMarkupIn, summaryCells, tableOf, uploadPageTest } from "../_support/browser.ts";

const AUTH = new URL("../../fixtures/detect/auth/", import.meta.url);

uploadPageTest(
  "upload page lists the alerts of ntlmv1.pcap first, in a table",
  new URL("ntlmv1.pcap", AUTH).pathname,
  "#alerts table",
  async (page) => {
    // First of the results, above the summary and everything else.
    const order = await page.$$eval("#results > section", (s) => s.map((x) => x.id));
    assert.equal(order[0], "alerts");
    assert.equal(order[1], "summary");
    assert.equal(await page.textContent("#alerts h2"), "Alerts (4)");
    const { head, rows } = await tableOf(page, "#alerts");
    assert.deepEqual(head, [
      "severity",
      "rule",
      "title",
      "message",
      "user",
      "connection",
      "frames",
    ]);
    const col = (name: string) => head.indexOf(name);
    assert.deepEqual(rows.map((r) => [r[col("severity")], r[col("rule")], r[col("frames")]]), [
      ["MEDIUM", "ntlmv1", "10"],
      ["MEDIUM", "ntlmv1", "46"],
      ["MEDIUM", "ntlmv1", "72"],
      ["MEDIUM", "ntlmv1", "84"],
    ]);
    assert.deepEqual(rows.map((r) => r[col("user")]), [
      "WORKGROUP\\alice",
      "WORKGROUP\\bob",
      "WORKGROUP\\carol",
      "WORKGROUP\\dave",
    ]);
    assert.equal(rows[0]![col("title")], "NTLMv1, LM or clear-text password login");
    assert.match(rows[0]![col("message")]!, /^NTLMv1 login as WORKGROUP\\alice .* over smb2/);
    assert.match(rows[3]![col("message")]!, /^clear-text password login as WORKGROUP\\dave/);
    for (const [i, r] of rows.entries()) {
      assert.match(
        r[col("connection")]!,
        new RegExp(`^#${i} 10\\.77\\.0\\.2:\\d+ → 10\\.77\\.0\\.1:445$`),
      );
    }
    assert.deepEqual(
      await page.$$eval("#alerts tr", (trs) => trs.slice(1).map((tr) => tr.className)),
      ["medium", "medium", "medium", "medium"],
    );
    // The summary counts them by rule.
    const summary = await summaryCells(page);
    assert.equal(summary[summary.indexOf("alerts") + 1], "4 (ntlmv1 ×4)");
    // Captured strings are text: nothing in the table was parsed as markup.
    await noMarkupIn(page, "#alerts");
  },
);
