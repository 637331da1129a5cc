/**
 * SMB1 DOS errors as NT statuses, so one status vocabulary serves SMB1 and
 * SMB2 (filtering on `STATUS_SUCCESS` finds every success). The table holds,
 * for each DOS error class/code of [MS-CIFS] 2.2.2.4, the NTSTATUS value that
 * section lists for it (the first one where it lists several); DOS errors it
 * maps only to the SMB-specific `STATUS_SMB_*` encodings keep their DOS name.
 * @module
 */
import { dosErrorName, ErrDos, ErrHrd, ErrSrv } from "./dos_errors.ts";
import { NtStatus, ntStatusName } from "./status.ts";

const DOS = 0x01, SRV = 0x02, HRD = 0x03;

/** `class << 16 | code` -> NT status. [MS-CIFS] 2.2.2.4 */
const TABLE: ReadonlyMap<number, number> = new Map([
  [DOS, ErrDos.ERRbadfunc, NtStatus.STATUS_NOT_IMPLEMENTED],
  [DOS, ErrDos.ERRbadfile, NtStatus.STATUS_OBJECT_NAME_NOT_FOUND],
  [DOS, ErrDos.ERRbadpath, NtStatus.STATUS_OBJECT_PATH_NOT_FOUND],
  [DOS, ErrDos.ERRnofids, NtStatus.STATUS_TOO_MANY_OPENED_FILES],
  [DOS, ErrDos.ERRnoaccess, NtStatus.STATUS_ACCESS_DENIED],
  [DOS, ErrDos.ERRbadfid, NtStatus.STATUS_INVALID_HANDLE],
  [DOS, ErrDos.ERRnomem, NtStatus.STATUS_INSUFF_SERVER_RESOURCES],
  [DOS, ErrDos.ERRbaddata, NtStatus.STATUS_DATA_ERROR],
  [DOS, ErrDos.ERRremcd, NtStatus.STATUS_DIRECTORY_NOT_EMPTY],
  [DOS, ErrDos.ERRdiffdevice, NtStatus.STATUS_NOT_SAME_DEVICE],
  [DOS, ErrDos.ERRnofiles, NtStatus.STATUS_NO_MORE_FILES],
  [DOS, ErrDos.ERRbadshare, NtStatus.STATUS_SHARING_VIOLATION],
  [DOS, ErrDos.ERRlock, NtStatus.STATUS_FILE_LOCK_CONFLICT],
  [DOS, ErrDos.ERReof, NtStatus.STATUS_END_OF_FILE],
  [DOS, ErrDos.ERRunsup, NtStatus.STATUS_NOT_SUPPORTED],
  [DOS, ErrDos.ERRfilexists, NtStatus.STATUS_OBJECT_NAME_COLLISION],
  [DOS, ErrDos.ERRinvalidparam, NtStatus.STATUS_INVALID_PARAMETER],
  [DOS, ErrDos.ERRunknownlevel, NtStatus.STATUS_INVALID_LEVEL],
  [DOS, ErrDos.ERROR_NOT_LOCKED, NtStatus.STATUS_RANGE_NOT_LOCKED],
  [DOS, ErrDos.ERRbadpipe, NtStatus.STATUS_INVALID_PIPE_STATE],
  [DOS, ErrDos.ERRpipebusy, NtStatus.STATUS_PIPE_BUSY],
  [DOS, ErrDos.ERRpipeclosing, NtStatus.STATUS_PIPE_CLOSING],
  [DOS, ErrDos.ERRnotconnected, NtStatus.STATUS_PIPE_DISCONNECTED],
  [DOS, ErrDos.ERRmoredata, NtStatus.STATUS_BUFFER_OVERFLOW],
  [DOS, ErrDos.ERROR_EAS_NOT_SUPPORTED, NtStatus.STATUS_EAS_NOT_SUPPORTED],
  [DOS, ErrDos.ERR_NOTIFY_ENUM_DIR, NtStatus.STATUS_NOTIFY_ENUM_DIR],
  [SRV, ErrSrv.ERRbadpw, NtStatus.STATUS_WRONG_PASSWORD],
  [SRV, ErrSrv.ERRaccess, NtStatus.STATUS_NETWORK_ACCESS_DENIED],
  [SRV, ErrSrv.ERRinvnetname, NtStatus.STATUS_BAD_NETWORK_NAME],
  [SRV, ErrSrv.ERRinvdevice, NtStatus.STATUS_BAD_DEVICE_TYPE],
  [SRV, ErrSrv.ERRtoomanyuids, NtStatus.STATUS_TOO_MANY_SESSIONS],
  [SRV, ErrSrv.ERR_NOTIFY_ENUM_DIR, NtStatus.STATUS_NOTIFY_ENUM_DIR],
  [SRV, ErrSrv.ERRaccountExpired, NtStatus.STATUS_ACCOUNT_EXPIRED],
  [SRV, ErrSrv.ERRbadClient, NtStatus.STATUS_INVALID_WORKSTATION],
  [SRV, ErrSrv.ERRbadLogonTime, NtStatus.STATUS_INVALID_LOGON_HOURS],
  [SRV, ErrSrv.ERRpasswordExpired, NtStatus.STATUS_PASSWORD_EXPIRED],
  [HRD, ErrHrd.ERRnowrite, NtStatus.STATUS_MEDIA_WRITE_PROTECTED],
  [HRD, ErrHrd.ERRgeneral, NtStatus.STATUS_UNSUCCESSFUL],
  [HRD, ErrHrd.ERRdiskfull, NtStatus.STATUS_DISK_FULL],
].map(([cls, code, nt]) => [(cls! << 16) | code!, nt!]));

/** The NT status of a DOS error class and code, when [MS-CIFS] names one; success is STATUS_SUCCESS. */
export function dosErrorToNtStatus(errorClass: number, code: number): number | undefined {
  if (errorClass === 0 && code === 0) return NtStatus.STATUS_SUCCESS;
  return TABLE.get((errorClass << 16) | code);
}

/** An SMB1 response's status in the one vocabulary. */
export interface Smb1Status {
  /** The NT status (as sent, or the DOS error's equivalent), or the raw 32 bits when it has none. */
  status: number;
  /** `STATUS_...`, or the DOS name when the DOS error has no NT equivalent. */
  statusName: string;
  /** `ERRDOS/ERRbadfile` for a DOS-class status, as sent. */
  dosError?: string;
}

/** The status of an SMB1 header: `status32` as sent, `ntStatus` from FLAGS2_NT_STATUS. */
export function smb1Status(status32: number, ntStatus: boolean): Smb1Status {
  const s = status32 >>> 0;
  if (ntStatus) return { status: s, statusName: ntStatusName(s) };
  const errorClass = s & 0xff, code = s >>> 16;
  const dosError = dosErrorName(errorClass, code);
  const nt = dosErrorToNtStatus(errorClass, code);
  return nt === undefined
    ? { status: s, statusName: dosError, dosError }
    : { status: nt, statusName: ntStatusName(nt), dosError };
}
