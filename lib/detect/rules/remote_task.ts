/**
 * Scheduled tasks created from the network ([MS-TSCH]): an at.exe-style job
 * (atsvc NetrJobAdd, opnum 0, whose AT_INFO names the command) or a Task
 * Scheduler 2.0 task (ITaskSchedulerService SchRpcRegisterTask, opnum 1,
 * whose task XML holds the command in its Exec action) - impacket atexec,
 * CrackMapExec's atexec method, `schtasks /s`, `at \\host`. Over an
 * encrypted association (atexec asks for packet privacy) only the
 * operation shows; it is reported as such.
 * @module
 */
import type { JsonValue, RpcEvent } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { num, str } from "./facts.ts";
import {
  alertCall,
  alertSealedCall,
  argsOf,
  AssociationUsers,
  callLine,
  callValues,
  encrypted,
  IFACE,
  isCallTo,
  resultsOf,
} from "./rpc_facts.ts";

/** atsvc NetrJobAdd. */
const JOB_ADD = [0] as const;
/** ITaskSchedulerService SchRpcRegisterTask. */
const REGISTER_TASK = [1] as const;
/** Characters of a command or of the task's XML fields kept in values. */
const KEEP = 1024;

/** The five predefined XML entities and character references, decoded. */
function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (all, ent: string) => {
    const e = ent.toLowerCase();
    if (e === "amp") return "&";
    if (e === "lt") return "<";
    if (e === "gt") return ">";
    if (e === "quot") return '"';
    if (e === "apos") return "'";
    const code = e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/** The text of every `<tag>...</tag>` in the XML (namespace prefixes allowed), decoded. */
function elements(xml: string, tag: string): string[] {
  const re = new RegExp(
    `<(?:[\\w-]+:)?${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${tag}>`,
    "gi",
  );
  const out: string[] = [];
  for (const m of xml.matchAll(re)) {
    if (out.length >= 8) break;
    out.push(unescapeXml(m[1] ?? "").trim().slice(0, KEEP));
  }
  return out;
}

/** The Exec actions of a task's XML: command and arguments, each as one line. */
function execActions(xml: string): string[] {
  const out: string[] = [];
  const re = /<(?:[\w-]+:)?Exec(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w-]+:)?Exec>/gi;
  for (const m of xml.matchAll(re)) {
    if (out.length >= 8) break;
    const body = m[1] ?? "";
    const command = elements(body, "Command")[0] ?? "";
    const args = elements(body, "Arguments")[0];
    out.push(args !== undefined && args !== "" ? `${command} ${args}` : command);
  }
  return out;
}

/** The rule. */
export const remoteScheduledTask: Rule = {
  id: "remote-scheduled-task",
  title: "Scheduled task created remotely (atsvc, ITaskSchedulerService)",
  severity: "high",
  technique: "T1053",
  techniqueName: "Scheduled Task/Job",
  references: [
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-tsch/920fb461-5cb5-41cc-b0fc-d9449d9976b8",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-tsch/849c131a-64e4-46ef-b015-9d4c599c5167",
    "https://attack.mitre.org/techniques/T1053/005/",
    "https://attack.mitre.org/techniques/T1053/002/",
    "https://github.com/fortra/impacket/blob/master/examples/atexec.py",
  ],
  description:
    "atsvc NetrJobAdd (an at.exe job, naming its command) or ITaskSchedulerService SchRpcRegisterTask (a task, naming its path and the command of its Exec action), called over the network; encrypted calls are reported with the operation only.",
  listens: ["rpc", "ntlm", "kerberos"],
  create(ctx) {
    const users = new AssociationUsers(ctx);

    const raise = (e: RpcEvent, message: string, values: { [key: string]: JsonValue }): void =>
      alertCall(ctx, users, e, { message, values: callValues(e, users, values) });
    const sealedCall = (e: RpcEvent): void => alertSealedCall(ctx, users, e, "Scheduled task call");

    return {
      event(e) {
        if (e.type === "ntlm" || e.type === "kerberos") return users.learn(e);
        if (isCallTo(e, IFACE.atsvc, JOB_ADD)) {
          if (encrypted(e)) return sealedCall(e);
          const a = argsOf(e);
          const command = str(a?.command);
          if (a === undefined || command === undefined) return;
          const values: { [key: string]: JsonValue } = { command: command.slice(0, KEEP) };
          for (const k of ["jobTimeOfDay", "daysOfMonth", "daysOfWeek", "flags", "serverName"]) {
            if (a[k] !== undefined) values[k] = a[k]!;
          }
          const jobId = num(resultsOf(e)?.jobId);
          if (jobId !== undefined && e.success === true) values.jobId = jobId;
          const at = str(a.jobTimeOfDay);
          raise(
            e,
            `at job on ${e.server.ip}${at !== undefined ? ` at ${at}` : ""}: ${
              command.slice(0, 200)
            } (${callLine(e)})`,
            values,
          );
        } else if (isCallTo(e, IFACE.tsch, REGISTER_TASK)) {
          if (encrypted(e)) return sealedCall(e);
          const a = argsOf(e);
          if (a === undefined) return;
          const path = str(a.path);
          const xml = str(a.xml) ?? "";
          if (path === undefined && xml === "") return;
          const commands = execActions(xml);
          const values: { [key: string]: JsonValue } = { path: path ?? null, commands };
          const userIds = elements(xml, "UserId");
          if (userIds.length > 0) values.runAs = userIds[0]!;
          const hidden = elements(xml, "Hidden")[0];
          if (hidden !== undefined) values.hidden = hidden.toLowerCase() === "true";
          for (const k of ["flags", "logonType", "xmlLength", "xmlTruncated"]) {
            if (a[k] !== undefined) values[k] = a[k]!;
          }
          const actual = str(resultsOf(e)?.actualPath);
          if (actual !== undefined) values.actualPath = actual;
          raise(
            e,
            `Task ${path ?? "(no path)"} registered on ${e.server.ip}${
              commands.length > 0 ? `: ${commands[0]!.slice(0, 200)}` : ""
            } (${callLine(e)})`,
            values,
          );
        }
      },
    };
  },
};
