/**
 * Generate lib/smb/status.ts: the one table of NT status codes ([MS-ERREF] 2.3.1) and the
 * lookups over it.
 *
 * Usage:
 *   deno run --allow-read --allow-write tools/make_status_table.ts [--source FILE] [--out FILE]
 *   deno run --allow-read tools/make_status_table.ts --check [--source FILE] [--out FILE]
 *
 * Source: impacket 0.10.0 `impacket/nt_errors.py` (Debian package python3-impacket 0.10.0-4,
 * installed at /usr/lib/python3/dist-packages/impacket/nt_errors.py), whose ERROR_MESSAGES dict is
 * a transcription of the [MS-ERREF] 2.3.1 NTSTATUS table: 1,793 rows, names exactly as MS-ERREF
 * spells them (including the DBG_, RPC_NT_, EPT_NT_ and RPC_P_ names that MS-ERREF lists without a
 * STATUS_ prefix). Only the hex value and name of each `0x........: ("NAME", ...)` row are read;
 * the message texts are not copied.
 *
 * Added by hand below (SUPPLEMENT), each with where it was checked:
 *  - rows of a newer [MS-ERREF] revision that impacket 0.10.0 lacks, as found in Samba's copy of
 *    MS-ERREF 2.3.1 (samba-team/samba libcli/util/ntstatus_err_table.txt at commit
 *    c465f5f3a157cc88290659947068c31b6c9e5557);
 *  - NTSTATUS values that Wireshark 4.0.17 names (its NT_errors table, `tshark -G values`, field
 *    smb2.nt_status) but MS-ERREF does not list, so that our names match tshark's. Wireshark's
 *    entries that are not NTSTATUS values (SEC_E_*, MAPI_E_* HRESULTs) and 0x0000045C
 *    (a Win32 error number) are left out.
 *
 * Values that MS-ERREF lists under two names keep one name in NtStatus (the one Samba's and the
 * Windows SDK's headers treat as primary); the other goes in NtStatusAlias.
 *
 * The generated file is long on purpose: one line per status. Edit this script, not the output.
 */

const DEFAULT_SOURCE = "/usr/lib/python3/dist-packages/impacket/nt_errors.py";
const DEFAULT_OUT = new URL("../lib/smb/status.ts", import.meta.url).pathname;

/** Source revision named in the generated file's header. */
const SOURCE_NAME = "[MS-ERREF] 2.3.1 as transcribed in impacket 0.10.0 impacket/nt_errors.py\n" +
  "//   (Debian python3-impacket 0.10.0-4)";

/** Rows not in the source, with where each was checked. */
const SUPPLEMENT: ReadonlyArray<readonly [number, string, string]> = [
  // Samba's MS-ERREF 2.3.1 copy (libcli/util/ntstatus_err_table.txt @ c465f5f3).
  [0xC0000460, "STATUS_NO_RANGES_PROCESSED", "samba"],
  [0xC0000463, "STATUS_DEVICE_FEATURE_NOT_SUPPORTED", "samba"],
  [0xC0000464, "STATUS_DEVICE_UNREACHABLE", "samba"],
  [0xC0000465, "STATUS_INVALID_TOKEN", "samba"],
  [0xC0000466, "STATUS_SERVER_UNAVAILABLE", "samba"],
  [0xC0000480, "STATUS_SHARE_UNAVAILABLE", "samba"],
  [0xC000A2A1, "STATUS_OFFLOAD_READ_FLT_NOT_SUPPORTED", "samba"],
  [0xC000A2A2, "STATUS_OFFLOAD_WRITE_FLT_NOT_SUPPORTED", "samba"],
  [0xC000A2A3, "STATUS_OFFLOAD_READ_FILE_NOT_SUPPORTED", "samba"],
  [0xC000A2A4, "STATUS_OFFLOAD_WRITE_FILE_NOT_SUPPORTED", "samba"],
  // Wireshark 4.0.17 NT_errors, not in MS-ERREF.
  [0x00000100, "STATUS_KERNEL_APC", "wireshark"],
  [0xC000009E, "STATUS_DEVICE_POWER_FAILURE", "wireshark"],
  [0xC000010F, "STATUS_ABIOS_NOT_PRESENT", "wireshark"],
  [0xC0000110, "STATUS_ABIOS_LID_NOT_EXIST", "wireshark"],
  [0xC0000111, "STATUS_ABIOS_LID_ALREADY_OWNED", "wireshark"],
  [0xC0000112, "STATUS_ABIOS_NOT_LID_OWNER", "wireshark"],
  [0xC0000113, "STATUS_ABIOS_INVALID_COMMAND", "wireshark"],
  [0xC0000114, "STATUS_ABIOS_INVALID_LID", "wireshark"],
  [0xC0000115, "STATUS_ABIOS_SELECTOR_NOT_AVAILABLE", "wireshark"],
  [0xC0000116, "STATUS_ABIOS_INVALID_SELECTOR", "wireshark"],
  [0xC00002E8, "STATUS_MULTIPLE_FAULT_VIOLATION", "wireshark"],
  // [MS-RSVD] shared virtual disk statuses, as named by Wireshark.
  [0xC05C0000, "STATUS_SVHDX_ERROR_STORED", "wireshark"],
  [0xC05CFF00, "STATUS_SVHDX_ERROR_NOT_AVAILABLE", "wireshark"],
  [0xC05CFF01, "STATUS_SVHDX_UNIT_ATTENTION_AVAILABLE", "wireshark"],
  [0xC05CFF02, "STATUS_SVHDX_UNIT_ATTENTION_CAPACITY_DATA_CHANGED", "wireshark"],
  [0xC05CFF03, "STATUS_SVHDX_UNIT_ATTENTION_RESERVATIONS_PREEMPTED", "wireshark"],
  [0xC05CFF04, "STATUS_SVHDX_UNIT_ATTENTION_RESERVATIONS_RELEASED", "wireshark"],
  [0xC05CFF05, "STATUS_SVHDX_UNIT_ATTENTION_REGISTRATIONS_PREEMPTED", "wireshark"],
  [0xC05CFF06, "STATUS_SVHDX_UNIT_ATTENTION_OPERATING_DEFINITION_CHANGED", "wireshark"],
  [0xC05CFF07, "STATUS_SVHDX_RESERVATION_CONFLICT", "wireshark"],
  [0xC05CFF08, "STATUS_SVHDX_WRONG_FILE_TYPE", "wireshark"],
  [0xC05CFF09, "STATUS_SVHDX_VERSION_MISMATCH", "wireshark"],
  [0xC05CFF0A, "STATUS_VHD_SHARED", "wireshark"],
];

/** For values listed under two names: the second name of each pair, kept as an alias. */
const ALIASES: ReadonlyArray<readonly [string, number]> = [
  // MS-ERREF lists 0x00000000 as STATUS_SUCCESS and STATUS_WAIT_0; impacket omits the latter.
  ["STATUS_WAIT_0", 0x00000000],
  ["STATUS_ABANDONED_WAIT_0", 0x00000080],
  ["STATUS_FWP_TOO_MANY_BOOTTIME_FILTERS", 0xC0220018],
];

/** Prefixes MS-ERREF 2.3.1 uses; anything else in the source is a parse error. */
const PREFIXES = ["STATUS_", "DBG_", "RPC_NT_", "EPT_NT_", "RPC_P_"];

interface Row {
  code: number;
  name: string;
  from: string;
}

function parseSource(text: string): Row[] {
  const start = text.indexOf("ERROR_MESSAGES = {");
  const end = text.indexOf("\n}", start);
  if (start < 0 || end < 0) throw new Error("no ERROR_MESSAGES = { ... } block in the source");
  const rows: Row[] = [];
  const lines = text.slice(start, end).split("\n").slice(1);
  for (const line of lines) {
    if (line.trim() === "") continue;
    const m = /^\s*0x([0-9A-Fa-f]{8}):\s*\(\s*"([A-Za-z0-9_]+)"\s*,/.exec(line);
    if (!m) throw new Error(`unparsed source line: ${line.slice(0, 80)}`);
    rows.push({ code: parseInt(m[1]!, 16), name: m[2]!, from: "ms-erref" });
  }
  return rows;
}

function build(sourceText: string): { table: Row[]; aliases: Row[] } {
  const aliasNames = new Set(ALIASES.map(([n]) => n));
  const byCode = new Map<number, Row>();
  const byName = new Map<string, Row>();
  const all = [
    ...parseSource(sourceText),
    ...SUPPLEMENT.map(([code, name, from]) => ({ code, name, from })),
  ];
  for (const row of all) {
    if (!PREFIXES.some((p) => row.name.startsWith(p))) {
      throw new Error(`unexpected name ${row.name}`);
    }
    if (aliasNames.has(row.name)) continue;
    const seen = byCode.get(row.code);
    if (seen) throw new Error(`0x${hex8(row.code)} is both ${seen.name} and ${row.name}`);
    if (byName.has(row.name)) throw new Error(`${row.name} listed twice`);
    byCode.set(row.code, row);
    byName.set(row.name, row);
  }
  const aliases = ALIASES.map(([name, code]) => {
    if (!byCode.has(code)) throw new Error(`alias ${name} of unlisted 0x${hex8(code)}`);
    return { code, name, from: "alias" };
  });
  const table = [...byCode.values()].sort((a, b) => a.code - b.code);
  return { table, aliases };
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, "0");
}

function render(table: Row[], aliases: Row[]): string {
  const counts = new Map<string, number>();
  for (const r of table) counts.set(r.from, (counts.get(r.from) ?? 0) + 1);
  const rows = table.map((r) => `  ${r.name}: 0x${hex8(r.code)},`).join("\n");
  const aliasRows = aliases.map((r) => `  ${r.name}: 0x${hex8(r.code)},`).join("\n");
  return `// Generated by tools/make_status_table.ts: edit that script and run it again, not this file.
// Source: ${SOURCE_NAME}: ${counts.get("ms-erref") ?? 0} distinct values, plus ${
    counts.get("samba") ?? 0
  } rows of a newer
//   MS-ERREF revision from Samba's copy (samba-team/samba libcli/util/ntstatus_err_table.txt
//   @ c465f5f3a157cc88290659947068c31b6c9e5557) and ${
    counts.get("wireshark") ?? 0
  } NTSTATUS values named by
//   Wireshark 4.0.17 (NT_errors) that MS-ERREF does not list.
/**
 * NT status codes: [MS-ERREF] 2.3.1, ${table.length} values, the only place they live. Names are
 * MS-ERREF's own (mostly STATUS_*, but DBG_*, RPC_NT_*, EPT_NT_* and RPC_P_* where MS-ERREF says
 * so, as Wireshark prints them). Also the SMB1 status field, which is an NT status or a DOS error
 * class/code pair ([MS-CIFS] 2.2.2.4, table in dos_errors.ts).
 * @module
 */
import { dosErrorName } from "./dos_errors.ts";

export {
  DosErrorClass,
  dosErrorClassName,
  dosErrorName,
  ErrDos,
  ErrHrd,
  ErrSrv,
} from "./dos_errors.ts";

/** NTSTATUS values by name. [MS-ERREF] 2.3.1; one name per value (second names: NtStatusAlias). */
export const NtStatus = {
${rows}
} as const;
/** An NTSTATUS value that has a name. */
export type NtStatus = (typeof NtStatus)[keyof typeof NtStatus];

/** Second names MS-ERREF gives to a value that NtStatus already names. */
export const NtStatusAlias = {
${aliasRows}
} as const;

const NAMES = new Map<number, string>(Object.entries(NtStatus).map(([n, c]) => [c, n]));

/** The name of an NT status; \`UNKNOWN_0x%08x\` when unnamed. Takes the code as an unsigned 32-bit number. */
export function ntStatusName(code: number): string {
  const c = code >>> 0;
  return NAMES.get(c) ?? \`UNKNOWN_0x\${c.toString(16).padStart(8, "0")}\`;
}

/** Severity of an NT status: its top two bits. [MS-ERREF] 2.3 */
export type NtStatusSeverity = "success" | "informational" | "warning" | "error";

const SEVERITY: readonly NtStatusSeverity[] = ["success", "informational", "warning", "error"];

/** The severity of an NT status, from its top two bits. */
export function ntStatusSeverity(code: number): NtStatusSeverity {
  return SEVERITY[(code >>> 30) & 3]!;
}

/**
 * Name of an SMB1 header Status field. With FLAGS2_NT_STATUS (\`ntStatus\`) it is an NT status;
 * otherwise, read as a little-endian u32, byte 0 is the DOS ErrorClass, byte 1 reserved and the
 * high 16 bits the ErrorCode ([MS-CIFS] 2.2.3.1), named like \`ERRDOS/ERRbadfile\`.
 */
export function smb1StatusName(status32: number, ntStatus: boolean): string {
  const s = status32 >>> 0;
  return ntStatus ? ntStatusName(s) : dosErrorName(s & 0xff, s >>> 16);
}
`;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (import.meta.main) {
  const args = Deno.args;
  const source = arg(args, "--source") ?? DEFAULT_SOURCE;
  const out = arg(args, "--out") ?? DEFAULT_OUT;
  const { table, aliases } = build(await Deno.readTextFile(source));
  const raw = render(table, aliases);
  const fmt = new Deno.Command("deno", {
    args: ["fmt", "--ext", "ts", "-"],
    cwd: new URL("..", import.meta.url).pathname,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = fmt.stdin.getWriter();
  await writer.write(new TextEncoder().encode(raw));
  await writer.close();
  const { success, stdout } = await fmt.output();
  if (!success) throw new Error("deno fmt failed on the generated text");
  const text = new TextDecoder().decode(stdout);
  if (args.includes("--check")) {
    const current = await Deno.readTextFile(out);
    if (current !== text) {
      console.error(`${out} is not what tools/make_status_table.ts generates; run it again`);
      Deno.exit(1);
    }
    console.log(`${out} is up to date (${table.length} statuses)`);
  } else {
    await Deno.writeTextFile(out, text);
    console.log(`wrote ${out}: ${table.length} statuses, ${aliases.length} aliases`);
  }
}
