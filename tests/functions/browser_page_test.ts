/**
 * The upload page as an analyst reads it (issue 15, item 6): sections in
 * reading order (alerts, summary, logins, files, RPC, SMB sessions, trees,
 * connections, anomalies), client addresses on logins and trees, sizes for
 * people, anonymous sessions said, tables that sort on a click. Headless
 * Chromium; screenshots go to SMBSCOPE_SCREENSHOTS when it is set (looked at
 * by hand). Values from tshark and the fixtures' scripts.
 */
import * as assert from "node:assert/strict";
import { tableOf, uploadPageTest } from "../_support/browser.ts";

const fixture = (name: string) => new URL(`../../fixtures/${name}`, import.meta.url).pathname;
const shots = Deno.env.get("SMBSCOPE_SCREENSHOTS");

uploadPageTest(
  "upload page: sections in reading order, clients on logins and trees, sizes, sorting",
  fixture("smb/smb1_session.pcap"),
  "#connections table",
  async (page) => {
    const order = await page.$$eval("#results > section", (s) => s.map((x) => x.id));
    assert.deepEqual(order, [
      "alerts",
      "summary",
      "authentications",
      "files",
      "rpc",
      "sessions",
      "trees",
      "connections",
      "anomalies",
    ]);
    // tshark: the login and the tree connects come from 10.77.0.2:47790.
    const auth = await tableOf(page, "#authentications");
    assert.equal(auth.rows[0]![auth.head.indexOf("client")], "10.77.0.2:47790");
    assert.equal(auth.rows[0]![auth.head.indexOf("user")], "alice");
    const trees = await tableOf(page, "#trees");
    assert.ok(trees.rows.every((r) => r[trees.head.indexOf("client")] === "10.77.0.2:47790"));
    // The put file: 20480 bytes (fixtures/smb/smb1_session.expected.json), shown as 20.5 kB.
    const files = await tableOf(page, "#files");
    const size = files.head.indexOf("size");
    assert.ok(files.rows.some((r) => r[size] === "20.5 kB"));
    assert.equal(
      await page.$eval("#files td[title='20480 bytes']", (td) => td.textContent),
      "20.5 kB",
    );
    if (shots) await page.screenshot({ path: `${shots}/page_smb1_session.png`, fullPage: true });
    // Sorting: the connection list by server bytes, then the files by size, both ways.
    await page.click("#files th:nth-child(4)");
    const up = (await tableOf(page, "#files")).rows.map((r) => r[size]);
    assert.equal(
      await page.$eval("#files th:nth-child(4)", (th) => th.getAttribute("aria-sort")),
      "ascending",
    );
    await page.click("#files th:nth-child(4)");
    const down = (await tableOf(page, "#files")).rows.map((r) => r[size]);
    assert.deepEqual(down, [...up].reverse());
  },
);

uploadPageTest(
  "upload page: an anonymous login says so (fixtures/detect/auth/anonymous.pcap)",
  fixture("detect/auth/anonymous.pcap"),
  "#connections table",
  async (page) => {
    // The fixture's script logs in with an empty user and password (a null session).
    const auth = await tableOf(page, "#authentications");
    assert.ok(auth.rows.some((r) => r[auth.head.indexOf("user")] === "(anonymous)"));
    const trees = await tableOf(page, "#trees");
    assert.ok(trees.rows.some((r) => r[trees.head.indexOf("user")] === "(anonymous)"));
    if (shots) await page.screenshot({ path: `${shots}/page_anonymous.png`, fullPage: true });
  },
);
