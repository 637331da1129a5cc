/**
 * The event schema rules of the README, asserted on every event of every
 * SMB fixture (and of the public corpus when ../shared is there): events
 * about a connection carry its addresses; one form per kind of value;
 * anonymous is a flag, not a name; anomalies have a stable code; only the
 * documented event types appear.
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../lib/decoder.ts";
import { type DecodeEvent, EVENT_TYPES } from "../lib/events.ts";

const FIXTURES = new URL("../fixtures/smb/", import.meta.url);
const CORPUS = new URL("../../shared/pcaps/public/", import.meta.url);

function decode(bytes: Uint8Array): DecodeEvent[] {
  const d = new Decoder();
  return [...d.push(bytes), ...d.end()];
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const FILE_ID = /^[0-9a-f]{32}$/;
const CODE = /^[a-z0-9]+_[A-Za-z0-9_]+$/;
/** Fields that hold 64-bit offsets or sizes: numbers. */
const NUMERIC_FIELDS = ["offset", "endOfFile", "allocationSize", "length", "dataLength"];

/** Every rule, for one event; returns what is wrong. */
function problems(e: DecodeEvent, connections: Map<number, DecodeEvent>): string[] {
  const out: string[] = [];
  const evidence = e.type === "summary" ? undefined : e.evidence;
  const say = (what: string) => out.push(`${e.type} frames ${evidence?.frames[0]}: ${what}`);
  if (!(EVENT_TYPES as readonly string[]).includes(e.type)) say(`unknown type ${e.type}`);
  const conn = evidence?.connection;
  if (conn !== undefined && e.type !== "connection") {
    const c = connections.get(conn);
    const x = e as { client?: { ip: string; port: number }; server?: { ip: string; port: number } };
    if (x.client === undefined || x.server === undefined) say("no client/server addresses");
    else if (c?.type === "connection") {
      if (x.client.ip !== c.client.ip || x.client.port !== c.client.port) say("client differs");
      if (x.server.ip !== c.server.ip || x.server.port !== c.server.port) say("server differs");
    }
  }
  // Absent, never undefined; null only for FILETIMEs that were zero, and in RPC arguments and
  // results, where it is a null pointer on the wire (a default the client asked for).
  const walk = (v: unknown, path: string, rpcValues = false) => {
    if (v === undefined) say(`${path} is undefined`);
    else if (v === null && !/Time$/.test(path) && !rpcValues) say(`${path} is null`);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, rpcValues));
    else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        walk(x, k, rpcValues || (e.type === "rpc" && (k === "arguments" || k === "results")));
      }
    }
  };
  walk(e, e.type);
  switch (e.type) {
    case "smb": {
      if (e.command !== "ENCRYPTED" && !DECIMAL.test(e.messageId)) {
        say(`messageId ${e.messageId}`);
      }
      if (!DECIMAL.test(e.sessionId)) say(`sessionId ${e.sessionId}`);
      if (e.asyncId !== undefined && !DECIMAL.test(e.asyncId)) say(`asyncId ${e.asyncId}`);
      if (e.user !== undefined && /anonymous/i.test(e.user)) say(`user ${e.user}`);
      // An encrypted message's status and MessageId are inside its ciphertext.
      if (e.response && e.status === undefined && e.command !== "ENCRYPTED") {
        say("response without status");
      }
      const fileId = e.fields.fileId;
      if (e.version === 2 && fileId !== undefined && !FILE_ID.test(String(fileId))) {
        say(`fileId ${fileId}`);
      }
      for (const name of NUMERIC_FIELDS) {
        const v = e.fields[name];
        if (v !== undefined && typeof v !== "number") say(`fields.${name} is ${typeof v}`);
      }
      break;
    }
    case "ntlm":
      if (e.anonymous !== (e.ntlmVersion === "anonymous" || e.user === "")) {
        say("anonymous flag disagrees with the login");
      }
      if (e.sessionId !== undefined && !DECIMAL.test(e.sessionId)) say(`sessionId ${e.sessionId}`);
      break;
    case "tree":
      if (e.user !== undefined && /anonymous/i.test(e.user)) say(`user ${e.user}`);
      break;
    case "anomaly":
      if (!CODE.test(e.code)) say(`code ${e.code}`);
      break;
  }
  return out;
}

function check(name: string, events: DecodeEvent[]): void {
  const connections = new Map<number, DecodeEvent>();
  const found: string[] = [];
  for (const e of events) {
    if (e.type === "connection") connections.set(e.id, e);
    found.push(...problems(e, connections));
  }
  assert.equal(found.length, 0, `${name}:\n${found.slice(0, 12).join("\n")}`);
}

for (const entry of [...Deno.readDirSync(FIXTURES)].filter((e) => e.name.endsWith(".pcap"))) {
  Deno.test(`schema: fixtures/smb/${entry.name}`, () => {
    const events = decode(Deno.readFileSync(new URL(entry.name, FIXTURES)));
    assert.ok(events.some((e) => e.type === "smb"));
    check(entry.name, events);
  });
}

Deno.test("schema: anonymous logins are a flag, with no user name (smb1_guest_139)", () => {
  const events = decode(Deno.readFileSync(new URL("smb1_guest_139.pcap", FIXTURES)));
  const logins = events.filter((e) => e.type === "ntlm");
  assert.ok(logins.length > 0);
  assert.ok(logins.every((e) => e.type === "ntlm" && e.anonymous && e.user === ""));
  const smb = events.filter((e) => e.type === "smb" && e.anonymous === true);
  assert.ok(smb.length > 0, "messages of the null session say so");
  assert.ok(smb.every((e) => e.type === "smb" && e.user === undefined));
});

const corpus = (() => {
  try {
    return [...Deno.readDirSync(CORPUS)].length > 0;
  } catch {
    return false;
  }
})();

Deno.test({
  name: corpus
    ? "schema: every capture of the public corpus"
    : "schema: every capture of the public corpus (skipped: ../shared/pcaps/public not present)",
  ignore: !corpus,
  fn() {
    const walk = function* (dir: URL): Generator<URL> {
      for (const e of Deno.readDirSync(dir)) {
        const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
        if (e.isDirectory && !["oracle", "expected"].includes(e.name)) yield* walk(url);
        else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(e.name)) yield url;
      }
    };
    let n = 0;
    for (const url of walk(CORPUS)) {
      if (url.pathname.endsWith(".gz")) continue;
      check(url.pathname, decode(Deno.readFileSync(url)));
      n++;
    }
    assert.ok(n > 100, `${n} captures`);
  },
});
