/**
 * The upload page's Alerts table in headless Chromium: first on the page, above the summary,
 * one row per alert with severity, rule, title, message, user, connection and frames. Upload
 * fixtures/detect/auth/ntlmv1.pcap, whose four logins tshark shows as Session Setup requests
 * in frames 10 (alice, SMB2), 46 (bob), 72 (carol) and 84 (dave; SMB1), one TCP connection
 * each from 10.77.0.2 to 10.77.0.1:445. Skipped where no Chromium is installed.
 */
import * as assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { createHandler } from "../../functions/handler.ts";
import { withServer } from "./helpers.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

const AUTH = new URL("../../fixtures/detect/auth/", import.meta.url);

Deno.test({
  name: "upload page lists the alerts of ntlmv1.pcap first, in a table",
  ignore: CHROMIUM === undefined,
  // playwright keeps a pipe to the browser and timers of its own until it is closed.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
    try {
      await withServer(createHandler(), async (base) => {
        const page = await browser.newPage();
        await page.goto(`${base}/`);
        await page.setInputFiles("#file", new URL("ntlmv1.pcap", AUTH).pathname);
        await page.waitForSelector("#alerts table", { timeout: 20_000 });
        // First of the results, above the summary and everything else.
        const order = await page.$$eval("#results > section", (s) => s.map((x) => x.id));
        assert.equal(order[0], "alerts");
        assert.equal(order[1], "summary");
        assert.equal(await page.textContent("#alerts h2"), "Alerts (4)");
        const head = await page.$$eval("#alerts th", (th) => th.map((h) => h.textContent ?? ""));
        assert.deepEqual(head, [
          "severity",
          "rule",
          "title",
          "message",
          "user",
          "connection",
          "frames",
        ]);
        const rows = await page.$$eval(
          "#alerts tr",
          (trs) => trs.slice(1).map((tr) => [...tr.cells].map((td) => td.textContent ?? "")),
        );
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
        const summary = await page.$$eval("#summary td", (td) => td.map((c) => c.textContent));
        assert.equal(summary[summary.indexOf("alerts") + 1], "4 (ntlmv1 ×4)");
        // Captured strings are text: nothing in the table was parsed as markup.
        assert.equal(await page.$$eval("#alerts td *", (e) => e.length), 0);
        await page.close();
      });
    } finally {
      await browser.close();
    }
  },
});
