/**
 * Information types and classes of QUERY_INFO, SET_INFO and QUERY_DIRECTORY.
 * [MS-SMB2] 2.2.37 (InfoType), [MS-FSCC] 2.4 (file information classes,
 * FILE_INFORMATION_CLASS numbering) and 2.5 (file system information classes).
 * @module
 */
import { FileInformationClass, FsInformationClass } from "../fscc.ts";
import { enumLookup } from "./wire.ts";

/** InfoType. [MS-SMB2] 2.2.37 */
export const InfoType = {
  FILE: 0x01,
  FILESYSTEM: 0x02,
  SECURITY: 0x03,
  QUOTA: 0x04,
} as const;
export const infoTypeName: (v: number) => string = enumLookup(InfoType);

export const fileInformationClassName: (v: number) => string = enumLookup(FileInformationClass);

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

export { FileInformationClass, FsInformationClass };
