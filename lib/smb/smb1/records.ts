/**
 * Typed records of the SMB1 commands sessions and consumers act on, read
 * once from what the command decoders found, so nothing above the parser
 * reads fields by name. [MS-CIFS] 2.2.4
 * @module
 */
import { Smb1Command as Cmd } from "./commands.ts";
import type { Smb1Command, Smb1Record } from "./types.ts";

/** SMB_COM_NT_RENAME InformationLevel SMB_NT_RENAME_SET_LINK_INFO. [MS-CIFS] 2.2.4.66.1 */
const NT_RENAME_HARD_LINK = 0x0103;

function num(c: Smb1Command, name: string): number | undefined {
  const v = c.fields[name];
  return typeof v === "number" ? v : undefined;
}

function str(c: Smb1Command, name: string): string | undefined {
  const v = c.fields[name];
  return typeof v === "string" ? v : undefined;
}

/** OPEN_ANDX OpenResults action as the create-action names NT_CREATE_ANDX uses. [MS-CIFS] 2.2.4.41.2 */
function openActionName(action: number | undefined): string | undefined {
  switch (action) {
    case 1:
      return "FILE_OPENED";
    case 2:
      return "FILE_CREATED";
    case 3:
      return "FILE_OVERWRITTEN";
    default:
      return undefined;
  }
}

/** Sets `fid` and `record` on a decoded command (after reassembly too: call again). */
export function addRecord(c: Smb1Command, response: boolean): void {
  const fid = num(c, "fid");
  if (fid !== undefined) c.fid = fid;
  const fileName = str(c, "fileName");
  if (fileName !== undefined) c.fileName = fileName;
  const record = recordOf(c, response);
  if (record !== undefined) c.record = record;
}

function recordOf(c: Smb1Command, response: boolean): Smb1Record | undefined {
  switch (c.code) {
    case Cmd.NEGOTIATE:
      return response ? { kind: "negotiate_response", dialect: str(c, "dialect") } : undefined;
    case Cmd.SESSION_SETUP_ANDX: {
      if (!response) {
        return {
          kind: "session_setup_request",
          accountName: str(c, "accountName") ?? "",
          primaryDomain: str(c, "primaryDomain") ?? "",
        };
      }
      const action = num(c, "action");
      return action === undefined
        ? undefined
        : { kind: "session_setup_response", guest: (action & 0x0001) !== 0 };
    }
    case Cmd.TREE_CONNECT_ANDX:
      return response
        ? { kind: "tree_connect_response", service: str(c, "service") }
        : { kind: "tree_connect_request", path: str(c, "path") ?? "" };
    case Cmd.NT_CREATE_ANDX:
    case Cmd.OPEN_ANDX: {
      if (!response) {
        const fileName = str(c, "fileName");
        return fileName === undefined
          ? undefined
          : { kind: "open_request", fileName, createOptions: num(c, "createOptions") ?? 0 };
      }
      if (c.fid === undefined) return undefined;
      const directory = c.fields.directory;
      const creationTime = c.fields.creationTime, lastWriteTime = c.fields.lastWriteTime;
      return {
        kind: "open_response",
        fid: c.fid,
        createActionName: str(c, "createActionName") ?? openActionName(num(c, "openAction")),
        endOfFile: num(c, "endOfFile"),
        creationTime: typeof creationTime === "string" ? creationTime : null,
        lastWriteTime: typeof lastWriteTime === "string" ? lastWriteTime : null,
        directory: typeof directory === "boolean" ? directory : undefined,
      };
    }
    case Cmd.DELETE:
    case Cmd.DELETE_DIRECTORY:
    case Cmd.RENAME:
    case Cmd.NT_RENAME: {
      const fileName = str(c, "fileName");
      if (response || fileName === undefined) return undefined;
      const level = num(c, "infoLevel");
      return {
        kind: "path_request",
        action: c.code === Cmd.DELETE
          ? "delete"
          : c.code === Cmd.DELETE_DIRECTORY
          ? "rmdir"
          : level === NT_RENAME_HARD_LINK
          ? "link"
          : "rename",
        fileName,
        newFileName: str(c, "newFileName"),
      };
    }
    case Cmd.READ_ANDX: {
      const offset = num(c, "offset");
      return !response && offset !== undefined
        ? { kind: "read_request", offset, length: num(c, "length") ?? 0 }
        : undefined;
    }
    case Cmd.WRITE_ANDX: {
      const offset = num(c, "offset"), dataLength = num(c, "dataLength");
      return !response && offset !== undefined && dataLength !== undefined
        ? { kind: "write_request", offset, dataLength }
        : undefined;
    }
    case Cmd.TRANSACTION: {
      const subcommand = num(c, "subcommand");
      return response ? undefined : {
        kind: "transaction_request",
        name: str(c, "transName"),
        subcommand,
      };
    }
  }
  return undefined;
}
