/**
 * The upload page in headless Chromium: pick a fixture capture, wait for the
 * tables, check who logged in and which share was used. Skipped where no
 * Chromium is installed (`apt-get install chromium`).
 */
import * as assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { chromium } from "playwright-core";
import { createHandler } from "../../functions/handler.ts";
import { FIXTURES, withServer } from "./helpers.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

Deno.test({
  name: "upload page renders the decoded tables of a picked capture",
  ignore: CHROMIUM === undefined,
  // playwright keeps a pipe to the browser and timers of its own until it is closed.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      await withServer(createHandler(), async (base) => {
        const page = await browser.newPage();
        await page.goto(`${base}/`);
        await page.setInputFiles("#file", new URL("smb2_10.pcap", FIXTURES).pathname);
        await page.waitForSelector("#authentications table", { timeout: 20_000 });
        const cells = (selector: string) =>
          page.$$eval(selector, (tds) => tds.map((td) => td.textContent ?? ""));
        const auth = await cells("#authentications td");
        assert.ok(auth.includes("alice"), `${auth}`);
        assert.ok(auth.includes("WORKGROUP"));
        assert.ok(auth.includes("success"));
        const trees = await cells("#trees td");
        assert.ok(trees.includes("\\\\10.77.0.1\\data"), `${trees}`);
        const sessions = await cells("#sessions td");
        assert.ok(sessions.some((c) => c.includes("smb2_10_put.bin")), `${sessions}`);
        const summary = await cells("#summary td");
        assert.ok(summary.includes("151"), `${summary}`);
        // The summary's users: WORKGROUP\alice logged in (tshark: NTLMSSP AUTHENTICATE, frame 10).
        assert.ok(summary.includes("WORKGROUP\\alice"), `${summary}`);
        assert.equal(await page.isVisible("#download"), true);
        const href = await page.getAttribute("#download", "href");
        assert.match(href ?? "", /^blob:/);
        // Files: the put and the get of smb2_10_put.bin, with the SHA-256 make.sh recorded.
        const files = await cells("#files td");
        const sha = "fb11ec552fb5b54fdb40939f7da4c494e0da2c890056ebd95ec8d56244e8f723";
        assert.equal(files.filter((c) => c === sha).length, 2, `${files}`);
        assert.ok(files.includes("smb2_10_put.bin → smb2_10_renamed.bin"), `${files}`);
        assert.equal(await page.isVisible("#zip"), true);
        const [zip] = await Promise.all([page.waitForEvent("download"), page.click("#zip")]);
        assert.match(zip.suggestedFilename(), /^smb2_10\.files\.zip$/);

        // Not a capture: the page shows the server's message, no tables.
        await page.setInputFiles("#file", {
          name: "page.html",
          mimeType: "text/html",
          buffer: Buffer.from("<html><body><img src=x onerror=alert(1)></body></html>"),
        });
        await page.waitForSelector("#status.error", { timeout: 20_000 });
        assert.match(await page.textContent("#status") ?? "", /^415 .*HTML document/);
        assert.equal(await page.$$eval("#results table", (t) => t.length), 0);
        await page.close();
      });
    } finally {
      await browser.close();
    }
  },
});
