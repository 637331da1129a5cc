/**
 * The upload page's secrets box in headless Chromium: an encrypted capture
 * (fixtures/crypto/enc_311_gcm: SMB 3.1.1, AES-128-GCM) decoded with the
 * password typed into the box shows the files the fixture script wrote,
 * with their digests; without it, none. Skipped without Chromium.
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
const DIR = new URL("../../fixtures/crypto/", import.meta.url);
const x = JSON.parse(Deno.readTextFileSync(new URL("enc_311_gcm.expected.json", DIR)));

Deno.test({
  name: `upload page: a password in the secrets box decrypts the capture${
    CHROMIUM === undefined ? " (skipped: no chromium)" : ""
  }`,
  ignore: CHROMIUM === undefined,
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
        const capture = new URL("enc_311_gcm.pcap", DIR).pathname;
        const cells = (selector: string) =>
          page.$$eval(selector, (tds) => tds.map((td) => td.textContent ?? ""));
        const large = x.files.find((f: { name: string }) => f.name === "large.bin");
        // Without the password: encrypted, nothing carved.
        await page.setInputFiles("#file", capture);
        await page.waitForSelector("#summary table", { timeout: 20_000 });
        assert.ok(!(await cells("#files td")).includes(large.sha256));
        await page.click("#secrets summary");
        await page.fill("#keys", `password alice:${x.accounts[0].password}`);
        await page.setInputFiles("#file", []);
        await page.setInputFiles("#file", capture);
        await page.waitForSelector("#status:not(.error)", { timeout: 20_000 });
        for (let i = 0; i < 100 && !(await cells("#files td")).includes(large.sha256); i++) {
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.ok((await cells("#files td")).includes(large.sha256));
        assert.ok((await cells("#authentications td")).includes("alice"));
        // The password is not in the page's results.
        assert.ok(!(await page.textContent("#results") ?? "").includes(x.accounts[0].password));
      });
    } finally {
      await browser.close();
    }
  },
});
