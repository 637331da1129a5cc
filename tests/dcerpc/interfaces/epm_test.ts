import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import type { RpcArguments } from "../../../lib/dcerpc/interfaces/types.ts";
import { decodeTower, epm } from "../../../lib/dcerpc/interfaces/epm.ts";
import stubs from "./impacket_stubs.json" with { type: "json" };
import corpus from "./epm_corpus_stubs.json" with { type: "json" };
import { bytes, decode, hostile } from "./_support.ts";

// Stubs: impacket_stubs.json (make_stubs.py, impacket 0.10.0; towers built as
// impacket's hept_map builds them) and, quoted below with capture and frame,
// real calls from the public corpus (`tshark --disable-protocol epm -T fields
// -e dcerpc.stub_data`); rpcdump's 45 KB answer is in epm_corpus_stubs.json.
const made: Record<string, string> = stubs.epm;
const NDR = "8a885d04-1ceb-11c9-9fe8-08002b104860";
const SVCCTL = "367abb81-9844-35f1-ad32-98f038001003";

const SCAN_LOOKUP_F3 =
  "00000000000000000000000000000000000000000000000000000000000000000000000001000000";
const SCAN_LOOKUP_F4 =
  "000000002d6482bbbdd58e498a326b0859c414d001000000010000000000000001000000ba945276" +
  "bc60b84892e989fd77769d91010000000000000001000000000000004b0000004b00000005001300" +
  "0d70fe5ad9d5a65942822e2c84da1ddb0d01000200000013000d045d888aeb1cc9119fe808002b10" +
  "486002000200000001000b020000000100070200c20001000904000a0002120000000000";
const SCAN_LOOKUP_F6 =
  "000000002d6482bbbdd58e498a326b0859c414d00100000001000000000000000100000000000000" +
  "00000000000000000000000001000000000000001e000000434c49505356432044656661756c7420" +
  "52504320496e746572666163650000006300000063000000040013000d45d0d16475f60b468a9457" +
  "0246b36dab01000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000c02" +
  "0000000100102300436c6970536572766963655472616e73706f7274456e64706f696e742d303030" +
  "3031000000000000";
const RPCDUMP_LOOKUP_F3 =
  "000000000000000000000000010000000000000000000000000000000000000000000000f3010000";
const SMBEXEC_MAP_F3 =
  "01000000000000000000000000000000000000000000000002000000000000004b00000000000000" +
  "4b000000050013000d81bb7a364498f135ad3298f03800100302000200000013000d045d888aeb1c" +
  "c9119fe808002b10486002000200000001000b02000000010007020000870100090400ac10422400" +
  "000000000000000000000000000000000000000004000000";
const SMBEXEC_MAP_F4 =
  "00000000000000000000000000000000000000000100000004000000000000000000000000000000" +
  "010000000000000003000000000000004b000000000000004b000000050013000d81bb7a364498f1" +
  "35ad3298f03800100302000200000013000d045d888aeb1cc9119fe808002b104860020002000000" +
  "01000b020000000100070200c2130100090400ac1042240000000000";
const PSEXEC_MAP_F55 =
  "0100000000000000000000000000000000000000020000004b0000004b000000050013000d81bb7a" +
  "364498f135ad3298f03800100302000200000013000d045d888aeb1cc9119fe808002b1048600200" +
  "0200000001000b020000000100070200008701000904000000000000000000000000000000000000" +
  "000000000000000004000000";
const PSEXEC_MAP_F56 =
  "00000000000000000000000000000000000000000100000004000000000000000100000003000000" +
  "4b0000004b000000050013000d81bb7a364498f135ad3298f03800100302000200000013000d045d" +
  "888aeb1cc9119fe808002b10486002000200000001000b020000000100070200c00b0100090400c0" +
  "a80a0a0000000000";
const MAPI_MAP_F704 =
  "0100000000000000000000000000000000000000020000004b0000004b000000050013000d00dbf1" +
  "a447ca6710b31f00dd010662da00000200510013000d045d888aeb1cc9119fe808002b1048600200" +
  "0200000001000b020000000100070200008701000904000000000000000000000000000000000000" +
  "000000000000000004000000";
const MAPI_MAP_F705 =
  "00000000000000000000000000000000000000000100000004000000000000000100000003000000" +
  "4b0000004b000000050013000d00dbf1a447ca6710b31f00dd010662da00000200510013000d045d" +
  "888aeb1cc9119fe808002b10486002000200000001000b02000000010007020004080100090400c0" +
  "a800020800000000";

Deno.test("epm decodeTower: ncacn_http (impacket's tower), and a floor past the end", () => {
  assert.deepEqual(decodeTower(bytes(made["tower.ncacn_http"]!)), {
    interface: "f5cc5a18-4264-101a-8c59-08002b2f8426",
    version: "56.0",
    transferSyntax: NDR,
    transferSyntaxVersion: "2.0",
    protocol: "ncacn_http",
    port: 6001,
    host: "10.1.2.3",
  });
  const t = bytes(made["tower.ncacn_http"]!);
  for (let n = 0; n < t.length - 4; n++) {
    assert.throws(() => decodeTower(t.subarray(0, n)), NdrError, `cut at ${n}`);
  }
});

Deno.test("epm ept_map (impacket, NDR 2.0 and NDR64): the tower asked for, the towers answered", () => {
  for (const sfx of ["", ".ndr64"]) {
    const ndr64 = sfx !== "";
    assert.deepEqual(decode(epm, 3, "request", made["ept_map.request" + sfx]!, ndr64), {
      object: null,
      mapTower: {
        interface: SVCCTL,
        version: "2.0",
        transferSyntax: NDR,
        transferSyntaxVersion: "2.0",
        protocol: "ncacn_ip_tcp",
        port: 0,
        host: "0.0.0.0",
      },
      handle: "0".repeat(40),
      maxTowers: 4,
    });
    assert.deepEqual(decode(epm, 3, "response", made["ept_map.response" + sfx]!, ndr64), {
      handle: "0".repeat(40),
      count: 2,
      towers: [
        {
          interface: SVCCTL,
          version: "2.0",
          transferSyntax: NDR,
          transferSyntaxVersion: "2.0",
          protocol: "ncacn_ip_tcp",
          port: 49668,
          host: "10.0.0.5",
        },
        {
          interface: SVCCTL,
          version: "2.0",
          transferSyntax: NDR,
          transferSyntaxVersion: "2.0",
          protocol: "ncacn_np",
          pipe: "\\PIPE\\svcctl",
          host: "\\\\DC01",
        },
      ],
      returnValue: 0,
    });
  }
});

Deno.test("epm ept_lookup (impacket, NDR 2.0 and NDR64): by interface; entries with towers and annotations", () => {
  assert.deepEqual(decode(epm, 2, "request", made["ept_lookup.request"]!), {
    inquiryType: "RPC_C_EP_MATCH_BY_IF",
    object: null,
    ifId: { uuid: "12345778-1234-abcd-ef00-0123456789ac", version: "1.0" },
    versOption: "RPC_C_VERS_ALL",
    handle: "0".repeat(40),
    maxEnts: 500,
  });
  for (const sfx of ["", ".ndr64"]) {
    assert.deepEqual(decode(epm, 2, "response", made["ept_lookup.response" + sfx]!, sfx !== ""), {
      handle: "000000002d6482bbbdd58e498a326b0859c414d0",
      count: 2,
      entries: [
        {
          object: "00000000-0000-0000-0000-000000000000",
          tower: {
            interface: "12345778-1234-abcd-ef00-0123456789ac",
            version: "1.0",
            transferSyntax: NDR,
            transferSyntaxVersion: "2.0",
            protocol: "ncacn_ip_tcp",
            port: 49667,
            host: "10.0.0.5",
          },
          annotation: "SAM access",
        },
        {
          object: "00000000-0000-0000-0000-000000000000",
          tower: {
            interface: "12345778-1234-abcd-ef00-0123456789ab",
            version: "0.0",
            transferSyntax: NDR,
            transferSyntaxVersion: "2.0",
            protocol: "ncacn_np",
            pipe: "\\pipe\\lsass",
            host: "\\\\DC01",
          },
          annotation: "",
        },
      ],
      returnValue: 0,
    });
  }
});

// tshark -V, frame 4: Object 765294ba-…, Floor 1 d95afe70-a6d5-4259-822e-2c84da1ddb0d
// Version 1.0, Floor 4 "TCP Port:49664", Floor 5 "IP:10.0.2.18", Annotation "";
// frame 6: "Service:CLIPSVC Default RPC Interface", Floor 4 (0x10) the LRPC endpoint.
Deno.test("epm: a lookup scan in pcap-attack/discovery_scan_dcerpc_endpoint_mapper.pcapng", () => {
  assert.deepEqual(decode(epm, 2, "request", SCAN_LOOKUP_F3), {
    inquiryType: "RPC_C_EP_ALL_ELTS",
    object: null,
    ifId: null,
    versOption: 0,
    handle: "0".repeat(40),
    maxEnts: 1,
  });
  assert.deepEqual(decode(epm, 2, "response", SCAN_LOOKUP_F4), {
    handle: "000000002d6482bbbdd58e498a326b0859c414d0",
    count: 1,
    entries: [{
      object: "765294ba-60bc-48b8-92e9-89fd77769d91",
      tower: {
        interface: "d95afe70-a6d5-4259-822e-2c84da1ddb0d",
        version: "1.0",
        transferSyntax: NDR,
        transferSyntaxVersion: "2.0",
        protocol: "ncacn_ip_tcp",
        port: 49664,
        host: "10.0.2.18",
      },
      annotation: "",
    }],
    returnValue: 0,
  });
  const clip = decode(epm, 2, "response", SCAN_LOOKUP_F6).entries as RpcArguments[];
  assert.equal(clip[0]!.annotation, "CLIPSVC Default RPC Interface");
  assert.deepEqual(clip[0]!.tower, {
    interface: "64d1d045-f675-460b-8a94-570246b36dab",
    version: "1.0",
    transferSyntax: NDR,
    transferSyntaxVersion: "2.0",
    protocol: "ncalrpc",
    pipe: "ClipServiceTransportEndpoint-00001",
  });
});

// tshark -V, frame 11 (reassembled): "Num entries: 346", Max Count 499; the
// first entries: TCP Port 49664 / IP 10.0.2.16, PIPE:WindowsShutdown,
// NamedPipe:\PIPE\InitShutdown with NetBIOS:\\MSEDGEWIN10; return code 0.
Deno.test("epm: impacket rpcdump's full lookup in pcap-attack/Discovery_impacket_rpcdump.pcapng", () => {
  assert.deepEqual(decode(epm, 2, "request", RPCDUMP_LOOKUP_F3), {
    inquiryType: "RPC_C_EP_ALL_ELTS",
    object: null,
    ifId: null,
    versOption: "RPC_C_VERS_ALL",
    handle: "0".repeat(40),
    maxEnts: 499,
  });
  const all = decode(epm, 2, "response", corpus.rpcdumpLookupResponseF11);
  assert.equal(all.count, 346);
  assert.equal(all.returnValue, 0);
  const entries = all.entries as {
    tower: { protocol: string; pipe?: string; port?: number; host?: string };
  }[];
  assert.equal(entries.length, 256); // MAX_KEPT_ITEMS; the rest read past
  assert.deepEqual(
    entries.slice(0, 3).map((e) => [e.tower.protocol, e.tower.port ?? e.tower.pipe, e.tower.host]),
    [
      ["ncacn_ip_tcp", 49664, "10.0.2.16"],
      ["ncalrpc", "WindowsShutdown", undefined],
      ["ncacn_np", "\\PIPE\\InitShutdown", "\\\\MSEDGEWIN10"],
    ],
  );
});

// tshark -V: LM_smbexec frames 3/4 (NDR64): Floor 1 SVCCTL 2.0, asked for TCP
// 135 at 172.16.66.36; answered "Num Towers: 1", TCP Port 49683, IP 172.16.66.36.
// 401trg psexec frames 55/56: TCP Port 135 IP 0.0.0.0, "Max Towers: 4"; answered
// TCP Port 49163 IP 192.168.10.10. zeek/mapi.pcap 705: MAPI, TCP Port 1032, IP 192.168.0.2.
Deno.test("epm: ept_map calls in LM_smbexec (NDR64), 401trg psexec and zeek/mapi.pcap", () => {
  const tcp = (iface: string, version: string, port: number, host: string) => ({
    interface: iface,
    version,
    transferSyntax: NDR,
    transferSyntaxVersion: "2.0",
    protocol: "ncacn_ip_tcp",
    port,
    host,
  });
  assert.deepEqual(decode(epm, 3, "request", SMBEXEC_MAP_F3, true), {
    object: "00000000-0000-0000-0000-000000000000",
    mapTower: tcp(SVCCTL, "2.0", 135, "172.16.66.36"),
    handle: "0".repeat(40),
    maxTowers: 4,
  });
  assert.deepEqual(decode(epm, 3, "response", SMBEXEC_MAP_F4, true), {
    handle: "0".repeat(40),
    count: 1,
    towers: [tcp(SVCCTL, "2.0", 49683, "172.16.66.36")],
    returnValue: 0,
  });
  assert.deepEqual(
    decode(epm, 3, "request", PSEXEC_MAP_F55).mapTower,
    tcp(SVCCTL, "2.0", 135, "0.0.0.0"),
  );
  assert.deepEqual(decode(epm, 3, "response", PSEXEC_MAP_F56).towers, [
    tcp(SVCCTL, "2.0", 49163, "192.168.10.10"),
  ]);
  const mapi = "a4f1db00-ca47-1067-b31f-00dd010662da";
  assert.deepEqual(
    decode(epm, 3, "request", MAPI_MAP_F704).mapTower,
    tcp(mapi, "0.81", 135, "0.0.0.0"),
  );
  assert.deepEqual(decode(epm, 3, "response", MAPI_MAP_F705).towers, [
    tcp(mapi, "0.81", 1032, "192.168.0.2"),
  ]);
});

Deno.test("epm: truncated stubs and 0xFFFFFFFF counts give NdrError only", () => {
  const cases: [number, "request" | "response", string, boolean][] = [
    [2, "request", made["ept_lookup.request"]!, false],
    [2, "response", made["ept_lookup.response"]!, false],
    [3, "request", made["ept_map.request"]!, false],
    [3, "response", made["ept_map.response"]!, false],
    [3, "response", SMBEXEC_MAP_F4, true],
    [2, "response", SCAN_LOOKUP_F6, false],
  ];
  for (const [op, dir, hex, ndr64] of cases) hostile(epm, op, dir, { hex, ndr64 });
  const huge = bytes(made["ept_map.response"]!);
  huge.set([0xff, 0xff, 0xff, 0xff], 32); // the tower array's actual count
  assert.throws(() => epm.ops[3]!.response!(new NdrReader(huge)), NdrError);
});
