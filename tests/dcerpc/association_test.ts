/**
 * The association state machine on PDUs built field by field: pairing,
 * fragments, PDUs split across pieces, and hostile input (lying lengths,
 * floods of calls and fragments, malformed NDR): anomalies and capped
 * state, never an exception.
 */
import * as assert from "node:assert/strict";
import type { AnomalyEvent, DecodeEvent, RpcEvent } from "../../lib/events.ts";
import { type LimitOptions, limitsFrom } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";
import { Association, type DcerpcContext } from "../../lib/dcerpc/association.ts";
import { EndpointMap } from "../../lib/dcerpc/endpoint_map.ts";
import { MessageBudget } from "../../lib/state/message_budget.ts";
import { CallLedger } from "../../lib/dcerpc/call_ledger.ts";
import { bind, bindAck, le, pdu, request, response } from "./_pdu.ts";

const SVCCTL = "367abb81-9844-35f1-ad32-98f038001003";

function setup(options: LimitOptions = {}, messages?: MessageBudget, calls?: CallLedger) {
  const out: DecodeEvent[] = [];
  const limits = limitsFrom(options);
  const ctx: DcerpcContext = {
    out,
    reporter: new Reporter(out, 1000),
    limits,
    endpoints: new EndpointMap(100, () => {}),
    tickets: undefined,
    heldStubBytes: 0,
    messages,
    calls,
  };
  const a = new Association(ctx, {
    transport: "tcp",
    connection: 7,
    client: { ip: "10.0.0.2", port: 50000 },
    server: { ip: "10.0.0.1", port: 135 },
  });
  let frame = 0;
  const send = (fromClient: boolean, bytes: Uint8Array, startsMessage = false) =>
    a.data(fromClient, bytes, { frames: [++frame], ts: frame }, startsMessage);
  const rpc = () => out.filter((e): e is RpcEvent => e.type === "rpc");
  const anomalies = () => out.filter((e): e is AnomalyEvent => e.type === "anomaly");
  return { a, ctx, out, send, rpc, anomalies };
}

/** ROpenSCManagerW's request stub: unique machine name "dc1", null database, access 0xf003f. */
const OPEN_SCM = [
  ...le(0x20000, 4),
  ...le(4, 4),
  ...le(0, 4),
  ...le(4, 4),
  ...[0x64, 0, 0x63, 0, 0x31, 0, 0, 0],
  ...le(0, 4),
  ...le(0xf003f, 4),
];

Deno.test("a bind, a call and its answer make a bind event and a named call with its arguments", () => {
  const { a, send, rpc } = setup();
  send(true, bind(1, [[SVCCTL, 2]]));
  send(false, bindAck(1, 1));
  send(true, request(2, 15, OPEN_SCM));
  send(false, response(2, [...new Array(20).fill(0), ...le(0, 4)]));
  a.end();
  const [b, call] = rpc();
  assert.equal(b!.action, "bind");
  assert.equal(b!.contexts![0]!.interfaceName, "svcctl");
  assert.equal(b!.secondaryAddress, "135");
  assert.equal(call!.operation, "ROpenSCManagerW");
  assert.deepEqual(
    [call!.arguments!.machineName, call!.arguments!.databaseName, call!.arguments!.desiredAccess],
    ["dc1", null, 0xf003f],
  );
  assert.equal(call!.statusName, "ERROR_SUCCESS");
  assert.equal(call!.success, true);
  assert.deepEqual(call!.evidence.frames, [3, 4]);
});

Deno.test("PDUs split byte by byte, and several in one piece, frame the same", () => {
  const { a, send, rpc } = setup();
  const all = [bind(1, [[SVCCTL, 2]]), request(2, 15, OPEN_SCM)];
  for (const b of all) for (const x of b) send(true, new Uint8Array([x]));
  const both = new Uint8Array([...bindAck(1, 1), ...response(2, [...new Array(24).fill(0)])]);
  send(false, both);
  a.end();
  const calls = rpc().filter((e) => e.action === "call");
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.arguments!.machineName, "dc1");
  assert.equal(calls[0]!.outcome, "response");
});

Deno.test("fragments reassemble by call id (first and last flags)", () => {
  const { a, send, rpc } = setup();
  send(true, bind(1, [[SVCCTL, 2]]));
  send(false, bindAck(1, 1));
  send(true, request(2, 15, OPEN_SCM.slice(0, 10), 1)); // first
  send(true, request(2, 15, OPEN_SCM.slice(10, 20), 0)); // middle
  send(true, request(2, 15, OPEN_SCM.slice(20), 2)); // last
  send(false, response(2, new Array(24).fill(0)));
  a.end();
  const call = rpc().find((e) => e.action === "call")!;
  assert.equal(call.requestFragments, 3);
  assert.equal(call.requestStubBytes, OPEN_SCM.length);
  assert.equal(call.arguments!.machineName, "dc1");
});

Deno.test("a stub sent one byte per fragment is gathered and decoded as one", () => {
  const { a, ctx, send, rpc } = setup();
  send(true, bind(1, [[SVCCTL, 2]]));
  send(false, bindAck(1, 1));
  OPEN_SCM.forEach((byte, i) => {
    const flags = (i === 0 ? 1 : 0) | (i === OPEN_SCM.length - 1 ? 2 : 0);
    send(true, request(2, 15, [byte], flags));
    if (i < OPEN_SCM.length - 1) assert.equal(ctx.heldStubBytes, i + 1);
  });
  assert.equal(ctx.heldStubBytes, 0);
  send(false, response(2, new Array(24).fill(0)));
  a.end();
  const call = rpc().find((e) => e.action === "call")!;
  assert.equal(call.requestFragments, OPEN_SCM.length);
  assert.deepEqual(
    [call.arguments!.machineName, call.arguments!.databaseName, call.arguments!.desiredAccess],
    ["dc1", null, 0xf003f],
  );
});

Deno.test("a PDU split across pieces is paid from the message budget, given back when whole, on a gap and at the end", () => {
  const budget = new MessageBudget(1 << 20);
  const { a, send, rpc } = setup({}, budget);
  const req = request(2, 15, OPEN_SCM);
  send(true, bind(1, [[SVCCTL, 2]]));
  send(false, bindAck(1, 1));
  assert.equal(budget.held, 0); // whole PDUs are read in place
  send(true, req.subarray(0, 20));
  assert.ok(budget.held >= 20 && budget.held <= 2 * req.length, `${budget.held}`);
  send(true, req.subarray(20));
  assert.equal(budget.held, 0);
  send(true, req.subarray(0, 30));
  a.gap(true);
  assert.equal(budget.held, 0);
  send(false, response(2, new Array(24).fill(0)).subarray(0, 10));
  assert.ok(budget.held > 0);
  a.end();
  assert.equal(budget.held, 0);
  assert.equal(rpc().find((e) => e.action === "call")!.arguments!.machineName, "dc1");
});

Deno.test("a split PDU the message budget refuses is skipped with one limit; the next PDU is read", () => {
  const budget = new MessageBudget(32);
  const { a, send, rpc, anomalies } = setup({}, budget);
  send(true, bind(1, [[SVCCTL, 2]]));
  send(false, bindAck(1, 1));
  const req = request(2, 15, OPEN_SCM);
  send(true, req.subarray(0, 20)); // 20 bytes held: fits
  send(true, req.subarray(20, 40)); // 40 do not
  send(true, req.subarray(40));
  assert.equal(budget.held, 0);
  send(true, request(3, 15, OPEN_SCM), true);
  a.end();
  const limits = anomalies().filter((x) => x.code === "dcerpc_maxTotalSmbMessageBytes");
  assert.equal(limits.length, 1);
  assert.match(limits[0]!.detail, /does not fit maxTotalSmbMessageBytes \(32\)/);
  const calls = rpc().filter((e) => e.action === "call");
  assert.deepEqual(calls.map((c) => c.callId), [3]);
  assert.equal(calls[0]!.arguments!.machineName, "dc1");
});

Deno.test("calls waiting on two associations share the decode-wide cap: the oldest anywhere is reported unanswered", () => {
  const full: number[] = [];
  const ledger = new CallLedger(4, (n) => full.push(n));
  const one = setup({}, undefined, ledger), two = setup({}, undefined, ledger);
  for (const { send } of [one, two]) {
    send(true, bind(1, [[SVCCTL, 2]]));
    send(false, bindAck(1, 1));
  }
  one.send(true, request(2, 15, OPEN_SCM));
  one.send(true, request(3, 15, OPEN_SCM));
  two.send(true, request(2, 15, OPEN_SCM));
  one.send(false, response(3, new Array(24).fill(0))); // answered: no longer waiting
  assert.equal(ledger.size, 2);
  two.send(true, request(3, 15, OPEN_SCM));
  two.send(true, request(4, 15, OPEN_SCM));
  assert.deepEqual(full, []);
  two.send(true, request(5, 15, OPEN_SCM)); // the fifth waiting: a quarter of 4 goes
  assert.deepEqual(full, [1]);
  const dropped = one.rpc().filter((e) => e.action === "call" && e.outcome === "no_response");
  assert.deepEqual(dropped.map((e) => e.callId), [2]); // association one's call 2, the oldest
  assert.equal(ledger.size, 4);
  // An answer to the dropped call finds no request; the end reports the rest, once each.
  one.send(false, response(2, new Array(24).fill(0)));
  assert.ok(one.anomalies().some((x) => x.code === "dcerpc_response_without_request"));
  one.a.end();
  two.a.end();
  assert.equal(ledger.size, 0);
  const calls = [...one.rpc(), ...two.rpc()].filter((e) => e.action === "call");
  assert.deepEqual(calls.map((e) => `${e.callId}:${e.outcome}`).sort(), [
    "2:no_response",
    "2:no_response",
    "3:no_response",
    "3:response",
    "4:no_response",
    "5:no_response",
  ]);
});

Deno.test("a frag length shorter than the header and a verifier longer than the PDU are anomalies", () => {
  const { a, send, rpc, anomalies } = setup();
  const short = bind(1, [[SVCCTL, 2]]);
  short[8] = 10;
  short[9] = 0;
  send(true, short);
  const lying = pdu(0, 3, [...le(0, 4), 0, 0, 0, 0], { auth: { type: 10, level: 2, value: [1] } });
  lying[10] = 0xff; // auth_length 255 in a 40-byte PDU
  send(true, lying, true);
  a.end();
  assert.ok(anomalies().some((x) => x.code === "dcerpc_not_a_pdu"));
  assert.ok(anomalies().some((x) => /auth_length/.test(x.detail)));
  assert.equal(rpc().filter((e) => e.action === "call").length, 0);
});

Deno.test("a flood of calls never answered is capped: the oldest are reported, one limit anomaly", () => {
  const { a, send, rpc, anomalies } = setup({ maxRpcCalls: 16 });
  for (let i = 0; i < 5000; i++) send(true, request(i + 1, 0, [1, 2, 3, 4]));
  assert.ok(anomalies().filter((x) => x.code === "dcerpc_maxRpcCalls").length === 1);
  a.end();
  const calls = rpc();
  assert.equal(calls.length, 5000);
  assert.ok(calls.every((c) => c.outcome === "no_response"));
});

Deno.test("a fragment flood for one call stops being kept at the stub cap; held bytes return to zero", () => {
  const { a, ctx, send, rpc, anomalies } = setup({ maxRpcStubBytes: 4096 });
  send(true, bind(1, [[SVCCTL, 2]]));
  send(false, bindAck(1, 1));
  send(true, request(2, 15, OPEN_SCM, 1));
  for (let i = 0; i < 2000; i++) send(true, request(2, 15, new Array(1000).fill(0x41), 0));
  assert.ok(ctx.heldStubBytes <= 4096);
  send(true, request(2, 15, [], 2));
  send(false, response(2, new Array(24).fill(0)));
  a.end();
  assert.equal(ctx.heldStubBytes, 0);
  const call = rpc().find((e) => e.action === "call")!;
  assert.equal(call.requestFragments, 2002);
  assert.equal(call.arguments, undefined);
  assert.match(call.argumentsNote!, /maxRpcStubBytes/);
  assert.ok(anomalies().some((x) => x.code === "dcerpc_maxRpcStubBytes"));
});

Deno.test("NDR counts of 2^32 in a decoded operation: an anomaly and a note, no arguments", () => {
  const { a, send, rpc, anomalies } = setup();
  send(true, bind(1, [[SVCCTL, 2]]));
  send(false, bindAck(1, 1));
  const hostile = [...le(0x20000, 4), ...le(0xffffffff, 4), ...le(0, 4), ...le(0xffffffff, 4)];
  send(true, request(2, 15, hostile));
  send(false, response(2, new Array(24).fill(0)));
  a.end();
  const call = rpc().find((e) => e.action === "call")!;
  assert.equal(call.arguments, undefined);
  assert.match(call.argumentsNote!, /malformed/);
  assert.ok(anomalies().some((x) => x.code === "dcerpc_ndr_malformed"));
});

Deno.test("random bodies behind valid headers never throw", () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const { a, send } = setup();
  for (let i = 0; i < 3000; i++) {
    const ptype = Math.floor(rand() * 20);
    const body = Array.from({ length: Math.floor(rand() * 120) }, () => Math.floor(rand() * 256));
    const p = pdu(ptype, Math.floor(rand() * 8), body, {
      flags: Math.floor(rand() * 256),
      ...(rand() < 0.3
        ? { auth: { type: 10, level: Math.floor(rand() * 7), value: body.slice(0, 20) } }
        : {}),
    });
    send(rand() < 0.5, p, rand() < 0.5);
  }
  a.end();
});

Deno.test("without a bind, a call to an address the endpoint mapper named is named by it, unless ambiguous", () => {
  const one = setup();
  one.ctx.endpoints.learn("10.0.0.1", 135, { uuid: SVCCTL, version: "2.0" });
  one.send(true, request(2, 15, OPEN_SCM));
  one.send(false, response(2, new Array(24).fill(0)));
  one.a.end();
  const named = one.rpc()[0]!;
  assert.equal(named.operation, "ROpenSCManagerW");
  assert.equal(named.arguments!.machineName, "dc1");

  const two = setup();
  two.ctx.endpoints.learn("10.0.0.1", 135, { uuid: SVCCTL, version: "2.0" });
  two.ctx.endpoints.learn("10.0.0.1", 135, {
    uuid: "12345778-1234-abcd-ef00-0123456789ac",
    version: "1.0",
  });
  two.send(true, request(2, 15, OPEN_SCM));
  two.a.end();
  assert.equal(two.rpc()[0]!.interface, undefined);
  assert.ok(two.ctx.endpoints.has({ ip: "10.0.0.1", port: 135 }));
});

Deno.test("a call the client cancels or orphans says so", () => {
  const { a, send, rpc } = setup();
  send(true, request(2, 0, [1, 2, 3, 4]));
  send(true, pdu(18, 2, [])); // co_cancel
  send(true, request(3, 0, [1, 2, 3, 4], 1)); // first fragment only
  send(true, pdu(19, 3, [])); // orphaned
  a.end();
  assert.deepEqual(rpc().map((c) => [c.callId, c.cancelled, c.outcome]), [
    [2, "cancel", "no_response"],
    [3, "orphaned", "no_response"],
  ]);
});
