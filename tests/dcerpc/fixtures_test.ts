/**
 * The DCE/RPC fixtures (fixtures/dcerpc/, made by make.sh from real traffic
 * between Samba and impacket or rpcclient): every call and bind the driving
 * script recorded is decoded with the same operation, call id, pipe or port
 * and outcome, and every argument we decode that the script sent has the
 * value it sent.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type RpcEvent } from "../../mod.ts";

const dir = new URL("../../fixtures/dcerpc/", import.meta.url);

interface ExpectedCall {
  pipe?: string;
  tcpPort?: number;
  uuid: string;
  opnum: number;
  operation: string;
  callId: number;
  result: string;
  request?: Record<string, unknown>;
}
interface ExpectedBind {
  pipe?: string;
  tcpPort?: number;
  uuid: string;
  version: string;
  callId: number;
  result: string;
  authType?: string;
  authLevel?: string;
  ntlm?: { auth3?: { user: string; domain: string } };
}
interface Expected {
  transport: string;
  binds: (ExpectedBind & { clientPort?: number })[];
  calls: ExpectedCall[];
}

function decode(name: string): DecodeEvent[] {
  const d = new Decoder();
  return [...d.push(Deno.readFileSync(new URL(name, dir))), ...d.end()];
}

/** impacket's names for fault statuses that [C706] / [MS-ERREF] spell otherwise. */
const FAULT_ALIASES: Record<string, string> = {
  rpc_s_access_denied: "ERROR_ACCESS_DENIED",
};

/** The script's names for return values that [C706] spells otherwise. */
const STATUS_ALIASES: Record<string, string> = {
  EPT_S_NOT_REGISTERED: "ept_s_not_registered",
};

/** What the script's result says about an event. */
function sameResult(expected: string, e: RpcEvent): boolean {
  if (expected === "ok") return e.outcome === "response" && e.success !== false;
  const [kind, name] = expected.split(":") as [string, string];
  if (kind === "fault") {
    return e.outcome === "fault" && e.statusName === (FAULT_ALIASES[name] ?? name);
  }
  if (kind === "status") {
    return e.outcome === "response" &&
      (e.statusName === undefined || e.statusName === (STATUS_ALIASES[name] ?? name));
  }
  return false;
}

/** Parameters our decoders name by their role where the IDL's name would collide with a field. */
const RENAMED: Record<string, Record<string, string>> = {
  // pName is the server here and the driver's name inside DRIVER_INFO.
  RpcAddPrinterDriverEx: { pName: "serverName" },
  // The script records the raw bytes and their text; we decode REG_SZ data to text.
  BaseRegSetValue: { lpData: "(raw bytes)", lpDataString: "data" },
  // impacket's request object says "F", but the wire holds 0 (tshark: "System Name: 0").
  SamrConnect: { ServerName: "(not what was sent)" },
  // rpcclient's log names the mapped count `count` (Samba's IDL); ours is the names' count.
  LsarLookupNames: { count: "mappedCount" },
};

/** An IDL parameter name as our arguments spell it: Hungarian prefix dropped, lower camel case. */
function ourKey(idl: string, operation: string): string {
  const renamed = RENAMED[operation]?.[idl];
  if (renamed !== undefined) return renamed;
  const m = /^(?:lpsz|psz|lpw|lp|dw|sz|pp|p|h|b|ul|us|w|c)(?=[A-Z])(.*)$/.exec(idl);
  const rest = m ? m[1]! : idl;
  return rest.charAt(0).toLowerCase() + rest.slice(1);
}

const pipeOf = (p: string | undefined) => p?.replace(/^[\\/]+/, "").replace(/^pipe[\\/]+/i, "");

for (
  const name of ["rpc_smb2", "rpc_smb1", "rpc_tcp", "rpc_rpcclient", "rpc_auth", "rpc_netlogon"]
) {
  const expected: Expected = JSON.parse(
    Deno.readTextFileSync(new URL(`${name}.expected.json`, dir)),
  );
  Deno.test(`${name}: calls, binds, outcomes and arguments agree with the script that made it`, () => {
    const events = decode(`${name}.pcap`);
    const rpc = events.filter((e): e is RpcEvent => e.type === "rpc");
    const calls = rpc.filter((e) => e.action === "call")
      .sort((a, b) => (a.request?.frames[0] ?? 0) - (b.request?.frames[0] ?? 0));
    const binds = rpc.filter((e) => e.action !== "call")
      .sort((a, b) => (a.request?.frames[0] ?? 0) - (b.request?.frames[0] ?? 0));
    assert.equal(calls.length, expected.calls.length, "calls");
    let compared = 0;
    expected.calls.forEach((x, i) => {
      const e = calls[i]!;
      const at = `${name} call ${i} (${x.operation})`;
      assert.equal(e.interface, x.uuid, at);
      assert.equal(e.opnum, x.opnum, at);
      assert.equal(e.operation, x.operation, at);
      assert.equal(e.callId, x.callId, at);
      if (x.pipe !== undefined) assert.equal(e.pipe, pipeOf(x.pipe), at);
      if (x.tcpPort !== undefined) assert.equal(e.server.port, x.tcpPort, at);
      assert.ok(sameResult(x.result, e), `${at}: ${x.result} vs ${e.outcome} ${e.statusName}`);
      if (x.operation === "ept_map" && e.results !== undefined) {
        // The script records impacket's field names (snake case): compare the towers' endpoints.
        const theirs =
          (x as { response?: { towers?: { uuid: string; tcp_port: number; ip: string }[] } })
            .response?.towers ?? [];
        const ours = e.results.towers as { interface: string; port: number; host: string }[];
        assert.deepEqual(
          ours.map((t) => [t.interface, t.port, t.host]),
          theirs.map((t) => [t.uuid, t.tcp_port, t.ip]),
          at,
        );
        compared += theirs.length;
      }
      if (e.arguments === undefined || x.request === undefined) return;
      for (const [k, v] of Object.entries(x.request)) {
        if (typeof v !== "string" && typeof v !== "number") continue;
        const ours: unknown = e.arguments[ourKey(k, x.operation)];
        if (ours === undefined || typeof ours !== typeof v) continue;
        // Handles are printed by the script with their attributes first, as we do.
        assert.equal(ours, v, `${at}: argument ${k}`);
        compared++;
      }
    });
    if (calls.some((c) => c.arguments !== undefined)) {
      assert.ok(compared > 0, `${name}: no argument compared`);
    }
    console.log(`${name}: ${calls.length} calls, ${compared} argument values compared`);
    const acked = expected.binds.filter((b) => b.result === "accepted");
    for (const b of expected.binds) {
      // A pipe that would not open carried no bind.
      if (b.result.startsWith("pipe_open_failed")) continue;
      const e = binds.find((x) =>
        x.callId === b.callId && x.contexts?.some((c) => c.interface === b.uuid) &&
        (b.pipe === undefined || x.pipe === pipeOf(b.pipe)) &&
        (b.tcpPort === undefined || x.server.port === b.tcpPort) &&
        (b.clientPort === undefined || x.client.port === b.clientPort)
      );
      assert.ok(e, `${name}: bind of ${b.uuid} call ${b.callId}`);
      const ctx = e!.contexts!.find((c) => c.interface === b.uuid)!;
      assert.equal(ctx.interfaceVersion, b.version);
      if (b.result === "accepted") assert.equal(ctx.result, "acceptance");
      else assert.equal(`${ctx.result}:${ctx.reason}`, b.result);
      if (b.authLevel !== undefined) assert.equal(e!.authLevel, b.authLevel);
      if (b.authType !== undefined) assert.equal(e!.authType, b.authType);
    }
    assert.ok(acked.length > 0);
    // RPC-level NTLM logins: one ntlm event (protocol dcerpc) per AUTH3 the script sent.
    const auths = expected.binds.filter((b) => b.ntlm?.auth3 !== undefined);
    const ntlm = events.filter((e) => e.type === "ntlm" && e.protocol === "dcerpc");
    assert.equal(ntlm.length, auths.length, `${name}: RPC NTLM logins`);
    for (const n of ntlm) {
      if (n.type !== "ntlm") continue;
      assert.equal(n.user, auths[0]!.ntlm!.auth3!.user);
      assert.equal(n.domain, auths[0]!.ntlm!.auth3!.domain);
    }
  });
}

Deno.test("rpc_auth: stubs at the privacy level are reported encrypted, with no arguments", () => {
  const calls = decode("rpc_auth.pcap").filter((e): e is RpcEvent =>
    e.type === "rpc" && e.action === "call" && e.authLevel === "privacy"
  );
  assert.ok(calls.length > 0);
  for (const c of calls) {
    assert.equal(c.encrypted, true);
    assert.equal(c.arguments, undefined);
    assert.match(c.argumentsNote ?? "", /encrypted/);
  }
});
