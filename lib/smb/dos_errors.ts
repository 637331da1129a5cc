/**
 * SMB1 DOS error classes and codes: [MS-CIFS] 2.2.2.4, the only place they live. An SMB1
 * response without FLAGS2_NT_STATUS carries one of these pairs in its Status field
 * (see `smb1StatusName` in status.ts).
 *
 * Names are MS-CIFS's own, including its mixed spellings (ERROR_NOT_LOCKED next to ERRlock).
 * @module
 */

/** Error classes. [MS-CIFS] 2.2.2.4 */
export const DosErrorClass = {
  SUCCESS: 0x00,
  ERRDOS: 0x01,
  ERRSRV: 0x02,
  ERRHRD: 0x03,
  ERRCMD: 0xff,
} as const;
/** A named DOS error class. */
export type DosErrorClass = (typeof DosErrorClass)[keyof typeof DosErrorClass];

/** Codes of class ERRDOS (0x01). [MS-CIFS] 2.2.2.4 */
export const ErrDos = {
  ERRbadfunc: 0x0001,
  ERRbadfile: 0x0002,
  ERRbadpath: 0x0003,
  ERRnofids: 0x0004,
  ERRnoaccess: 0x0005,
  ERRbadfid: 0x0006,
  ERRbadmcb: 0x0007,
  ERRnomem: 0x0008,
  ERRbadmem: 0x0009,
  ERRbadenv: 0x000a,
  ERRbadformat: 0x000b,
  ERRbadaccess: 0x000c,
  ERRbaddata: 0x000d,
  ERRbaddrive: 0x000f,
  ERRremcd: 0x0010,
  ERRdiffdevice: 0x0011,
  ERRnofiles: 0x0012,
  ERRgeneral: 0x001f,
  ERRbadshare: 0x0020,
  ERRlock: 0x0021,
  ERReof: 0x0026,
  ERRunsup: 0x0032,
  ERRfilexists: 0x0050,
  ERRinvalidparam: 0x0057,
  ERROR_NO_MORE_SEARCH_HANDLES: 0x0071,
  ERRunknownlevel: 0x007c,
  ERRinvalidseek: 0x0083,
  ERROR_NOT_LOCKED: 0x009e,
  ERROR_CANCEL_VIOLATION: 0x00ad,
  ERROR_ATOMIC_LOCKS_NOT_SUPPORTED: 0x00ae,
  ERRbadpipe: 0x00e6,
  ERRpipebusy: 0x00e7,
  ERRpipeclosing: 0x00e8,
  ERRnotconnected: 0x00e9,
  ERRmoredata: 0x00ea,
  ERRbadealist: 0x00ff,
  ERROR_CANNOT_COPY: 0x010a,
  ERROR_EAS_DIDNT_FIT: 0x0113,
  ERROR_EAS_NOT_SUPPORTED: 0x011a,
  ERROR_EA_ACCESS_DENIED: 0x03e2,
  ERR_NOTIFY_ENUM_DIR: 0x03fe,
} as const;

/** Codes of class ERRSRV (0x02). [MS-CIFS] 2.2.2.4 */
export const ErrSrv = {
  ERRerror: 0x0001,
  ERRbadpw: 0x0002,
  /** DFS pathname not on local server. */
  ERRbadpath: 0x0003,
  ERRaccess: 0x0004,
  /** Called ERRinvnid in documents before MS-CIFS. */
  ERRinvtid: 0x0005,
  ERRinvnetname: 0x0006,
  ERRinvdevice: 0x0007,
  ERRinvsess: 0x0010,
  ERRworking: 0x0011,
  ERRnotme: 0x0012,
  ERRbadcmd: 0x0016,
  ERRqfull: 0x0031,
  ERRqtoobig: 0x0032,
  ERRqeof: 0x0033,
  ERRinvpfid: 0x0034,
  ERRsmbcmd: 0x0040,
  ERRsrverror: 0x0041,
  ERRfilespecs: 0x0043,
  ERRbadpermits: 0x0045,
  ERRsetattrmode: 0x0047,
  ERRtimeout: 0x0058,
  ERRnoresource: 0x0059,
  ERRtoomanyuids: 0x005a,
  ERRbaduid: 0x005b,
  ERRnotconnected: 0x00e9,
  ERRusempx: 0x00fa,
  ERRusestd: 0x00fb,
  ERRcontmpx: 0x00fc,
  /** Listed under ERRDOS in 2.2.2.4, but NT_TRANSACT_NOTIFY_CHANGE (2.2.7.4.2) returns it as ERRSRV. */
  ERR_NOTIFY_ENUM_DIR: 0x03fe,
  ERRaccountExpired: 0x08bf,
  ERRbadClient: 0x08c0,
  ERRbadLogonTime: 0x08c1,
  ERRpasswordExpired: 0x08c2,
  ERRnosupport: 0xffff,
} as const;

/** Codes of class ERRHRD (0x03). [MS-CIFS] 2.2.2.4 */
export const ErrHrd = {
  ERRnowrite: 0x0013,
  ERRbadunit: 0x0014,
  ERRnotready: 0x0015,
  ERRbadcmd: 0x0016,
  ERRdata: 0x0017,
  ERRbadreq: 0x0018,
  ERRseek: 0x0019,
  ERRbadmedia: 0x001a,
  ERRbadsector: 0x001b,
  ERRnopaper: 0x001c,
  ERRwrite: 0x001d,
  ERRread: 0x001e,
  ERRgeneral: 0x001f,
  ERRbadshare: 0x0020,
  ERRlock: 0x0021,
  ERRwrongdisk: 0x0022,
  ERRFCBUnavail: 0x0023,
  ERRsharebufexc: 0x0024,
  ERRdiskfull: 0x0027,
} as const;

const invert = (table: Readonly<Record<string, number>>): ReadonlyMap<number, string> =>
  new Map(Object.entries(table).map(([name, code]) => [code, name]));

const CLASS_NAMES = invert(DosErrorClass);

/** Code names by class; ERRCMD (0xFF) has no codes listed. */
const CODE_NAMES = new Map<number, ReadonlyMap<number, string>>([
  [DosErrorClass.SUCCESS, new Map()],
  [DosErrorClass.ERRDOS, invert(ErrDos)],
  [DosErrorClass.ERRSRV, invert(ErrSrv)],
  [DosErrorClass.ERRHRD, invert(ErrHrd)],
  [DosErrorClass.ERRCMD, new Map()],
]);

const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, "0");

/** The name of a DOS error class, or `UNKNOWN_CLASS_0x%02x`. */
export function dosErrorClassName(errorClass: number): string {
  return CLASS_NAMES.get(errorClass) ?? `UNKNOWN_CLASS_0x${hex(errorClass, 2)}`;
}

/**
 * The name of a DOS error: `CLASS/code` such as `ERRDOS/ERRbadfile`, with `UNKNOWN_0x%04x` for an
 * unlisted code and `UNKNOWN_CLASS_0x%02x` for an unlisted class. Class SUCCESS with code 0 is
 * `SUCCESS`.
 */
export function dosErrorName(errorClass: number, code: number): string {
  const codes = CODE_NAMES.get(errorClass);
  const codeName = codes?.get(code) ?? `UNKNOWN_0x${hex(code, 4)}`;
  if (errorClass === DosErrorClass.SUCCESS && code === 0) return "SUCCESS";
  return `${dosErrorClassName(errorClass)}/${codeName}`;
}
