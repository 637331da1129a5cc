/**
 * Kerberos logins: the AP-REQ of an SMB SESSION_SETUP becomes a `kerberos`
 * event naming realm, service and ticket encryption (checked against tshark's
 * per-frame oracle), and a ticket issued by a KDC reply seen on port 88 names
 * the login's client principal (the ticket is the same bytes in both).
 */
import * as assert from "node:assert/strict";
import { readApReq, readKdcMessage, readKerberosToken } from "../../lib/auth/kerberos.ts";
import { KerberosTickets } from "../../lib/auth/kerberos_tickets.ts";
import { LoginTracker } from "../../lib/auth/login_tracker.ts";
import { Decoder } from "../../lib/decoder.ts";
import type { DecodeEvent, KerberosEvent } from "../../lib/events.ts";
import { capturesWith, corpus, corpusPresent, readOracle } from "../smb/oracle.ts";
import { blobOf } from "./_blobs.ts";

const SKIP = " (skipped: ../shared/pcaps/public not present)";

Deno.test("kerberos: a login with a ticket the KDC was seen issuing names its client", () => {
  const blob = blobOf("gssapi_kerberos_ap_req"); // zeek/smb_gssapi.pcap frame 7 (tshark: rc4-hmac)
  const ticket = readKerberosToken(
    blob.subarray(blob.indexOf(0x60, 2)), // the mechToken inside the negTokenInit
  )!.ticket;
  const tickets = new KerberosTickets(10, () => {});
  tickets.issued(ticket.id, { principal: "alice", realm: "HOUSING.HKSARG" });
  const out: DecodeEvent[] = [];
  const ends = { client: { ip: "10.0.0.1", port: 1 }, server: { ip: "10.0.0.2", port: 445 } };
  const logins = new LoginTracker(out, "smb1", ends, tickets);
  logins.request("1", blob, { frames: [7], ts: 0 });
  const outcome = logins.response("1", undefined, 0, "STATUS_SUCCESS", undefined, "2049");
  assert.equal(outcome.user, "HOUSING.HKSARG\\alice");
  const e = out[0] as KerberosEvent;
  assert.equal(e.type, "kerberos");
  assert.equal(e.clientPrincipal, "alice");
  assert.equal(e.clientRealm, "HOUSING.HKSARG");
  assert.equal(e.service, "cifs/EDISK03A.housing.hksarg");
  assert.equal(e.success, true);
  assert.equal(e.sessionId, "2049");
  // Without the KDC reply the login still names realm and service, and no user.
  const out2: DecodeEvent[] = [];
  const unknown = new LoginTracker(out2, "smb1", ends, new KerberosTickets(10, () => {}));
  unknown.request("1", blob, { frames: [7], ts: 0 });
  assert.equal(
    unknown.response("1", undefined, 0, "STATUS_SUCCESS", undefined, "1").user,
    undefined,
  );
  assert.equal((out2[0] as KerberosEvent).clientPrincipal, undefined);
});

Deno.test({
  name: "kerberos: the ticket of a real TGS-REP is the ticket its AP-REQ presents " +
    "(401trg psexec_mimikatz_ticket_dump, frames 66 and 70)" + (corpusPresent ? "" : SKIP),
  ignore: !corpusPresent,
  fn() {
    const streams = new Map<string, Uint8Array[]>();
    const decoder = new Decoder({}, {
      observe: (conn) => ({
        data: (fromClient, bytes) => {
          const key = `${conn.id}:${fromClient}`;
          streams.set(key, [...(streams.get(key) ?? []), bytes.slice()]);
        },
        gap: () => {},
        close: () => {},
      }),
    });
    decoder.push(
      Deno.readFileSync(new URL("401trg/20171220_smb_psexec_mimikatz_ticket_dump.pcap", corpus)),
    );
    decoder.end();
    const joined = (key: string) => {
      const parts = streams.get(key) ?? [];
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) all.set(p, (at += p.length) - p.length);
      return all;
    };
    // tshark: tcp.stream 3 is the KDC exchange (TGS-REQ frame 63, TGS-REP frame 66: client RonHD,
    // crealm CONTOSO.LOCAL, ticket HOST/admin-pc); stream 2 presents that ticket (AP-REQ frame 70).
    const kdc = joined("3:false");
    const length = (kdc[0]! << 24 | kdc[1]! << 16 | kdc[2]! << 8 | kdc[3]!) >>> 0;
    const reply = readKdcMessage(kdc.subarray(4, 4 + length))!;
    assert.equal(reply.msgType, 13);
    assert.equal(reply.client, "RonHD");
    assert.equal(reply.clientRealm, "CONTOSO.LOCAL");
    assert.equal(reply.service, "HOST/admin-pc");
    const app = joined("2:true");
    // The AP-REQ starts 8 bytes before its pvno 5 / msg-type 14 fields.
    const marker = [0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x0e];
    const at = app.findIndex((_, i) => marker.every((b, j) => app[i + j] === b));
    assert.ok(at >= 8);
    const apReq = readApReq(app.subarray(at - 8))!;
    assert.equal(apReq.ticket.service, "HOST/admin-pc");
    assert.equal(apReq.ticket.id, reply.ticket!.id);
  },
});

Deno.test({
  name: "kerberos: SMB logins by Kerberos agree with tshark on realm and service" +
    (corpusPresent ? "" : SKIP),
  ignore: !corpusPresent,
  fn() {
    let compared = 0;
    for (const capture of capturesWith("kerberos.msg_type")) {
      const expected: string[] = [];
      for (const [frame, row] of readOracle(capture)) {
        const isSetup = row.get("smb2.cmd")?.[0] === "1" || row.get("smb.cmd")?.[0] === "0x73";
        if (!isSetup || row.get("kerberos.msg_type")?.[0] !== "14") continue;
        const realm = row.get("kerberos.realm")?.[0];
        const service = row.get("kerberos.SNameString")?.join("/").replaceAll(",", "/");
        expected.push(`${frame} ${realm} ${service}`);
      }
      if (expected.length === 0) continue;
      const d = new Decoder();
      const events = [...d.push(Deno.readFileSync(new URL(capture, corpus))), ...d.end()];
      const ours = events.filter((e): e is KerberosEvent =>
        e.type === "kerberos" && e.protocol !== "dcerpc"
      )
        .map((e) => `${e.evidence.frames.at(-1)} ${e.realm} ${e.service}`);
      assert.deepEqual(ours, expected, capture);
      compared += expected.length;
    }
    assert.ok(compared >= 10, `${compared} logins compared`);
  },
});

Deno.test("kerberos: readers never throw on a real token cut at every length or corrupted", () => {
  const blob = blobOf("gssapi_kerberos_ap_req");
  const token = blob.subarray(blob.indexOf(0x60, 2));
  for (let n = 0; n <= token.length; n++) {
    readKerberosToken(token.subarray(0, n));
    readKdcMessage(token.subarray(0, n));
  }
  let seed = 3;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let round = 0; round < 500; round++) {
    const bytes = token.slice();
    for (let i = 0; i < 1 + rand() * 20; i++) {
      bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
    }
    readKerberosToken(bytes);
    readKdcMessage(bytes.subarray(17));
  }
});

Deno.test("logins: more than 64 awaiting their answer on one connection are a limit, reported without outcome", () => {
  const out: DecodeEvent[] = [];
  const limits: string[] = [];
  const ends = { client: { ip: "10.0.0.1", port: 1 }, server: { ip: "10.0.0.2", port: 445 } };
  const logins = new LoginTracker(out, "smb2", ends, undefined, (d) => limits.push(d));
  const blob = blobOf("smb2_10_ntlm_authenticate");
  for (let i = 0; i < 200; i++) logins.request(String(i), blob, { frames: [i + 1], ts: 0 });
  assert.equal(limits.length, 3); // at the 65th, 129th and 193rd attempt
  assert.equal(out.length, 192);
  assert.ok(out.every((e) => e.type === "ntlm" && e.success === undefined && e.user === "alice"));
  logins.close();
  assert.equal(out.length, 200);
});
