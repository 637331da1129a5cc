/**
 * The SMB1 parser on testdata/smb1_extra.pcap (real Samba 4.17 traffic made by
 * testdata/make_extra.sh) for the command families the fixtures lack:
 * RENAME, NT_RENAME, ECHO with several replies, LOGOFF_ANDX, the
 * SESSION_SETUP_ANDX + TREE_CONNECT_ANDX chain, LOCKING_ANDX (32- and
 * 64-bit ranges), OPEN_ANDX + READ_ANDX chain, TRANSACTION2 with a
 * TRANSACTION2_SECONDARY, NT_TRANSACT.
 *
 * TSHARK below came from
 *
 *     tshark -n -r tests/smb/smb1/testdata/smb1_extra.pcap -Y smb -T fields -E header=y \\
 *       -E separator=/t -E occurrence=a -E aggregator=, \\
 *       -e frame.number -e smb.cmd -e smb.mid -e smb.flags.response -e smb.nt_status -e smb.fid -e smb.file -e smb.path -e smb.service -e smb.native_os -e smb.native_lanman -e smb.primary_domain -e smb.trans2.cmd -e smb.nt.function -e smb.create.disposition -e smb.create.action -e smb.data_len_low -e smb.offset -e smb.setup.action.guest -e smb.native_fs -e smb.old_file -e smb.echo.count -e smb.echo.seq_num -e smb.locking.num_locks -e smb.locking.num_unlocks -e smb.lock.offset -e smb.lock.length -e smb.qpi_loi
 *
 * (TShark 4.0.17).
 */
import * as assert from "node:assert/strict";
import { parseAll, smb1Messages } from "./_capture.ts";
import { assertMatchesTshark } from "./_tshark.ts";
import { decodeTransactionBlocks } from "../../../lib/smb/smb1/trans.ts";
import { TransactionAssembler, transactionPart } from "../../../lib/smb/smb1/trans_assembly.ts";

const TSHARK = String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.nt_status	smb.fid	smb.file	smb.path	smb.service	smb.native_os	smb.native_lanman	smb.primary_domain	smb.trans2.cmd	smb.nt.function	smb.create.disposition	smb.create.action	smb.data_len_low	smb.offset	smb.setup.action.guest	smb.native_fs	smb.old_file	smb.echo.count	smb.echo.seq_num	smb.locking.num_locks	smb.locking.num_unlocks	smb.lock.offset	smb.lock.length	smb.qpi_loi
4	0x72	0	0	0x00000000																							
6	0x72	0	1	0x00000000																							
8	0x73,0xff	1	0	0x00000000					Unix	Samba																	
9	0x73,0xff	1	1	0xc0000016					Windows 6.1	Samba 4.17.12-Debian	WORKGROUP							0									
10	0x73,0xff	2	0	0x00000000					Unix	Samba																	
11	0x73,0xff	2	1	0x00000000					Windows 6.1	Samba 4.17.12-Debian	WORKGROUP							1									
12	0x75,0xff	3	0	0x00000000			\\127.0.0.1\IPC$	IPC																			
13	0x75,0xff	3	1	0x00000000			\\127.0.0.1\IPC$	IPC																			
14	0x32	4	0	0x00000000		\127.0.0.1\data	\\127.0.0.1\IPC$					0x0010															
15	0x32	4	1	0xc0000225			\\127.0.0.1\IPC$					0x0010															
16	0x71	5	0	0x00000000			\\127.0.0.1\IPC$																				
17	0x71	5	1	0x00000000			\\127.0.0.1\IPC$																				
18	0x75,0xff	6	0	0x00000000			\\127.0.0.1\IPC$,\\127.0.0.1\DATA	?????																			
19	0x75,0xff	6	1	0x00000000			\\127.0.0.1\DATA	A:											NTFS								
20	0x07	7	0	0x00000000		\b.txt	\\127.0.0.1\DATA													\a.txt							
21	0x07	7	1	0x00000000		\b.txt	\\127.0.0.1\DATA													\a.txt							
22	0xa5	8	0	0x00000000		\c.txt	\\127.0.0.1\DATA													\b.txt							
23	0xa5	8	1	0x00000000			\\127.0.0.1\DATA																				
24	0x2b	9	0	0x00000000																	2						
25	0x2b	9	1	0x00000000																		1					
26	0x2b	9	1	0x00000000																		2					
28	0x74,0xff	10	0	0x00000000			\\127.0.0.1\DATA																				
29	0x74,0xff	10	1	0x00000000			\\127.0.0.1\DATA																				
30	0x71	11	0	0x00000000			\\127.0.0.1\DATA																				
31	0x71	11	1	0x00000000			\\127.0.0.1\DATA																				
38	0x72	1	0	0x00000000																							
40	0x72	1	1	0x00000000							WORKGROUP																
42	0x73,0x75,0xff	2	0	0x00000000			\\127.0.0.1\data	?????	Unix	rawclient																	
43	0x73,0x75,0xff	2	1	0x00000000				A:	Windows 6.1	Samba 4.17.12-Debian	WORKGROUP							0	NTFS								
44	0xa2,0xff	3	0	0x00000000		\lock.bin								5													
45	0xa2,0xff	3	1	0x00000000	0x0e50	\lock.bin								5	2												
46	0x2f,0xff	4	0	0x00000000	0x0e50	\lock.bin								5		64	0										
47	0x2f,0xff	4	1	0x00000000	0x0e50	\lock.bin								5													
48	0x24,0xff	5	0	0x00000000	0x0e50	\lock.bin								5			0						1	0			
49	0x24,0xff	5	1	0x00000000	0x0e50	\lock.bin								5									1	0			
50	0x24,0xff	6	0	0x00000000	0x0e50	\lock.bin								5			0						0	1			
51	0x24,0xff	6	1	0x00000000	0x0e50	\lock.bin								5									0	1			
52	0x24,0xff	7	0	0x00000000	0x0e50	\lock.bin								5									1	0	4294967304	4	
53	0x24,0xff	7	1	0x00000000	0x0e50	\lock.bin								5									1	0	4294967304	4	
54	0x04	8	0	0x00000000	0x0e50	\lock.bin								5													
55	0x04	8	1	0x00000000	0x0e50	\lock.bin								5													
56	0x2d,0x2e,0xff	9	0	0x00000000	0x0000	\lock.bin											0										
57	0x2d,0x2e,0xff	9	1	0x00000000	0x71b1											32											
58	0x04	10	0	0x00000000	0x71b1																						
59	0x04	10	1	0x00000000	0x71b1																						
60	0x32	11	0	0x00000000								0x0005															257
61	0x32	11	1	0x00000000								0x0005															257
62	0x33	11	0	0x00000000	0xffff																						
63	0x32	11	1	0x00000000								0x0005															257
64	0xa2,0xff	12	0	0x00000000		\lock.bin								1													
65	0xa2,0xff	12	1	0x00000000	0xf2f1	\lock.bin								1	1												
66	0xa0	13	0	0x00000000	0xf2f1	\lock.bin							6	1													
67	0xa0	13	1	0x00000000	0xf2f1	\lock.bin							6	1													
68	0x04	14	0	0x00000000	0xf2f1	\lock.bin								1													
69	0x04	14	1	0x00000000	0xf2f1	\lock.bin								1													
70	0x74,0xff	15	0	0x00000000																							
71	0x74,0xff	15	1	0x00000000																							
`;

const all = parseAll(
  smb1Messages(Deno.readFileSync(new URL("testdata/smb1_extra.pcap", import.meta.url))),
);
const at = (frame: number) => all.find((p) => p.frame === frame)!.message;

Deno.test("parseSmb1 agrees with tshark on every message of smb1_extra.pcap", () => {
  assert.ok(assertMatchesTshark(all, TSHARK) > all.length);
  // The only problem: the TRANSACTION2 primary leaves its parameters to a secondary (none: it is legal).
  const problems = all.flatMap((p) => p.message.problems.map((x) => `${p.frame}: ${x.detail}`));
  assert.deepEqual(problems, []);
});

Deno.test("parseSmb1 follows the SESSION_SETUP_ANDX + TREE_CONNECT_ANDX chain both ways", () => {
  const request = at(42), response = at(43);
  assert.deepEqual(request.commands.map((c) => c.name), [
    "SESSION_SETUP_ANDX",
    "TREE_CONNECT_ANDX",
  ]);
  assert.deepEqual(response.commands.map((c) => c.name), [
    "SESSION_SETUP_ANDX",
    "TREE_CONNECT_ANDX",
  ]);
  const [setup, tree] = request.commands;
  // Legacy (WordCount 13) form with empty passwords: a null session.
  assert.deepEqual(
    [
      setup!.wordCount,
      setup!.lmResponse?.length,
      setup!.ntResponse?.length,
      setup!.fields.accountName,
    ],
    [13, 0, 0, ""],
  );
  assert.equal(tree!.fields.path, "\\\\127.0.0.1\\data");
  assert.equal(response.commands[1]!.fields.service, "A:");
  assert.equal(response.commands[1]!.offset > response.commands[0]!.offset, true);
});

Deno.test("parseSmb1 decodes LOCKING_ANDX ranges, 32-bit and LARGE_FILES", () => {
  assert.deepEqual(at(48).commands[0]!.fields.locks, [{ pid: 0x4242, offset: "0", length: "16" }]);
  assert.deepEqual(at(50).commands[0]!.fields.unlocks, [{
    pid: 0x4242,
    offset: "0",
    length: "16",
  }]);
  const large = at(52).commands[0]!.fields;
  assert.deepEqual(large.typeOfLockNames, ["SHARED_LOCK", "LARGE_FILES"]);
  assert.deepEqual(large.locks, [{ pid: 0x4242, offset: "4294967304", length: "4" }]);
  assert.equal(large.oplockBreak, false);
});

Deno.test("parseSmb1 follows OPEN_ANDX + READ_ANDX and locates the data read", () => {
  const response = at(57);
  assert.deepEqual(response.commands.map((c) => c.name), ["OPEN_ANDX", "READ_ANDX"]);
  const read = response.commands[1]!;
  const msg = all.find((p) => p.frame === 57)!.bytes;
  const data = msg.subarray(read.data!.offset, read.data!.offset + read.data!.length);
  // raw_client.py wrote bytes 0, 1, 2, … 63 and reads back the first 32.
  assert.deepEqual([...data], Array.from({ length: 32 }, (_, i) => i));
  assert.equal(response.commands[0]!.fields.endOfFile, 64);
});

Deno.test("parseSmb1 names RENAME, NT_RENAME, ECHO and NT_TRANSACT fields", () => {
  assert.deepEqual(
    [at(20).commands[0]!.fields.fileName, at(20).commands[0]!.fields.newFileName],
    ["\\a.txt", "\\b.txt"],
  );
  assert.equal(at(22).commands[0]!.fields.infoLevelName, "SMB_NT_RENAME_SET_LINK_INFO");
  assert.deepEqual([
    at(25).commands[0]!.fields.sequenceNumber,
    at(26).commands[0]!.fields.sequenceNumber,
  ], [1, 2]);
  const nt = at(66).commands[0]!.fields;
  assert.deepEqual([nt.functionName, nt.fid, nt.securityInformation], [
    "QUERY_SECURITY_DESC",
    0xf2f1,
    7,
  ]);
  assert.equal(at(67).commands[0]!.fields.lengthNeeded, 152);
});

Deno.test("TransactionAssembler joins the TRANSACTION2 primary and its secondary as smbd did", () => {
  const primary = all.find((p) => p.frame === 60)!, secondary = all.find((p) => p.frame === 62)!;
  const first = primary.message.commands[0]!, second = secondary.message.commands[0]!;
  assert.equal(first.fields.complete, false);
  const assembler = new TransactionAssembler();
  const key = "11/16962/1/1";
  const a = assembler.primary(key, transactionPart(primary.bytes, first)!);
  assert.equal(a.state, "partial");
  const b = assembler.secondary(key, transactionPart(secondary.bytes, second)!);
  assert.equal(b.state, "complete");
  if (b.state !== "complete") return;
  assert.deepEqual(b.problems, []);
  assert.equal(assembler.openCount, 0);
  const decoded = decodeTransactionBlocks(
    "trans2",
    false,
    first.fields,
    b.parameters,
    b.data,
    true,
  );
  assert.deepEqual(decoded.fields, {
    infoLevel: 0x101,
    infoLevelName: "SMB_QUERY_FILE_BASIC_INFO",
    fileName: "\\lock.bin",
  });
  // The final response pairs with the primary and decodes the basic info it asked for.
  const response = at(63).commands[0]!.fields;
  assert.equal(response.subcommandName, "QUERY_PATH_INFORMATION");
  assert.equal(response.infoLevel, undefined); // the primary's parameters were incomplete
});
