/**
 * Tables [MS-FSCC] and the create calls of both SMB versions share: one place
 * for file and file system information classes, create dispositions and
 * create actions.
 * @module
 */
import { le32 } from "../bytes/cursor.ts";

/** File information classes. [MS-FSCC] 2.4 (SMB1 reaches them as pass-through levels, class + 1000). */
export const FileInformationClass = {
  FileDirectoryInformation: 1,
  FileFullDirectoryInformation: 2,
  FileBothDirectoryInformation: 3,
  FileBasicInformation: 4,
  FileStandardInformation: 5,
  FileInternalInformation: 6,
  FileEaInformation: 7,
  FileAccessInformation: 8,
  FileNameInformation: 9,
  FileRenameInformation: 10,
  FileLinkInformation: 11,
  FileNamesInformation: 12,
  FileDispositionInformation: 13,
  FilePositionInformation: 14,
  FileFullEaInformation: 15,
  FileModeInformation: 16,
  FileAlignmentInformation: 17,
  FileAllInformation: 18,
  FileAllocationInformation: 19,
  FileEndOfFileInformation: 20,
  FileAlternateNameInformation: 21,
  FileStreamInformation: 22,
  FilePipeInformation: 23,
  FilePipeLocalInformation: 24,
  FilePipeRemoteInformation: 25,
  FileMailslotQueryInformation: 26,
  FileMailslotSetInformation: 27,
  FileCompressionInformation: 28,
  FileObjectIdInformation: 29,
  FileCompletionInformation: 30,
  FileMoveClusterInformation: 31,
  FileQuotaInformation: 32,
  FileReparsePointInformation: 33,
  FileNetworkOpenInformation: 34,
  FileAttributeTagInformation: 35,
  FileTrackingInformation: 36,
  FileIdBothDirectoryInformation: 37,
  FileIdFullDirectoryInformation: 38,
  FileValidDataLengthInformation: 39,
  FileShortNameInformation: 40,
  FileIoCompletionNotificationInformation: 41,
  FileIoStatusBlockRangeInformation: 42,
  FileIoPriorityHintInformation: 43,
  FileSfioReserveInformation: 44,
  FileSfioVolumeInformation: 45,
  FileHardLinkInformation: 46,
  FileProcessIdsUsingFileInformation: 47,
  FileNormalizedNameInformation: 48,
  FileNetworkPhysicalNameInformation: 49,
  FileIdGlobalTxDirectoryInformation: 50,
  FileIsRemoteDeviceInformation: 51,
  FileUnusedInformation: 52,
  FileNumaNodeInformation: 53,
  FileStandardLinkInformation: 54,
  FileRemoteProtocolInformation: 55,
  FileRenameInformationBypassAccessCheck: 56,
  FileLinkInformationBypassAccessCheck: 57,
  FileVolumeNameInformation: 58,
  FileIdInformation: 59,
  FileIdExtdDirectoryInformation: 60,
  FileReplaceCompletionInformation: 61,
  FileHardLinkFullIdInformation: 62,
  FileIdExtdBothDirectoryInformation: 63,
  FileDispositionInformationEx: 64,
  FileRenameInformationEx: 65,
  FileRenameInformationExBypassAccessCheck: 66,
  FileDesiredStorageClassInformation: 67,
  FileStatInformation: 68,
  FileMemoryPartitionInformation: 69,
  FileStatLxInformation: 70,
  FileCaseSensitiveInformation: 71,
  FileLinkInformationEx: 72,
  FileLinkInformationExBypassAccessCheck: 73,
  FileStorageReserveIdInformation: 74,
  FileCaseSensitiveInformationForceAccessCheck: 75,
  FileKnownFolderInformation: 76,
} as const;

/** CreateDisposition of SMB1 NT_CREATE_ANDX / NT_TRANSACT_CREATE and SMB2 CREATE. [MS-CIFS] 2.2.4.64.1, [MS-SMB2] 2.2.13 */
export const CreateDisposition = {
  FILE_SUPERSEDE: 0,
  FILE_OPEN: 1,
  FILE_CREATE: 2,
  FILE_OPEN_IF: 3,
  FILE_OVERWRITE: 4,
  FILE_OVERWRITE_IF: 5,
} as const;

/** CreateAction of the create responses. [MS-CIFS] 2.2.4.64.2, [MS-SMB2] 2.2.14 */
export const CreateAction = {
  FILE_SUPERSEDED: 0,
  FILE_OPENED: 1,
  FILE_CREATED: 2,
  FILE_OVERWRITTEN: 3,
} as const;

/** File system information classes. [MS-FSCC] 2.5 (SMB1 reaches them as QUERY_FS pass-through levels, class + 1000). */
export const FsInformationClass = {
  FileFsVolumeInformation: 1,
  FileFsLabelInformation: 2,
  FileFsSizeInformation: 3,
  FileFsDeviceInformation: 4,
  FileFsAttributeInformation: 5,
  FileFsControlInformation: 6,
  FileFsFullSizeInformation: 7,
  FileFsObjectIdInformation: 8,
  FileFsDriverPathInformation: 9,
  FileFsVolumeFlagsInformation: 10,
  FileFsSectorSizeInformation: 11,
  FileFsDataCopyInformation: 12,
  FileFsMetadataSizeInformation: 13,
  FileFsFullSizeInformationEx: 14,
} as const;

/**
 * The directory-entry layouts that carry times, size and attributes (every
 * [MS-FSCC] 2.4 directory class but FileNamesInformation) put EndOfFile at
 * 40 and FileAttributes at 56; their FileName starts at 64 or later.
 */
export const ENTRY_END_OF_FILE_AT = 40;
/** See {@link ENTRY_END_OF_FILE_AT}. */
export const ENTRY_ATTRIBUTES_AT = 56;
/** FileName offset from which an entry layout has them. */
export const ENTRY_FACTS_NAME_AT = 64;

/**
 * EndOfFile and FileAttributes of a directory entry (`entry` starting at its
 * NextEntryOffset, at least 64 bytes): size exact up to 2^53.
 */
export function directoryEntryFacts(entry: Uint8Array): { size: number; attributes: number } {
  const lo = le32(entry, ENTRY_END_OF_FILE_AT), hi = le32(entry, ENTRY_END_OF_FILE_AT + 4);
  return { size: hi * 2 ** 32 + lo, attributes: le32(entry, ENTRY_ATTRIBUTES_AT) };
}
