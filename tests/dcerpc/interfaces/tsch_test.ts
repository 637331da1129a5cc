import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { MAX_XML_CHARS, tsch } from "../../../lib/dcerpc/interfaces/tsch.ts";
import stubs from "./impacket_stubs.json" with { type: "json" };
import { bytes, decode, hostile } from "./_support.ts";

// Stubs: impacket_stubs.json (make_stubs.py, impacket 0.10.0). The public
// corpus has no ITaskSchedulerService call.
const made: Record<string, string> = stubs.tsch;

const ATEXEC_XML = `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <Principals><Principal id="LocalSystem"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal></Principals>
  <Actions Context="LocalSystem"><Exec><Command>cmd.exe</Command><Arguments>/C whoami &gt; %windir%\\Temp\\xKqQ.tmp 2&gt;&amp;1</Arguments></Exec></Actions>
</Task>`;

Deno.test("tsch SchRpcRegisterTask (impacket, NDR 2.0 and NDR64): atexec's task XML", () => {
  for (const sfx of ["", ".ndr64"]) {
    const ndr64 = sfx !== "";
    assert.deepEqual(decode(tsch, 1, "request", made["SchRpcRegisterTask.request" + sfx]!, ndr64), {
      path: "\\xKqQ",
      xml: ATEXEC_XML,
      xmlLength: ATEXEC_XML.length,
      xmlTruncated: false,
      flags: 2, // TASK_CREATE
      sddl: null,
      logonType: "TASK_LOGON_NONE",
      credsCount: 0,
      creds: null,
    });
    assert.deepEqual(
      decode(tsch, 1, "response", made["SchRpcRegisterTask.response" + sfx]!, ndr64),
      {
        actualPath: "\\xKqQ",
        errorInfo: null,
        returnValue: 0,
      },
    );
  }
});

Deno.test("tsch SchRpcRegisterTask with a credential: the user, never the password", () => {
  for (const sfx of ["", ".ndr64"]) {
    const ndr64 = sfx !== "";
    const got = decode(tsch, 1, "request", made["SchRpcRegisterTask.request.creds" + sfx]!, ndr64);
    assert.deepEqual(got, {
      path: "\\Microsoft\\Windows\\Backup\\Nightly",
      xml: "<Task/>",
      xmlLength: 7,
      xmlTruncated: false,
      flags: 6, // TASK_CREATE | TASK_UPDATE
      sddl: "D:(A;;FA;;;BA)",
      logonType: "TASK_LOGON_PASSWORD",
      credsCount: 1,
      creds: [{ userId: "CORP\\svc_task", passwordPresent: true, flags: 1 }],
    });
    assert.ok(!JSON.stringify(got).includes("Summer2024"));
  }
  assert.deepEqual(decode(tsch, 1, "response", made["SchRpcRegisterTask.response.error"]!), {
    actualPath: null,
    errorInfo: { line: 3, column: 17, node: "Principal", value: "bogus" },
    returnValue: 0x80041318,
  });
});

Deno.test("tsch SchRpcRetrieveTask, SchRpcEnumFolders, SchRpcEnumTasks (impacket)", () => {
  assert.deepEqual(decode(tsch, 2, "request", made["SchRpcRetrieveTask.request"]!), {
    path: "\\xKqQ",
    languagesBuffer: "",
    numLanguages: 0,
  });
  assert.deepEqual(decode(tsch, 2, "response", made["SchRpcRetrieveTask.response"]!), {
    xml: "<Task/>",
    xmlLength: 7,
    xmlTruncated: false,
    returnValue: 0,
  });
  for (const [op, name] of [[6, "SchRpcEnumFolders"], [7, "SchRpcEnumTasks"]] as const) {
    assert.deepEqual(decode(tsch, op, "request", made[name + ".request"]!), {
      path: "\\",
      flags: 1,
      startIndex: 0,
      requested: 100,
    });
  }
  assert.deepEqual(decode(tsch, 6, "response", made["SchRpcEnumFolders.response"]!), {
    startIndex: 2,
    count: 2,
    names: ["Microsoft", "Updater"],
    returnValue: 0,
  });
  assert.deepEqual(decode(tsch, 7, "response", made["SchRpcEnumTasks.response"]!), {
    startIndex: 2,
    count: 2,
    names: ["xKqQ", "GoogleUpdateTaskMachineUA"],
    returnValue: 0,
  });
});

Deno.test("tsch SchRpcRun, SchRpcDelete, SchRpcGetTaskInfo (impacket)", () => {
  assert.deepEqual(decode(tsch, 12, "request", made["SchRpcRun.request"]!), {
    path: "\\xKqQ",
    argsCount: 0,
    args: null,
    flags: 0,
    sessionId: 0,
    user: null,
  });
  assert.deepEqual(decode(tsch, 12, "request", made["SchRpcRun.request.args"]!), {
    path: "\\Updater",
    argsCount: 2,
    args: ["-silent", "C:\\Users\\Public\\a.ps1"],
    flags: 2,
    sessionId: 1,
    user: "CORP\\alice",
  });
  assert.deepEqual(decode(tsch, 12, "response", made["SchRpcRun.response"]!), {
    guid: "0f6d8c2e-3a1b-4c5d-9e7f-1234567890ab",
    returnValue: 0,
  });
  assert.deepEqual(decode(tsch, 13, "request", made["SchRpcDelete.request"]!), {
    path: "\\xKqQ",
    flags: 0,
  });
  assert.deepEqual(decode(tsch, 13, "response", made["SchRpcDelete.response"]!), {
    returnValue: 0x80070002,
  });
  assert.deepEqual(decode(tsch, 17, "request", made["SchRpcGetTaskInfo.request"]!), {
    path: "\\xKqQ",
    flags: 0,
  });
  assert.deepEqual(decode(tsch, 17, "response", made["SchRpcGetTaskInfo.response"]!), {
    enabled: 1,
    state: "TASK_STATE_RUNNING",
    returnValue: 0,
  });
});

Deno.test("tsch: a task XML longer than MAX_XML_CHARS is kept cut and read past", () => {
  const chars = MAX_XML_CHARS + 10;
  const stub = new Uint8Array(4 + 12 + 2 * chars + 2 + 4 * 5 + 4);
  const v = new DataView(stub.buffer);
  let at = 0;
  v.setUint32(at, 0, true); // path: null
  at += 4;
  for (const n of [chars, 0, chars]) v.setUint32((at += 4) - 4, n, true);
  for (let i = 0; i < chars; i++) stub[at + 2 * i] = 0x41; // "AAAA…"
  at += 2 * chars;
  at = (at + 3) & ~3; // pad to 4
  for (const n of [2, 0, 0, 0, 0]) v.setUint32((at += 4) - 4, n, true); // flags, sddl, logon, cCreds, pCreds
  const got = tsch.ops[1]!.request!(new NdrReader(stub.subarray(0, at)));
  assert.equal((got.xml as string).length, MAX_XML_CHARS);
  assert.equal(got.xmlLength, chars);
  assert.equal(got.xmlTruncated, true);
  assert.equal(got.flags, 2);
});

Deno.test("tsch: truncated stubs and 0xFFFFFFFF counts give NdrError only", () => {
  const cases: [number, "request" | "response", string, boolean][] = [
    [1, "request", made["SchRpcRegisterTask.request.creds"]!, false],
    [1, "request", made["SchRpcRegisterTask.request.creds.ndr64"]!, true],
    [1, "response", made["SchRpcRegisterTask.response.error"]!, false],
    [7, "response", made["SchRpcEnumTasks.response"]!, false],
    [12, "request", made["SchRpcRun.request.args"]!, false],
  ];
  for (const [op, dir, hex, ndr64] of cases) hostile(tsch, op, dir, { hex, ndr64 });
  const huge = bytes(made["SchRpcEnumTasks.response"]!);
  huge.set([0xff, 0xff, 0xff, 0xff], 12); // the name array's conformance
  assert.throws(() => tsch.ops[7]!.response!(new NdrReader(huge)), NdrError);
});
