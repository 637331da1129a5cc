/** The detection engine with rules made for the test: dispatch, alerts citing events, thresholds, caps, failures. */
import * as assert from "node:assert/strict";
import type { AlertEvent, DecodeEvent } from "../../lib/events.ts";
import { chosenRules, DetectionEngine } from "../../lib/detect/engine.ts";
import type { Rule, RuleState } from "../../lib/detect/rule.ts";
import { Reporter } from "../../lib/report.ts";
import { Decoder } from "../../mod.ts";

const treeRule: Rule = {
  id: "test-trees",
  title: "Tree connects",
  severity: "low",
  technique: "T1021.002",
  techniqueName: "SMB/Windows Admin Shares",
  references: [],
  description: "raises one alert per N tree connects",
  listens: ["tree"],
  options: { every: { default: 1, description: "connects per alert" } },
  create(ctx) {
    let seen: DecodeEvent[] = [];
    return {
      event(e) {
        seen.push(e);
        if (seen.length >= ctx.option("every")) {
          ctx.alert({
            message: `${seen.length} tree connects`,
            values: { n: seen.length },
            rests: seen,
          });
          seen = [];
        }
      },
    };
  },
};

const failing: Rule = {
  ...treeRule,
  id: "test-fails",
  create: () => ({
    event: () => {
      throw new Error("oops");
    },
  }),
};

function decode(options: ConstructorParameters<typeof Decoder>[0]): DecodeEvent[] {
  const d = new Decoder(options);
  return [...d.push(Deno.readFileSync("fixtures/smb/smb2_10.pcap")), ...d.end()];
}

Deno.test("every event is numbered in order, the summary last", () => {
  const events = decode({});
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
});

Deno.test("an alert cites the seq, frames and addresses of the events it rests on", () => {
  const out: DecodeEvent[] = [];
  const engine = new DetectionEngine([treeRule], new Reporter(out, 10));
  const events = decode({ watchers: [engine], alerts: false });
  const alerts = events.filter((e): e is AlertEvent => e.type === "alert");
  const trees = events.filter((e) => e.type === "tree");
  assert.equal(alerts.length, trees.length);
  const [a] = alerts;
  assert.deepEqual(a!.events, [trees[0]!.seq]);
  assert.deepEqual(a!.evidence.frames, trees[0]!.evidence.frames);
  assert.deepEqual(a!.client, (trees[0] as { client: unknown }).client);
  assert.ok(a!.seq! > trees[0]!.seq!);
  const summary = events.at(-1)!;
  assert.ok(summary.type === "summary");
  assert.deepEqual(summary.alerts, {
    count: alerts.length,
    byRule: { "test-trees": alerts.length },
  });
});

Deno.test("thresholds and rule choice are checked, with errors naming the option", () => {
  assert.deepEqual(chosenRules({}, [treeRule, failing]).map((r) => r.id), [
    "test-trees",
    "test-fails",
  ]);
  assert.deepEqual(chosenRules({ disable: ["test-fails"] }, [treeRule, failing]).map((r) => r.id), [
    "test-trees",
  ]);
  assert.deepEqual(chosenRules({ rules: ["test-fails"] }, [treeRule, failing]).map((r) => r.id), [
    "test-fails",
  ]);
  assert.throws(() => chosenRules({ rules: ["nope"] }, [treeRule]), /unknown rule "nope"/);
  assert.throws(
    () => chosenRules({ thresholds: { "test-trees.nope": 1 } }, [treeRule]),
    /unknown threshold/,
  );
  assert.throws(
    () => chosenRules({ thresholds: { "test-trees.every": -1 } }, [treeRule]),
    /non-negative/,
  );
  assert.throws(() => new Decoder({ detect: { rules: ["nope"] } }), /unknown rule/);
});

Deno.test("a rule that throws is a bug anomaly; the decode goes on", () => {
  const out: DecodeEvent[] = [];
  const reporter = new Reporter(out, 10);
  const engine = new DetectionEngine([failing], reporter);
  const events = decode({ watchers: [engine], alerts: false });
  assert.equal(events.at(-1)!.type, "summary");
  assert.ok(out.some((e) => e.type === "anomaly" && e.layer === "detect" && e.kind === "bug"));
});

Deno.test("a rule's own fixed cap is a detect_maxRuleState limit naming the rule", () => {
  const capped: Rule = {
    ...treeRule,
    id: "test-capped",
    create: (ctx) => ({ event: () => ctx.limit("dropped one") }),
  };
  const out: DecodeEvent[] = [];
  const reporter = new Reporter(out, 10);
  decode({ watchers: [new DetectionEngine([capped], reporter)], alerts: false });
  const limits = out.filter((e) => e.type === "anomaly" && e.code === "detect_maxRuleState");
  assert.equal(limits.length, 1);
  assert.match(
    limits[0]!.type === "anomaly" ? limits[0]!.detail : "",
    /rule test-capped: dropped one/,
  );
  assert.ok(reporter.limitsHit.get("maxRuleState")! > 1);
});

Deno.test("a rule's connection state forgets a connection at its close, so dead connections take no room", () => {
  // A tree event and a close event of the fixture, replayed as if from 50 connections one after the other.
  const events = decode({ alerts: false });
  const tree = events.find((e) => e.type === "tree")!;
  const close = events.find((e) => e.type === "connection" && e.action === "close")!;
  const as = (e: DecodeEvent, id: number): DecodeEvent =>
    e.type === "connection"
      ? { ...e, id, evidence: { ...e.evidence, connection: id } }
      : e.type === "tree"
      ? { ...e, evidence: { ...e.evidence, connection: id } }
      : e;
  let held: RuleState<number, string> | undefined;
  const perConnection: Rule = {
    ...treeRule,
    id: "test-per-connection",
    create(ctx) {
      const state = held = ctx.connectionState<string>(8);
      return {
        event: (e) => {
          if (e.type === "tree") state.set(e.evidence.connection!, String(e.seq));
        },
      };
    },
  };
  const run = (closing: boolean) => {
    const out: DecodeEvent[] = [];
    const engine = new DetectionEngine([perConnection], new Reporter(out, 10));
    for (let id = 1; id <= 50; id++) {
      engine.event(as(tree, id), out);
      if (closing && id !== 50) engine.event(as(close, id), out);
    }
    return out.filter((e) => e.type === "anomaly" && e.code === "detect_maxRuleState");
  };
  assert.deepEqual(run(true), []);
  assert.equal(held!.has(49), false);
  assert.equal(held!.get(50), String(tree.seq));
  // Without the closes, 50 live connections overflow the cap of 8: the limit says so.
  const limits = run(false);
  assert.equal(limits.length, 1);
  assert.match(limits[0]!.type === "anomaly" ? limits[0]!.detail : "", /test-per-connection/);
  assert.equal(held!.has(50), true);
  assert.equal(held!.has(1), false);
});
