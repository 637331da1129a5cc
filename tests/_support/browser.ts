/**
 * Test-only, shared by the upload page's browser tests: a loopback server around the HTTP
 * function, headless Chromium (playwright-core) on its page, a capture picked in the form, and the
 * page's tables read back. The tests skip where no Chromium is installed.
 * @module
 */
import * as assert from "node:assert/strict";
import { chromium, type Page } from "playwright-core";
import { createHandler } from "../../functions/handler.ts";
import { withServer } from "../functions/helpers.ts";

/** Chromium's path, when it is installed. */
export const CHROMIUM: string | undefined = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
  .find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });

/**
 * A test of the upload page: picks `capture` (a path) in its form, waits for `selector` (20 s at
 * most), then runs `check` on the page. Skipped without Chromium.
 */
export function uploadPageTest(
  name: string,
  capture: string,
  selector: string,
  check: (page: Page) => Promise<void>,
): void {
  Deno.test({
    name,
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
          await page.setInputFiles("#file", capture);
          await page.waitForSelector(selector, { timeout: 20_000 });
          await check(page);
          await page.close();
        });
      } finally {
        await browser.close();
      }
    },
  });
}

/** A table of the page under `section` (a selector): its header cells and its rows' cells. */
export async function tableOf(
  page: Page,
  section: string,
): Promise<{ head: string[]; rows: string[][] }> {
  const head = await page.$$eval(`${section} th`, (th) => th.map((h) => h.textContent ?? ""));
  const rows = await page.$$eval(
    `${section} tr`,
    (trs) => trs.slice(1).map((tr) => [...tr.cells].map((td) => td.textContent ?? "")),
  );
  return { head, rows };
}

/** Checks that nothing captured in the table under `section` was parsed as markup. */
export async function noMarkupIn(page: Page, section: string): Promise<void> {
  assert.equal(await page.$$eval(`${section} td *`, (e) => e.length), 0);
}

/** The summary table's cells, in order (a name, then its value). */
export function summaryCells(page: Page): Promise<(string | null)[]> {
  return page.$$eval("#summary td", (td) => td.map((c) => c.textContent));
}
