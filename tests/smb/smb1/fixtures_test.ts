/**
 * The SMB1 parser on the project's own captures (fixtures/smb, real Samba
 * 4.17 sessions from smbclient and impacket, see fixtures/README.md),
 * checked against tshark and against what the script that made them did.
 *
 * The tshark literals below came from, for each capture NAME:
 *
 *     tshark -n -r fixtures/smb/NAME.pcap -Y smb -T fields -E header=y \
 *       -E separator=/t -E occurrence=a -E aggregator=, -e frame.number -e smb.cmd -e smb.mid -e smb.fid -e smb.file -e smb.path -e smb.service -e smb.native_os -e smb.native_lanman -e smb.primary_domain -e smb.dialect.name -e smb.dialect.index -e smb.trans2.cmd -e smb.search_pattern -e smb.search_count -e smb.end_of_search -e smb.create.disposition -e smb.create.action -e smb.end_of_file -e smb.data_len_low -e smb.offset -e smb.security_blob_len -e smb.setup.action.guest -e smb.native_fs \
 *       -e smb.dir_name -e smb.qpi_loi -e smb.qfsi_loi -e smb.ff2_loi
 *
 * (TShark 4.0.17), and for impacket_smb2.pcap with the columns of its header.
 */
import * as assert from "node:assert/strict";
import { parseAll, readFixture, smb1Messages } from "./_capture.ts";
import { assertMatchesTshark } from "./_tshark.ts";

const TSHARK_SMB1_SESSION = String.raw`
frame.number	smb.cmd	smb.mid	smb.fid	smb.file	smb.path	smb.service	smb.native_os	smb.native_lanman	smb.primary_domain	smb.dialect.name	smb.dialect.index	smb.trans2.cmd	smb.search_pattern	smb.search_count	smb.end_of_search	smb.create.disposition	smb.create.action	smb.end_of_file	smb.data_len_low	smb.offset	smb.security_blob_len	smb.setup.action.guest	smb.native_fs	smb.dir_name	smb.qpi_loi	smb.qfsi_loi	smb.ff2_loi
4	0x72	0								NT LANMAN 1.0,NT LM 0.12																	
6	0x72	0									0																
8	0x73,0xff	1					Unix	Samba													74						
9	0x73,0xff	1					Windows 6.1	Samba 4.17.12-Debian	WORKGROUP												183	0					
10	0x73,0xff	2					Unix	Samba													450						
11	0x73,0xff	2					Windows 6.1	Samba 4.17.12-Debian	WORKGROUP												29	0					
12	0x75,0xff	3			\\10.77.0.1\IPC$	IPC																					
13	0x75,0xff	3			\\10.77.0.1\IPC$	IPC																					
14	0x32	4		\10.77.0.1\data	\\10.77.0.1\IPC$							0x0010															
15	0x32	4			\\10.77.0.1\IPC$							0x0010															
16	0x71	5			\\10.77.0.1\IPC$																						
17	0x71	5			\\10.77.0.1\IPC$																						
18	0x75,0xff	6			\\10.77.0.1\IPC$,\\10.77.0.1\DATA	?????																					
19	0x75,0xff	6			\\10.77.0.1\DATA	A:																	NTFS				
20	0x32	7			\\10.77.0.1\DATA							0x0001	\*	1366													260
21	0x32	7		.,..,hello.txt	\\10.77.0.1\DATA							0x0001	\*	3	1			0,0,777									260,260
22	0x32	8			\\10.77.0.1\DATA							0x0003														0x03ef	
23	0x32	8			\\10.77.0.1\DATA							0x0003														0x03ef	
24	0xa2,0xff	9		\smb1_put.bin	\\10.77.0.1\DATA											5											
25	0xa2,0xff	9	0x3a0b	\smb1_put.bin	\\10.77.0.1\DATA											5	2	0									
43	0x2f,0xff	10	0x3a0b	\smb1_put.bin	\\10.77.0.1\DATA											5			20480	0							
45	0x2f,0xff	10	0x3a0b	\smb1_put.bin	\\10.77.0.1\DATA											5											
46	0x04	11	0x3a0b	\smb1_put.bin	\\10.77.0.1\DATA											5											
47	0x04	11	0x3a0b	\smb1_put.bin	\\10.77.0.1\DATA											5											
48	0xa2,0xff	12		\smb1_put.bin	\\10.77.0.1\DATA											1											
49	0xa2,0xff	12	0xe157	\smb1_put.bin	\\10.77.0.1\DATA											1	1	20480									
50	0x32	13	0xe157	\smb1_put.bin	\\10.77.0.1\DATA							0x0007				1									263		
51	0x32	13	0xe157	\smb1_put.bin,\smb1_put.bin	\\10.77.0.1\DATA							0x0007				1		20480							263		
52	0x2e,0xff	14	0xe157	\smb1_put.bin	\\10.77.0.1\DATA											1				0							
70	0x2e,0xff	14	0xe157	\smb1_put.bin	\\10.77.0.1\DATA											1			20480								
72	0x04	15	0xe157	\smb1_put.bin	\\10.77.0.1\DATA											1											
73	0x04	15	0xe157	\smb1_put.bin	\\10.77.0.1\DATA											1											
74	0x00	16			\\10.77.0.1\DATA																			\newdir			
75	0x00	16		\newdir	\\10.77.0.1\DATA																						
76	0x32	17			\\10.77.0.1\DATA							0x0001	\smb1_put.bin	1366													260
77	0x32	17		smb1_put.bin	\\10.77.0.1\DATA							0x0001	\smb1_put.bin	1	1			20480									260,260
78	0x06	18		\smb1_put.bin	\\10.77.0.1\DATA																						
79	0x06	18		\smb1_put.bin	\\10.77.0.1\DATA																						
80	0x32	19			\\10.77.0.1\DATA							0x0001	\*	1366													260
81	0x32	19		.,..,newdir,hello.txt	\\10.77.0.1\DATA							0x0001	\*	4	1			0,0,0,777									260,260
82	0x32	20			\\10.77.0.1\DATA							0x0003														0x03ef	
83	0x32	20			\\10.77.0.1\DATA							0x0003														0x03ef	
84	0x71	21			\\10.77.0.1\DATA																						
85	0x71	21			\\10.77.0.1\DATA																						
`;

const TSHARK_SMB1_BADPASS = String.raw`
frame.number	smb.cmd	smb.mid	smb.fid	smb.file	smb.path	smb.service	smb.native_os	smb.native_lanman	smb.primary_domain	smb.dialect.name	smb.dialect.index	smb.trans2.cmd	smb.search_pattern	smb.search_count	smb.end_of_search	smb.create.disposition	smb.create.action	smb.end_of_file	smb.data_len_low	smb.offset	smb.security_blob_len	smb.setup.action.guest	smb.native_fs	smb.dir_name	smb.qpi_loi	smb.qfsi_loi	smb.ff2_loi
4	0x72	0								NT LANMAN 1.0,NT LM 0.12																	
6	0x72	0									0																
8	0x73,0xff	1					Unix	Samba													74						
10	0x73,0xff	1					Windows 6.1	Samba 4.17.12-Debian	WORKGROUP												183	0					
11	0x73,0xff	2					Unix	Samba													450						
12	0x73	2																									
`;

const TSHARK_SMB1_GUEST_139 = String.raw`
frame.number	smb.cmd	smb.mid	smb.fid	smb.file	smb.path	smb.service	smb.native_os	smb.native_lanman	smb.primary_domain	smb.dialect.name	smb.dialect.index	smb.trans2.cmd	smb.search_pattern	smb.search_count	smb.end_of_search	smb.create.disposition	smb.create.action	smb.end_of_file	smb.data_len_low	smb.offset	smb.security_blob_len	smb.setup.action.guest	smb.native_fs	smb.dir_name	smb.qpi_loi	smb.qfsi_loi	smb.ff2_loi
8	0x72	0								NT LANMAN 1.0,NT LM 0.12																	
9	0x72	0									0																
10	0x73,0xff	1					Unix	Samba													74						
11	0x73,0xff	1					Windows 6.1	Samba 4.17.12-Debian	WORKGROUP												183	0					
12	0x73,0xff	2					Unix	Samba													160						
13	0x73,0xff	2					Windows 6.1	Samba 4.17.12-Debian	WORKGROUP												9	0					
14	0x75,0xff	3			\\FIXTURESRV\IPC$	IPC																					
15	0x75,0xff	3			\\FIXTURESRV\IPC$	IPC																					
16	0x32	4		\FIXTURESRV\public	\\FIXTURESRV\IPC$							0x0010															
17	0x32	4			\\FIXTURESRV\IPC$							0x0010															
18	0x71	5			\\FIXTURESRV\IPC$																						
19	0x71	5			\\FIXTURESRV\IPC$																						
20	0x75,0xff	6			\\FIXTURESRV\IPC$,\\FIXTURESRV\PUBLIC	?????																					
21	0x75,0xff	6			\\FIXTURESRV\PUBLIC	A:																	NTFS				
22	0x32	7			\\FIXTURESRV\PUBLIC							0x0001	\*	1366													260
23	0x32	7		.,..,readme.txt	\\FIXTURESRV\PUBLIC							0x0001	\*	3	1			0,0,1234									260,260
24	0x32	8			\\FIXTURESRV\PUBLIC							0x0003														0x03ef	
25	0x32	8			\\FIXTURESRV\PUBLIC							0x0003														0x03ef	
26	0x71	9			\\FIXTURESRV\PUBLIC																						
27	0x71	9			\\FIXTURESRV\PUBLIC																						
`;

const TSHARK_IMPACKET = String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.dialect.name
4	0x72	0	0	NT LM 0.12,SMB 2.002,SMB 2.???
`;

interface Expected {
  files: { name: string; size: number; sha256: string }[];
  auth: { expectedStatusCode?: string };
}
function expected(name: string): Expected {
  return JSON.parse(new TextDecoder().decode(readFixture(name.replace(".pcap", ".expected.json"))));
}

async function sha256(b: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", b.slice()));
  return Array.from(d, (x) => x.toString(16).padStart(2, "0")).join("");
}

function parsed(name: string) {
  return parseAll(smb1Messages(readFixture(name)));
}

for (
  const [name, table] of [
    ["smb1_session.pcap", TSHARK_SMB1_SESSION],
    ["smb1_badpass.pcap", TSHARK_SMB1_BADPASS],
    ["smb1_guest_139.pcap", TSHARK_SMB1_GUEST_139],
  ] as const
) {
  Deno.test(`parseSmb1 agrees with tshark on every message of fixtures/smb/${name}`, () => {
    const all = parsed(name);
    const compared = assertMatchesTshark(all, table);
    assert.ok(compared > all.length, `only ${compared} cells compared`);
    const problems = all.flatMap((p) => p.message.problems.map((x) => `${p.frame}: ${x.detail}`));
    assert.deepEqual(problems, []);
  });
}

Deno.test("parseSmb1 locates the WRITE_ANDX and READ_ANDX data of smb1_put.bin in smb1_session.pcap", async () => {
  const all = parsed("smb1_session.pcap");
  const file = expected("smb1_session.pcap").files.find((f) => f.name === "smb1_put.bin")!;
  const write = all.find((p) =>
    p.message.commands[0]?.name === "WRITE_ANDX" && !p.message.header.response
  )!;
  const read = all.find((p) =>
    p.message.commands[0]?.name === "READ_ANDX" && p.message.header.response
  )!;
  for (const p of [write, read]) {
    const cmd = p.message.commands[0]!;
    assert.equal(cmd.fields.dataLength, file.size);
    const data = p.bytes.subarray(cmd.data!.offset, cmd.data!.offset + cmd.data!.length);
    assert.equal(data.length, file.size);
    assert.equal(await sha256(data), file.sha256, `frame ${p.frame}`);
  }
  assert.equal(write.message.commands[0]!.fields.offset, "0");
  // The READ_ANDX request (frame 52, the file's second open) asked for all of it.
  const readRequest = all.find((p) => p.frame === 52)!.message.commands[0]!;
  assert.deepEqual([readRequest.fields.offset, readRequest.fields.length], ["0", file.size]);
});

Deno.test("parseSmb1 names the dialect, share, files and directory of smb1_session.pcap", () => {
  const all = parsed("smb1_session.pcap");
  const fields = (frame: number, i = 0) =>
    all.find((p) => p.frame === frame)!.message.commands[i]!.fields;
  // The NEGOTIATE response's index names a dialect only through the paired request.
  assert.equal(fields(6).dialect, "NT LANMAN 1.0");
  assert.equal(
    fields(6).capabilityNames &&
      (fields(6).capabilityNames as string[]).includes("CAP_EXTENDED_SECURITY"),
    true,
  );
  assert.match(String(fields(6).serverGuid), /^[0-9a-f]{32}$/);
  // Extended-security session setup: the blob is handed out, not decoded here.
  const setup = all.find((p) => p.frame === 10)!.message.commands[0]!;
  assert.equal(setup.securityBlob?.length, 450);
  assert.equal(new TextDecoder().decode(setup.securityBlob!.subarray(16, 23)), "NTLMSSP");
  assert.equal(fields(18).path, "\\\\10.77.0.1\\DATA");
  assert.equal(fields(19).service, "A:");
  assert.deepEqual(fields(81).names, [".", "..", "newdir", "hello.txt"]);
  assert.equal(fields(81).infoLevelName, "SMB_FIND_FILE_BOTH_DIRECTORY_INFO");
  assert.equal(fields(24).createDispositionName, "FILE_OVERWRITE_IF");
  assert.equal(fields(25).createActionName, "FILE_CREATED");
  assert.equal(fields(49).endOfFile, "20480");
  assert.equal(fields(51).fileName, "\\smb1_put.bin"); // SMB_QUERY_FILE_ALL_INFO
  assert.equal(fields(74).fileName, "\\newdir");
  assert.equal(fields(78).fileName, "\\smb1_put.bin");
  assert.equal(fields(14).subcommandName, "GET_DFS_REFERRAL");
  assert.equal(fields(22).infoLevelName, "FileFsFullSizeInformation");
});

Deno.test("parseSmb1 decodes nothing, and reports nothing, for smb1_badpass.pcap's error response", () => {
  const all = parsed("smb1_badpass.pcap");
  const last = all.at(-1)!.message;
  assert.equal(
    last.header.status.toString(16),
    expected("smb1_badpass.pcap").auth.expectedStatusCode!.replace(/^0x/, ""),
  );
  assert.equal(last.header.ntStatus, true);
  assert.equal(last.header.dosClass, undefined);
  assert.deepEqual(last.commands.map((c) => [c.name, c.wordCount, c.byteCount, c.fields]), [[
    "SESSION_SETUP_ANDX",
    0,
    0,
    {},
  ]]);
  assert.deepEqual(last.problems, []);
});

Deno.test("parseSmb1 reads the multi-protocol NEGOTIATE that opens impacket_smb2.pcap", () => {
  const all = parsed("impacket_smb2.pcap");
  assertMatchesTshark(all, TSHARK_IMPACKET);
  assert.deepEqual(all[0]!.message.commands[0]!.fields.dialects, [
    "NT LM 0.12",
    "SMB 2.002",
    "SMB 2.???",
  ]);
});
