/**
 * tshark's view of the public SMB1 captures the tests read (the corpus in
 * ../shared/pcaps/public), kept here so the tests need no tshark. Made once
 * with TShark 4.0.17, for each capture PATH:
 *
 *     tshark -n -r PATH -Y smb -T fields -E header=y -E separator=/t \\
 *       -E occurrence=a -E aggregator=, \\
 *       -e frame.number -e smb.cmd -e smb.mid -e smb.flags.response -e smb.fid -e smb.file -e smb.path -e smb.trans_name -e smb.trans2.cmd -e smb.dialect.name -e smb.native_os -e smb.account -e smb.primary_domain
 * @module
 */

/** tshark's rows by capture path (relative to shared/pcaps/public). */
export const TSHARK_PUBLIC: Record<string, string> = {
  "arkime/smb-smbclient.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
4	0x72	1	0						PC NETWORK PROGRAM 1.0,MICROSOFT NETWORKS 1.03,MICROSOFT NETWORKS 3.0,LANMAN1.0,LM1.2X002,DOS LANMAN2.1,LANMAN2.1,Samba,NT LANMAN 1.0,NT LM 0.12			
6	0x72	1	1									WORKGROUP
8	0x73,0xff	2	0							Unix	user	WORKGROUP
9	0x73,0xff	2	1							Unix		WORKGROUP
10	0x75,0xff	3	0			\\LOCALHOST\MP3						
11	0x75,0xff	3	1			\\LOCALHOST\MP3						
13	0x2b	4	0			\\LOCALHOST\MP3						
14	0x2b	4	1			\\LOCALHOST\MP3						
16	0x32	5	0		\tmp\	\\LOCALHOST\MP3		0x0005				
17	0x32	5	1		\tmp\	\\LOCALHOST\MP3		0x0005				
19	0x2d,0xff	6	0		\tmp\foo	\\LOCALHOST\MP3						
20	0x2d,0xff	6	1	0x42fe	\tmp\foo	\\LOCALHOST\MP3						
22	0x32	7	0	0x42fe	\tmp\foo	\\LOCALHOST\MP3		0x0007				
23	0x32	7	1	0x42fe	\tmp\foo,\tmp\foo	\\LOCALHOST\MP3		0x0007				
24	0x2e,0xff	8	0	0x42fe	\tmp\foo	\\LOCALHOST\MP3						
25	0x2e,0xff	8	1	0x42fe	\tmp\foo	\\LOCALHOST\MP3						
26	0x04	9	0	0x42fe	\tmp\foo	\\LOCALHOST\MP3						
27	0x04	9	1	0x42fe	\tmp\foo	\\LOCALHOST\MP3						
29	0x71	10	0			\\LOCALHOST\MP3						
30	0x71	10	1			\\LOCALHOST\MP3						
`,
  "arkime/smbtorture-ntlmssp.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
4	0x72	1	0						PC NETWORK PROGRAM 1.0,MICROSOFT NETWORKS 1.03,MICROSOFT NETWORKS 3.0,LANMAN1.0,Windows for Workgroups 3.1a,LM1.2X002,DOS LANMAN2.1,LANMAN2.1,Samba,NT LANMAN 1.0,NT LM 0.12			
5	0x72	1	1									
7	0x73,0xff	2	0							Unix		VNET3
8	0x73,0xff	2	1							Windows (TM) Code Name "Longhorn" Ultimate 5231		
9	0x73,0xff	3	0							Unix		VNET3
10	0x73,0xff	3	1							Windows (TM) Code Name "Longhorn" Ultimate 5231		
11	0x75,0xff	4	0			\\192.168.114.129\TEST						
12	0x75,0xff	4	1			\\192.168.114.129\TEST						
13	0x80	5	0			\\192.168.114.129\TEST						
14	0x80	5	1			\\192.168.114.129\TEST						
`,
  "zeek/cifs_negotiate_lanman.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
4	0x72	1	0						PC NETWORK PROGRAM 1.0,LANMAN1.0,LM1.2X002,LANMAN2.1			
6	0x72	1	1									????
`,
  "zeek/dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.cap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
1	0x04	53	0	0x400a								
2	0x04	53	1									
3	0xa2,0xff	54	0		\lsarpc							
4	0xa2,0xff	54	1	0x400b	\lsarpc							
5	0x25	55	0	0x400b	\lsarpc		\PIPE\					
6	0x25	55	1	0x400b,0x400b	\lsarpc,\lsarpc							
7	0x25	56	0	0x400b	\lsarpc		\PIPE\					
8	0x25	56	1	0x400b,0x400b	\lsarpc,\lsarpc							
`,
  "zeek/smb1_transaction2_request.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
4	0x72	2	0						NT LM 0.12			
6	0x72	2	1									TEST
8	0x73,0xff	2	0							Windows 4.0	GUEST	
9	0x73,0xff	2	1							Windows 6.1		TEST
11	0x75,0xff	2	0			\\WIN2K\IPC$						
12	0x75,0xff	2	1			\\WIN2K\IPC$						
14	0x32	2	0		\test\	\\WIN2K\IPC$		0x0005				
`,
  "suricata-verify/smb1_eicar_andx_write_padding2.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
4	0x72	0	0						PC NETWORK PROGRAM 1.0,MICROSOFT NETWORKS 1.03,MICROSOFT NETWORKS 3.0,LANMAN1.0,LM1.2X002,DOS LANMAN2.1,LANMAN2.1,Samba,NT LANMAN 1.0,NT LM 0.12			
5	0x72	0	1									
7	0x73,0xff	1	0							Unix		
8	0x73,0xff	1	1							Windows Server 2019 Standard 17763		
9	0x73,0xff	2	0							Unix		
10	0x73,0xff	2	1							Windows Server 2019 Standard 17763		
11	0x75,0xff	3	0			\\127.0.0.1\PUBLIC						
12	0x75,0xff	3	1			\\127.0.0.1\PUBLIC						
13	0xa2,0xff	4	0		\eicar	\\127.0.0.1\PUBLIC						
14	0xa2,0xff	4	1	0x400e	\eicar	\\127.0.0.1\PUBLIC						
15	0x2f,0xff	5	0	0x400e	\eicar	\\127.0.0.1\PUBLIC						
16	0x2f,0xff	5	1	0x400e	\eicar	\\127.0.0.1\PUBLIC						
17	0x04	6	0	0x400e	\eicar	\\127.0.0.1\PUBLIC						
18	0x04	6	1	0x400e	\eicar	\\127.0.0.1\PUBLIC						
19	0x71	7	0			\\127.0.0.1\PUBLIC						
20	0x71	7	1			\\127.0.0.1\PUBLIC						
`,
  "ndpi/smbv1.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
1	0x72	64	0						PC NETWORK PROGRAM 1.0,LANMAN1.0,Windows for Workgroups 3.1a,LM1.2X002,LANMAN2.1,NT LM 0.12			
2	0x72	64	1									WORKGROUP
3	0x73,0xff	64	0							Windows 2000 2195		
4	0x73,0xff	64	1							Windows 7 Ultimate 7601 Service Pack 1		WORKGROUP
5	0x75,0xff	64	0			\\10.128.0.243\IPC$						
6	0x75,0xff	64	1			\\10.128.0.243\IPC$						
7	0x32	65	0			\\10.128.0.243\IPC$		0x000e				
`,
  "suricata-verify/smb_bug_padding.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
4	0x72	0	0						NT LM 0.12,SMB 2.002,SMB 2.???			
5	0x72	0	1									
7	0x73,0xff	0	0							Unix		
8	0x73,0xff	0	1							Windows 10 Pro 19045		
9	0x73,0xff	0	0							Unix		
10	0x73,0xff	0	1							Windows 10 Pro 19045		
11	0x75,0xff	0	0			\\127.0.0.1\VIDEOS						
12	0x75,0xff	0	1			\\127.0.0.1\VIDEOS						
13	0x75,0xff	0	0			\\127.0.0.1\VIDEOS,\\127.0.0.1\VIDEOS						
14	0x75,0xff	0	1			\\127.0.0.1\VIDEOS						
15	0x32	0	0			\\127.0.0.1\VIDEOS		0x0001				
16	0x32	0	1		.,..,desktop.ini,file.txt,test.txt	\\127.0.0.1\VIDEOS		0x0001				
17	0x71	0	0			\\127.0.0.1\VIDEOS						
18	0x71	0	1			\\127.0.0.1\VIDEOS						
19	0x75,0xff	0	0			\\127.0.0.1\VIDEOS,\\127.0.0.1\VIDEOS						
20	0x75,0xff	0	1			\\127.0.0.1\VIDEOS						
21	0xa2,0xff	0	0		\file.txt	\\127.0.0.1\VIDEOS						
22	0xa2,0xff	0	1	0x4004	\file.txt	\\127.0.0.1\VIDEOS						
23	0x2f,0xff	0	0	0x4004	\file.txt	\\127.0.0.1\VIDEOS						
24	0x2f,0xff	0	1	0x4004	\file.txt	\\127.0.0.1\VIDEOS						
25	0x04	0	0	0x4004	\file.txt	\\127.0.0.1\VIDEOS						
26	0x04	0	1	0x4004	\file.txt	\\127.0.0.1\VIDEOS						
27	0x71	0	0			\\127.0.0.1\VIDEOS						
28	0x71	0	1			\\127.0.0.1\VIDEOS						
35	0x72	0	0						NT LM 0.12,SMB 2.002,SMB 2.???			
36	0x72	0	1									
38	0x73,0xff	0	0							Unix		
39	0x73,0xff	0	1							Windows 10 Pro 19045		
40	0x73,0xff	0	0							Unix		
41	0x73,0xff	0	1							Windows 10 Pro 19045		
42	0x75,0xff	0	0			\\127.0.0.1\VIDEOS						
43	0x75,0xff	0	1			\\127.0.0.1\VIDEOS						
44	0x75,0xff	0	0			\\127.0.0.1\VIDEOS,\\127.0.0.1\VIDEOS						
45	0x75,0xff	0	1			\\127.0.0.1\VIDEOS						
46	0x32	0	0			\\127.0.0.1\VIDEOS		0x0001				
47	0x32	0	1		.,..,desktop.ini,file.txt,test.txt	\\127.0.0.1\VIDEOS		0x0001				
48	0x71	0	0			\\127.0.0.1\VIDEOS						
49	0x71	0	1			\\127.0.0.1\VIDEOS						
50	0x75,0xff	0	0			\\127.0.0.1\VIDEOS,\\127.0.0.1\VIDEOS						
51	0x75,0xff	0	1			\\127.0.0.1\VIDEOS						
52	0xa2,0xff	0	0		\file.txt	\\127.0.0.1\VIDEOS						
53	0xa2,0xff	0	1	0x4005	\file.txt	\\127.0.0.1\VIDEOS						
54	0x2f,0xff	0	0	0x4005	\file.txt	\\127.0.0.1\VIDEOS						
55	0x2f,0xff	0	1	0x4005	\file.txt	\\127.0.0.1\VIDEOS						
56	0x04	0	0	0x4005	\file.txt	\\127.0.0.1\VIDEOS						
57	0x04	0	1	0x4005	\file.txt	\\127.0.0.1\VIDEOS						
58	0x71	0	0			\\127.0.0.1\VIDEOS						
59	0x71	0	1			\\127.0.0.1\VIDEOS						
`,
  "zeek/mapi.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
347	0x32	8192	0					0x0005				
348	0x32	8192	1					0x0005				
349	0x32	8256	0		\wshENU.DLL			0x0005				
350	0x32	8256	1		\wshENU.DLL			0x0005				
351	0x32	8320	0		\wshEN.DLL			0x0005				
352	0x32	8320	1		\wshEN.DLL			0x0005				
353	0x32	8384	0		\wshENU.DLL			0x0005				
354	0x32	8384	1		\wshENU.DLL			0x0005				
363	0x71	225	0									
364	0x71	225	1									
365	0x74,0xff	241	0									
368	0x74,0xff	8448	0									
369	0x74,0xff	8448	1									
370	0x71	8512	0									
371	0x71	8512	1									
374	0x74,0xff	241	1									
420	0x25	45376	0	0xa00c			\PIPE\					
421	0x25	45376	1	0xa00c								
422	0xa2,0xff	45440	0		\lsarpc							
423	0xa2,0xff	45440	1	0xc00f	\lsarpc							
424	0x25	45504	0	0xc00f	\lsarpc		\PIPE\					
425	0x25	45504	1	0xc00f,0xc00f	\lsarpc,\lsarpc							
426	0x25	45568	0	0xc00f	\lsarpc		\PIPE\					
427	0x25	45568	1	0xc00f,0xc00f	\lsarpc,\lsarpc							
428	0x25	45632	0	0xc00f	\lsarpc		\PIPE\					
429	0x25	45632	1	0xc00f,0xc00f	\lsarpc,\lsarpc							
430	0x25	45696	0	0xc00f	\lsarpc		\PIPE\					
431	0x25	45696	1	0xc00f,0xc00f	\lsarpc,\lsarpc							
432	0x25	45760	0	0xc00f	\lsarpc		\PIPE\					
433	0x25	45760	1	0xc00f,0xc00f	\lsarpc,\lsarpc							
434	0x04	45824	0	0xc00f	\lsarpc							
435	0x04	45824	1	0xc00f	\lsarpc							
436	0xa2,0xff	45888	0		\lsarpc							
437	0xa2,0xff	45888	1	0xf80a	\lsarpc							
438	0x25	45952	0	0xf80a	\lsarpc		\PIPE\					
439	0x25	45952	1	0xf80a,0xf80a	\lsarpc,\lsarpc							
440	0x25	46016	0	0xf80a	\lsarpc		\PIPE\					
441	0x25	46016	1	0xf80a,0xf80a	\lsarpc,\lsarpc							
442	0x25	46080	0	0xf80a	\lsarpc		\PIPE\					
444	0x25	46080	1	0xf80a,0xf80a	\lsarpc,\lsarpc							
445	0x25	46144	0	0xf80a	\lsarpc		\PIPE\					
446	0x25	46144	1	0xf80a,0xf80a	\lsarpc,\lsarpc							
447	0x25	46208	0	0xf80a	\lsarpc		\PIPE\					
448	0x25	46208	1	0xf80a,0xf80a	\lsarpc,\lsarpc							
449	0x25	46272	0	0xf80a	\lsarpc		\PIPE\					
450	0x25	46272	1	0xf80a,0xf80a	\lsarpc,\lsarpc							
451	0x04	46336	0	0xf80a	\lsarpc							
452	0x04	46336	1	0xf80a	\lsarpc							
453	0xa2,0xff	46400	0		\lsarpc							
454	0xa2,0xff	46400	1	0x0009	\lsarpc							
455	0x25	46464	0	0x0009	\lsarpc		\PIPE\					
456	0x25	46464	1	0x0009,0x0009	\lsarpc,\lsarpc							
457	0x25	46528	0	0x0009	\lsarpc		\PIPE\					
458	0x25	46528	1	0x0009,0x0009	\lsarpc,\lsarpc							
459	0x25	46592	0	0x0009	\lsarpc		\PIPE\					
460	0x25	46592	1	0x0009,0x0009	\lsarpc,\lsarpc							
461	0x25	46656	0	0x0009	\lsarpc		\PIPE\					
462	0x25	46656	1	0x0009,0x0009	\lsarpc,\lsarpc							
463	0x25	46720	0	0x0009	\lsarpc		\PIPE\					
464	0x25	46720	1	0x0009,0x0009	\lsarpc,\lsarpc							
465	0x04	46784	0	0x0009	\lsarpc							
466	0x04	46784	1	0x0009	\lsarpc							
468	0xa2,0xff	46848	0		\lsarpc							
471	0xa2,0xff	46848	1	0x0802	\lsarpc							
474	0x25	46912	0	0x0802	\lsarpc		\PIPE\					
475	0x25	46912	1	0x0802,0x0802	\lsarpc,\lsarpc							
476	0x25	46976	0	0x0802	\lsarpc		\PIPE\					
477	0x25	46976	1	0x0802,0x0802	\lsarpc,\lsarpc							
478	0x25	47040	0	0x0802	\lsarpc		\PIPE\					
479	0x25	47040	1	0x0802,0x0802	\lsarpc,\lsarpc							
480	0x25	47104	0	0x0802	\lsarpc		\PIPE\					
481	0x25	47104	1	0x0802,0x0802	\lsarpc,\lsarpc							
482	0x25	47168	0	0x0802	\lsarpc		\PIPE\					
484	0x25	47168	1	0x0802,0x0802	\lsarpc,\lsarpc							
485	0x25	47232	0	0x0802	\lsarpc		\PIPE\					
486	0x25	47232	1	0x0802,0x0802	\lsarpc,\lsarpc							
487	0x04	47296	0	0x0802	\lsarpc							
488	0x04	47296	1	0x0802	\lsarpc							
510	0xa2,0xff	8576	0		\Exchange\mailbox.PAB							
511	0xa2,0xff	8576	1	0xc006	\Exchange\mailbox.PAB							
512	0x32	8640	0	0xc006	\Exchange\mailbox.PAB			0x0007				
513	0x32	8640	1	0xc006	\Exchange\mailbox.PAB			0x0007				
514	0x2e,0xff	8704	0	0xc006	\Exchange\mailbox.PAB							
517	0x2e,0xff	8704	1	0xc006	\Exchange\mailbox.PAB							
519	0x2e,0xff	8768	0	0xc006	\Exchange\mailbox.PAB							
522	0x2e,0xff	8768	1	0xc006	\Exchange\mailbox.PAB							
524	0x2e,0xff	8832	0	0xc006	\Exchange\mailbox.PAB							
527	0x2e,0xff	8832	1	0xc006	\Exchange\mailbox.PAB							
529	0x2e,0xff	8896	0	0xc006	\Exchange\mailbox.PAB							
532	0x2e,0xff	8896	1	0xc006	\Exchange\mailbox.PAB							
534	0x2e,0xff	8960	0	0xc006	\Exchange\mailbox.PAB							
541	0x2e,0xff	8960	1	0xc006	\Exchange\mailbox.PAB							
544	0x2e,0xff	9024	0	0xc006	\Exchange\mailbox.PAB							
547	0x2e,0xff	9024	1	0xc006	\Exchange\mailbox.PAB							
719	0x25	47360	0	0xa00c			\PIPE\					
720	0x25	47360	1	0xa00c								
722	0xa2,0xff	47424	0		\lsarpc							
723	0xa2,0xff	47424	1	0x2800	\lsarpc							
724	0x25	47488	0	0x2800	\lsarpc		\PIPE\					
725	0x25	47488	1	0x2800,0x2800	\lsarpc,\lsarpc							
726	0x25	47552	0	0x2800	\lsarpc		\PIPE\					
727	0x25	47552	1	0x2800,0x2800	\lsarpc,\lsarpc							
728	0x25	47616	0	0x2800	\lsarpc		\PIPE\					
729	0x25	47616	1	0x2800,0x2800	\lsarpc,\lsarpc							
730	0x25	47680	0	0x2800	\lsarpc		\PIPE\					
731	0x25	47680	1	0x2800,0x2800	\lsarpc,\lsarpc							
732	0x25	47744	0	0x2800	\lsarpc		\PIPE\					
733	0x25	47744	1	0x2800,0x2800	\lsarpc,\lsarpc							
734	0x04	47808	0	0x2800	\lsarpc							
735	0x04	47808	1	0x2800	\lsarpc							
736	0xa2,0xff	47872	0		\lsarpc							
737	0xa2,0xff	47872	1	0xf807	\lsarpc							
738	0x25	47936	0	0xf807	\lsarpc		\PIPE\					
739	0x25	47936	1	0xf807,0xf807	\lsarpc,\lsarpc							
740	0x25	48000	0	0xf807	\lsarpc		\PIPE\					
741	0x25	48000	1	0xf807,0xf807	\lsarpc,\lsarpc							
742	0x25	48064	0	0xf807	\lsarpc		\PIPE\					
743	0x25	48064	1	0xf807,0xf807	\lsarpc,\lsarpc							
744	0x25	48128	0	0xf807	\lsarpc		\PIPE\					
745	0x25	48128	1	0xf807,0xf807	\lsarpc,\lsarpc							
746	0x25	48192	0	0xf807	\lsarpc		\PIPE\					
747	0x25	48192	1	0xf807,0xf807	\lsarpc,\lsarpc							
748	0x25	48256	0	0xf807	\lsarpc		\PIPE\					
749	0x25	48256	1	0xf807,0xf807	\lsarpc,\lsarpc							
750	0x04	48320	0	0xf807	\lsarpc							
751	0x04	48320	1	0xf807	\lsarpc							
752	0xa2,0xff	48384	0		\lsarpc							
753	0xa2,0xff	48384	1	0xb806	\lsarpc							
754	0x25	48448	0	0xb806	\lsarpc		\PIPE\					
755	0x25	48448	1	0xb806,0xb806	\lsarpc,\lsarpc							
756	0x25	48512	0	0xb806	\lsarpc		\PIPE\					
757	0x25	48512	1	0xb806,0xb806	\lsarpc,\lsarpc							
758	0x25	48576	0	0xb806	\lsarpc		\PIPE\					
759	0x25	48576	1	0xb806,0xb806	\lsarpc,\lsarpc							
760	0x25	48640	0	0xb806	\lsarpc		\PIPE\					
761	0x25	48640	1	0xb806,0xb806	\lsarpc,\lsarpc							
762	0x25	48704	0	0xb806	\lsarpc		\PIPE\					
763	0x25	48704	1	0xb806,0xb806	\lsarpc,\lsarpc							
764	0x04	48768	0	0xb806	\lsarpc							
765	0x04	48768	1	0xb806	\lsarpc							
766	0xa2,0xff	48832	0		\lsarpc							
767	0xa2,0xff	48832	1	0x000e	\lsarpc							
768	0x25	48896	0	0x000e	\lsarpc		\PIPE\					
769	0x25	48896	1	0x000e,0x000e	\lsarpc,\lsarpc							
770	0x25	48960	0	0x000e	\lsarpc		\PIPE\					
771	0x25	48960	1	0x000e,0x000e	\lsarpc,\lsarpc							
772	0x25	49024	0	0x000e	\lsarpc		\PIPE\					
773	0x25	49024	1	0x000e,0x000e	\lsarpc,\lsarpc							
774	0x25	49088	0	0x000e	\lsarpc		\PIPE\					
775	0x25	49088	1	0x000e,0x000e	\lsarpc,\lsarpc							
776	0x25	49152	0	0x000e	\lsarpc		\PIPE\					
777	0x25	49152	1	0x000e,0x000e	\lsarpc,\lsarpc							
778	0x25	49216	0	0x000e	\lsarpc		\PIPE\					
779	0x25	49216	1	0x000e,0x000e	\lsarpc,\lsarpc							
780	0x04	49280	0	0x000e	\lsarpc							
781	0x04	49280	1	0x000e	\lsarpc							
`,
  "zeek-eternalsafety/eternalromance-success-2008r2.pcap": String.raw`
frame.number	smb.cmd	smb.mid	smb.flags.response	smb.fid	smb.file	smb.path	smb.trans_name	smb.trans2.cmd	smb.dialect.name	smb.native_os	smb.account	smb.primary_domain
10	0x72	64	0						PC NETWORK PROGRAM 1.0,LANMAN1.0,Windows for Workgroups 3.1a,LM1.2X002,LANMAN2.1,NT LM 0.12			
11	0x72	64	1									NIGHTFORT
12	0x73,0xff	64	0							Windows 2000 2195		
13	0x73,0xff	64	1							Windows Server 2008 R2 Datacenter 7601 Service Pack 1		NIGHTFORT
14	0x75,0xff	64	0			\\172.23.33.10\IPC$						
15	0x75,0xff	64	1			\\172.23.33.10\IPC$						
16	0xa2,0xff	64	0		lsarpc	\\172.23.33.10\IPC$						
17	0xa2,0xff	64	1	0x4000	lsarpc	\\172.23.33.10\IPC$						
18	0x25	64	0	0x4000	lsarpc	\\172.23.33.10\IPC$	\PIPE\					
19	0x25	64	1	0x4000,0x4000	lsarpc,lsarpc	\\172.23.33.10\IPC$						
20	0x2f,0xff	64	0	0x4000	lsarpc	\\172.23.33.10\IPC$						
21	0x2f,0xff	64	1	0x4000	lsarpc	\\172.23.33.10\IPC$						
25	0x25	64	0			\\172.23.33.10\IPC$						
26	0x25	64	1			\\172.23.33.10\IPC$						
27	0x25	65	0			\\172.23.33.10\IPC$						
28	0x25	65	1			\\172.23.33.10\IPC$						
29	0x25	66	0			\\172.23.33.10\IPC$						
30	0x25	66	1			\\172.23.33.10\IPC$						
31	0x25	67	0			\\172.23.33.10\IPC$						
32	0x25	67	1			\\172.23.33.10\IPC$						
33	0x25	68	0			\\172.23.33.10\IPC$						
34	0x25	68	1			\\172.23.33.10\IPC$						
35	0x25	69	0			\\172.23.33.10\IPC$						
36	0x25	69	1			\\172.23.33.10\IPC$						
37	0x25	70	0			\\172.23.33.10\IPC$						
38	0x25	70	1			\\172.23.33.10\IPC$						
39	0x25	71	0			\\172.23.33.10\IPC$						
40	0x25	71	1			\\172.23.33.10\IPC$						
41	0x25	72	0			\\172.23.33.10\IPC$						
42	0x25	72	1			\\172.23.33.10\IPC$						
43	0x25	73	0			\\172.23.33.10\IPC$						
44	0x25	73	1			\\172.23.33.10\IPC$						
45	0x25	74	0			\\172.23.33.10\IPC$						
46	0x25	74	1			\\172.23.33.10\IPC$						
47	0x25,0x25,0x25	75,16384,76	0,0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$						
48	0x25	75	1			\\172.23.33.10\IPC$						
49	0x25	16384	1			\\172.23.33.10\IPC$						
50	0x25	76	1			\\172.23.33.10\IPC$						
52	0x25,0x25,0x25	77,16384,78	0,0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$						
53	0x25	77	1			\\172.23.33.10\IPC$						
54	0x25	16384	1			\\172.23.33.10\IPC$						
55	0x25	78	1			\\172.23.33.10\IPC$						
57	0x25,0x25,0x25	79,16384,80	0,0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$						
58	0x25	79	1			\\172.23.33.10\IPC$						
59	0x25	16384	1			\\172.23.33.10\IPC$						
60	0x25	80	1			\\172.23.33.10\IPC$						
62	0x25	81	0			\\172.23.33.10\IPC$						
63	0x25	81	1			\\172.23.33.10\IPC$						
64	0x25	82	0			\\172.23.33.10\IPC$						
65	0x25	82	1			\\172.23.33.10\IPC$						
66	0x25	83	0			\\172.23.33.10\IPC$						
67	0x25	83	1			\\172.23.33.10\IPC$						
68	0x25	84	0			\\172.23.33.10\IPC$						
69	0x25	84	1			\\172.23.33.10\IPC$						
70	0x25	85	0			\\172.23.33.10\IPC$						
71	0x25	85	1			\\172.23.33.10\IPC$						
72	0x25	86	0			\\172.23.33.10\IPC$						
73	0x25	86	1			\\172.23.33.10\IPC$						
74	0x25	87	0			\\172.23.33.10\IPC$						
75	0x25	87	1			\\172.23.33.10\IPC$						
76	0x25	88	0			\\172.23.33.10\IPC$						
77	0x25	88	1			\\172.23.33.10\IPC$						
78	0x25	89	0			\\172.23.33.10\IPC$						
79	0x25	89	1			\\172.23.33.10\IPC$						
80	0x25	90	0			\\172.23.33.10\IPC$						
81	0x25	90	1			\\172.23.33.10\IPC$						
82	0x25	91	0			\\172.23.33.10\IPC$						
83	0x25	91	1			\\172.23.33.10\IPC$						
84	0x25	92	0			\\172.23.33.10\IPC$						
85	0x25	92	1			\\172.23.33.10\IPC$						
86	0x25	93	0			\\172.23.33.10\IPC$						
87	0x25	93	1			\\172.23.33.10\IPC$						
88	0x25	94	0			\\172.23.33.10\IPC$						
89	0x25	94	1			\\172.23.33.10\IPC$						
90	0x25	95	0			\\172.23.33.10\IPC$						
91	0x25	95	1			\\172.23.33.10\IPC$						
92	0x25	96	0			\\172.23.33.10\IPC$						
93	0x25	96	1			\\172.23.33.10\IPC$						
94	0x25	97	0			\\172.23.33.10\IPC$						
95	0x25	97	1			\\172.23.33.10\IPC$						
96	0x25	98	0			\\172.23.33.10\IPC$						
97	0x25	98	1			\\172.23.33.10\IPC$						
98	0x25	99	0			\\172.23.33.10\IPC$						
99	0x25	99	1			\\172.23.33.10\IPC$						
100	0x25	100	0			\\172.23.33.10\IPC$						
101	0x25	100	1			\\172.23.33.10\IPC$						
102	0x25	101	0			\\172.23.33.10\IPC$						
103	0x25	101	1			\\172.23.33.10\IPC$						
104	0x25	102	0			\\172.23.33.10\IPC$						
105	0x25	102	1			\\172.23.33.10\IPC$						
106	0x25	103	0			\\172.23.33.10\IPC$						
107	0x25	103	1			\\172.23.33.10\IPC$						
108	0x25	104	0			\\172.23.33.10\IPC$						
109	0x25	104	1			\\172.23.33.10\IPC$						
110	0x25	105	0			\\172.23.33.10\IPC$						
111	0x25	105	1			\\172.23.33.10\IPC$						
112	0x25	106	0			\\172.23.33.10\IPC$						
113	0x25	106	1			\\172.23.33.10\IPC$						
114	0x25	107	0			\\172.23.33.10\IPC$						
115	0x25	107	1			\\172.23.33.10\IPC$						
116	0x25	108	0			\\172.23.33.10\IPC$						
117	0x25	108	1			\\172.23.33.10\IPC$						
118	0x25	109	0			\\172.23.33.10\IPC$						
119	0x25	109	1			\\172.23.33.10\IPC$						
120	0x25	110	0			\\172.23.33.10\IPC$						
121	0x25	110	1			\\172.23.33.10\IPC$						
122	0x25	111	0			\\172.23.33.10\IPC$						
123	0x25	111	1			\\172.23.33.10\IPC$						
124	0x25	112	0			\\172.23.33.10\IPC$						
125	0x25	112	1			\\172.23.33.10\IPC$						
126	0x25	113	0			\\172.23.33.10\IPC$						
127	0x25	113	1			\\172.23.33.10\IPC$						
128	0x25	114	0			\\172.23.33.10\IPC$						
129	0x25	114	1			\\172.23.33.10\IPC$						
130	0x25	115	0			\\172.23.33.10\IPC$						
131	0x25	115	1			\\172.23.33.10\IPC$						
132	0x25	116	0			\\172.23.33.10\IPC$						
133	0x25	116	1			\\172.23.33.10\IPC$						
134	0x25	117	0			\\172.23.33.10\IPC$						
135	0x25	117	1			\\172.23.33.10\IPC$						
136	0x25	118	0			\\172.23.33.10\IPC$						
137	0x25	118	1			\\172.23.33.10\IPC$						
138	0x25	119	0			\\172.23.33.10\IPC$						
139	0x25	119	1			\\172.23.33.10\IPC$						
140	0x25	120	0			\\172.23.33.10\IPC$						
141	0x25	120	1			\\172.23.33.10\IPC$						
142	0x25	121	0			\\172.23.33.10\IPC$						
143	0x25	121	1			\\172.23.33.10\IPC$						
144	0x25	122	0			\\172.23.33.10\IPC$						
145	0x25	122	1			\\172.23.33.10\IPC$						
146	0x25	123	0			\\172.23.33.10\IPC$						
147	0x25	123	1			\\172.23.33.10\IPC$						
148	0x25	124	0			\\172.23.33.10\IPC$						
149	0x25	124	1			\\172.23.33.10\IPC$						
150	0x25	125	0			\\172.23.33.10\IPC$						
151	0x25	125	1			\\172.23.33.10\IPC$						
152	0x25	126	0			\\172.23.33.10\IPC$						
153	0x25	126	1			\\172.23.33.10\IPC$						
154	0x25	127	0			\\172.23.33.10\IPC$						
155	0x25	127	1			\\172.23.33.10\IPC$						
156	0x25	128	0			\\172.23.33.10\IPC$						
157	0x25	128	1			\\172.23.33.10\IPC$						
158	0x26	75	0			\\172.23.33.10\IPC$						
159	0x25	75	1			\\172.23.33.10\IPC$						
160	0x2f,0xff	16384	0	0x4000	lsarpc	\\172.23.33.10\IPC$						
161	0x2f,0xff	16384	1	0x4000	lsarpc	\\172.23.33.10\IPC$						
165	0x26	16384	0			\\172.23.33.10\IPC$						
167	0x26	0	0			\\172.23.33.10\IPC$						
168	0x26	0	1			\\172.23.33.10\IPC$						
169	0x26	16384	0			\\172.23.33.10\IPC$						
171	0x26,0x26,0x26,0x26,0x26,0x26,0x26,0x26,0x26	0,16384,16384,0,0,0,0,0,92	0,0,0,0,0,0,0,0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$						
172	0x25	92	1			\\172.23.33.10\IPC$						
173	0x26	0	0			\\172.23.33.10\IPC$						
175	0x26,0x26,0x26,0x26	0,0,0,92	0,0,0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$						
176	0x25	92	1			\\172.23.33.10\IPC$						
177	0x26	0	0			\\172.23.33.10\IPC$						
179	0x26,0x26,0x26,0x26	0,0,0,92	0,0,0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$						
180	0x25	92	1			\\172.23.33.10\IPC$						
181	0x26	0	0			\\172.23.33.10\IPC$						
183	0x26,0x26,0x26,0x26	0,0,0,92	0,0,0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$						
184	0x25	92	1			\\172.23.33.10\IPC$						
185	0xa2,0xff	128	0		lsarpc	\\172.23.33.10\IPC$						
186	0xa2,0xff	128	1	0x4001	lsarpc	\\172.23.33.10\IPC$						
187	0x26	0	0			\\172.23.33.10\IPC$						
189	0x26,0x26,0x26,0x26,0x26,0x26,0x26,0x26,0x26,0x26	0,0,0,0,92,0,0,0,0,92	0,0,0,0,0,0,0,0,0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$,\\172.23.33.10\IPC$						
190	0x25	92	1			\\172.23.33.10\IPC$						
191	0x26	16384	0			\\172.23.33.10\IPC$						
192	0x26	0	0			\\172.23.33.10\IPC$						
196	0x26	16384	0			\\172.23.33.10\IPC$						
198	0x26,0x32	0,129	0,0			\\172.23.33.10\IPC$,\\172.23.33.10\IPC$		0x000e				
199	0x32	129	1			\\172.23.33.10\IPC$		0x000e				
202	0x26	92	1			\\172.23.33.10\IPC$						
`,
};
