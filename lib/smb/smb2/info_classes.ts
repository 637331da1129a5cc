/**
 * Information types and classes of QUERY_INFO, SET_INFO and QUERY_DIRECTORY.
 * [MS-SMB2] 2.2.37 (InfoType), [MS-FSCC] 2.4 (file information classes,
 * FILE_INFORMATION_CLASS numbering) and 2.5 (file system information classes).
 * @module
 */
import { enumLookup } from "./wire.ts";

/** InfoType. [MS-SMB2] 2.2.37 */
export const InfoType = {
  FILE: 0x01,
  FILESYSTEM: 0x02,
  SECURITY: 0x03,
  QUOTA: 0x04,
} as const;
export const infoTypeName: (v: number) => string = enumLookup(InfoType);

/** File information classes. [MS-FSCC] 2.4 */
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
export const fileInformationClassName: (v: number) => string = enumLookup(FileInformationClass);

/** File system information classes. [MS-FSCC] 2.5 */
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
export const fsInformationClassName: (v: number) => string = enumLookup(FsInformationClass);

/**
 * The class's name for its info type: file classes for FILE and QUOTA, file
 * system classes for FILESYSTEM; SECURITY has no classes (`NONE` for 0).
 */
export function infoClassName(infoType: number, infoClass: number): string {
  switch (infoType) {
    case InfoType.FILESYSTEM:
      return fsInformationClassName(infoClass);
    case InfoType.SECURITY:
      return infoClass === 0 ? "NONE" : `UNKNOWN_0x${infoClass.toString(16).padStart(2, "0")}`;
    default:
      return fileInformationClassName(infoClass);
  }
}

/** AdditionalInformation for SECURITY queries and sets. [MS-SMB2] 2.2.37 */
export const SecurityInformation = {
  OWNER_SECURITY_INFORMATION: 0x0000_0001,
  GROUP_SECURITY_INFORMATION: 0x0000_0002,
  DACL_SECURITY_INFORMATION: 0x0000_0004,
  SACL_SECURITY_INFORMATION: 0x0000_0008,
  LABEL_SECURITY_INFORMATION: 0x0000_0010,
  ATTRIBUTE_SECURITY_INFORMATION: 0x0000_0020,
  SCOPE_SECURITY_INFORMATION: 0x0000_0040,
  BACKUP_SECURITY_INFORMATION: 0x0001_0000,
} as const;
