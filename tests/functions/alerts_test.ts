/**
 * The HTTP function's detection parameters: `rules=`, `disable=`, `threshold=`, `alerts=0`,
 * each checked (a 400 naming the bad id), and `GET /api` listing the rules. Facts from
 * fixtures/detect/auth (see its README) and tshark: ntlmv1.pcap's logins are the Session Setup
 * requests in frames 10 (alice, SMB2), 46 (bob), 72 (carol), 84 (dave, SMB1); bruteforce.pcap has
 * 12 STATUS_LOGON_FAILURE answers for heidi, then a success.
 */
import * as assert from "node:assert/strict";
import { RULES } from "../../mod.ts";
import { createHandler } from "../../functions/handler.ts";
import { withServer } from "./helpers.ts";

const AUTH = new URL("../../fixtures/detect/auth/", import.meta.url);
const capture = (name: string) => Deno.readFileSync(new URL(name, AUTH));

interface Doc {
  alerts: { rule: string; user?: string; message: string; evidence: { frames: number[] } }[];
  summary: { alerts: { count: number; byRule: Record<string, number> } };
}

async function post(base: string, query: string, name: string): Promise<Response> {
  return await fetch(`${base}/decode${query}`, { method: "POST", body: capture(name) });
}

async function doc(base: string, query: string, name: string): Promise<Doc> {
  const response = await post(base, query, name);
  assert.equal(response.status, 200, await response.clone().text());
  return await response.json();
}

Deno.test("GET /api describes rules=, disable=, threshold=, alerts= and lists the rules", async () => {
  await withServer(createHandler(), async (base) => {
    const api = await (await fetch(`${base}/api`)).json();
    const query = api.endpoints["POST /decode"].query;
    for (const p of ["rules", "disable", "threshold", "alerts"]) assert.ok(query[p], p);
    assert.match(query.threshold, /RULE\.OPTION:N/);
    assert.deepEqual(api.rules.map((r: { id: string }) => r.id), RULES.map((r) => r.id));
    const spray = api.rules.find((r: { id: string }) => r.id === "password-spray");
    assert.equal(spray.severity, "high");
    assert.equal(spray.technique, "T1110.003");
    assert.equal(spray.title, RULES.find((r) => r.id === "password-spray")!.title);
    assert.deepEqual(
      spray.thresholds.map((t: { key: string; default: number }) => [t.key, t.default]),
      [["password-spray.users", 5], ["password-spray.windowSeconds", 300]],
    );
  });
});

Deno.test("POST /decode runs every rule by default; rules=, disable= and alerts=0 choose", async () => {
  await withServer(createHandler(), async (base) => {
    const all = await doc(base, "", "ntlmv1.pcap");
    assert.deepEqual(all.alerts.map((a) => [a.rule, a.user, a.evidence.frames]), [
      ["ntlmv1", "WORKGROUP\\alice", [10]],
      ["ntlmv1", "WORKGROUP\\bob", [46]],
      ["ntlmv1", "WORKGROUP\\carol", [72]],
      ["ntlmv1", "WORKGROUP\\dave", [84]],
    ]);
    assert.match(all.alerts[3]!.message, /^clear-text password login as WORKGROUP\\dave /);
    assert.deepEqual(all.summary.alerts, { count: 4, byRule: { ntlmv1: 4 } });

    assert.equal((await doc(base, "?rules=ntlmv1", "ntlmv1.pcap")).alerts.length, 4);
    assert.deepEqual((await doc(base, "?rules=password-spray", "ntlmv1.pcap")).alerts, []);
    assert.deepEqual((await doc(base, "?disable=ntlmv1", "ntlmv1.pcap")).alerts, []);
    const off = await doc(base, "?alerts=0", "ntlmv1.pcap");
    assert.deepEqual(off.alerts, []);
    assert.deepEqual(off.summary.alerts, { count: 0, byRule: {} });

    // NDJSON with types=alert: the four alerts, then the summary (which always comes).
    const response = await post(base, "?format=ndjson&types=alert&rules=ntlmv1", "ntlmv1.pcap");
    const lines = (await response.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(lines.pop()?.type, "summary");
    assert.deepEqual(lines.map((e) => [e.type, e.rule, e.evidence.frames[0]]), [
      ["alert", "ntlmv1", 10],
      ["alert", "ntlmv1", 46],
      ["alert", "ntlmv1", 72],
      ["alert", "ntlmv1", 84],
    ]);
  });
});

Deno.test("POST /decode threshold=rule.option:N (or =N) sets a threshold", async () => {
  await withServer(createHandler(), async (base) => {
    const at12 = await doc(base, "?threshold=password-brute-force.attempts:12", "bruteforce.pcap");
    assert.deepEqual(at12.alerts.map((a) => [a.rule, a.user]), [
      ["password-brute-force", "WORKGROUP\\heidi"],
    ]);
    const at13 = await doc(
      base,
      `?threshold=${encodeURIComponent("password-brute-force.attempts=13")}` +
        "&threshold=password-spray.users:2",
      "bruteforce.pcap",
    );
    assert.deepEqual(at13.alerts, []);
  });
});

Deno.test("POST /decode answers 400 naming an unknown rule id or threshold", async () => {
  await withServer(createHandler(), async (base) => {
    const cases: [string, string, RegExp][] = [
      [
        "?rules=ntlmv1,ms99-999",
        "bad_rules",
        /unknown rule "ms99-999" in rules= \(known: [^)]*\bntlmv1\b/,
      ],
      ["?disable=nope", "bad_rules", /unknown rule "nope" in disable=/],
      ["?threshold=ntlmv1.calls:1", "bad_threshold", /rule ntlmv1 has no threshold "calls"/],
      ["?threshold=nope.calls:1", "bad_threshold", /unknown rule "nope" in threshold=/],
      ["?threshold=password-spray.users:x", "bad_threshold", /must be a non-negative number/],
      ["?alerts=2", "bad_alerts", /alerts must be 0 or 1, not 2/],
      ["?alerts=0&rules=ntlmv1", "bad_alerts", /alerts=0 runs no rules/],
    ];
    for (const [query, code, message] of cases) {
      const response = await post(base, query, "ntlmv1.pcap");
      assert.equal(response.status, 400, query);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      const body = await response.json();
      assert.equal(body.error.code, code, query);
      assert.match(body.error.message, message, query);
    }
  });
});

Deno.test("createHandler's own detect options hold unless a request overrides them", async () => {
  const handler = createHandler({ decoder: { detect: { disable: ["ntlmv1"] } } });
  await withServer(handler, async (base) => {
    assert.deepEqual((await doc(base, "", "ntlmv1.pcap")).alerts, []);
    // A request's disable= replaces the handler's list.
    const other = await doc(base, "?disable=password-spray", "ntlmv1.pcap");
    assert.equal(other.alerts.length, 4);
  });
  assert.throws(
    () => createHandler({ decoder: { detect: { rules: ["nope"] } } }),
    /unknown rule "nope"/,
  );
});
