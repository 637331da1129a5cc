/**
 * Names of what DCE/RPC calls end with: fault statuses ([C706] appendix E,
 * the `nca_s_` values, and the Windows codes [MS-RPCE] 3.1.1.5.5 lets
 * servers put in faults) and operations' return values, by the kind the
 * interface returns (Win32 error, NTSTATUS or HRESULT).
 * @module
 */
import { ntStatusName } from "../smb/status.ts";
import { hresultName, win32ErrorName } from "./error_names.ts";
import type { ReturnKind } from "./interfaces/types.ts";

/** Fault statuses of [C706] appendix E (values as tshark lists them, names as C706 spells them). */
const NCA_STATUS: Readonly<Record<number, string>> = {
  0x1c000001: "nca_s_fault_int_div_by_zero",
  0x1c000002: "nca_s_fault_addr_error",
  0x1c000003: "nca_s_fault_fp_div_zero",
  0x1c000004: "nca_s_fault_fp_underflow",
  0x1c000005: "nca_s_fault_fp_overflow",
  0x1c000006: "nca_s_fault_invalid_tag",
  0x1c000007: "nca_s_fault_invalid_bound",
  0x1c000008: "nca_s_rpc_version_mismatch",
  0x1c000009: "nca_s_unspec_reject",
  0x1c00000a: "nca_s_bad_actid",
  0x1c00000b: "nca_s_who_are_you_failed",
  0x1c00000c: "nca_s_manager_not_entered",
  0x1c00000d: "nca_s_fault_cancel",
  0x1c00000e: "nca_s_fault_ill_inst",
  0x1c00000f: "nca_s_fault_fp_error",
  0x1c000010: "nca_s_fault_int_overflow",
  0x1c000012: "nca_s_fault_unspec",
  0x1c000013: "nca_s_fault_remote_comm_failure",
  0x1c000014: "nca_s_fault_pipe_empty",
  0x1c000015: "nca_s_fault_pipe_closed",
  0x1c000016: "nca_s_fault_pipe_order",
  0x1c000017: "nca_s_fault_pipe_discipline",
  0x1c000018: "nca_s_fault_pipe_comm_error",
  0x1c000019: "nca_s_fault_pipe_memory",
  0x1c00001a: "nca_s_fault_context_mismatch",
  0x1c00001b: "nca_s_fault_remote_no_memory",
  0x1c00001c: "nca_s_invalid_pres_context_id",
  0x1c00001d: "nca_s_unsupported_authn_level",
  0x1c00001f: "nca_s_invalid_checksum",
  0x1c000020: "nca_s_invalid_crc",
  0x1c000021: "nca_s_fault_user_defined",
  0x1c000022: "nca_s_fault_tx_open_failed",
  0x1c000023: "nca_s_fault_codeset_conv_error",
  0x1c000024: "nca_s_fault_object_not_found",
  0x1c000025: "nca_s_fault_no_client_stub",
  0x1c010002: "nca_s_op_rng_error",
  0x1c010003: "nca_s_unk_if",
  0x1c010006: "nca_s_wrong_boot_time",
  0x1c010009: "nca_s_you_crashed",
  0x1c01000b: "nca_s_proto_error",
  0x1c010013: "nca_s_out_args_too_big",
  0x1c010014: "nca_s_server_too_busy",
  0x1c010017: "nca_s_unsupported_type",
};

/**
 * DCE statuses the endpoint mapper returns in its status out-parameter
 * ([C706] appendix O); Windows uses the same values on the wire.
 */
const EPT_STATUS: Readonly<Record<number, string>> = {
  0x16c9a0d6: "ept_s_not_registered",
};

/** `0x` and eight hex digits. */
export function hex32(code: number): string {
  return `0x${(code >>> 0).toString(16).padStart(8, "0")}`;
}

/**
 * The name of a fault PDU's status: an `nca_s_` value, else the Win32 error
 * (Windows servers fault with e.g. 5, ERROR_ACCESS_DENIED, or 1783,
 * RPC_X_BAD_STUB_DATA), else an HRESULT, else NTSTATUS, else hex.
 */
export function faultName(status: number): string {
  const nt = ntStatusName(status);
  return NCA_STATUS[status] ?? win32ErrorName(status) ?? hresultName(status) ??
    (nt.startsWith("UNKNOWN_") ? hex32(status) : nt);
}

/** The name of an operation's return value, by what its interface returns. */
export function returnValueName(value: number, kind: ReturnKind): string {
  const dce = EPT_STATUS[value];
  if (dce !== undefined) return dce;
  switch (kind) {
    case "win32":
      return win32ErrorName(value) ?? hex32(value);
    case "hresult":
      return hresultName(value) ?? win32ErrorName(value) ?? hex32(value);
    case "ntstatus":
      return ntStatusName(value);
    default:
      return hex32(value);
  }
}

/** Whether a return value means success, by kind (HRESULT and NTSTATUS: the severity bit clear). */
export function returnValueSucceeded(value: number, kind: ReturnKind): boolean {
  return kind === "win32" ? value === 0 : (value >>> 31) === 0;
}
