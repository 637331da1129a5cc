/**
 * Arguments of the AT service (atsvc) of the Task Scheduler Service Remoting
 * Protocol: `at.exe`-style jobs added, deleted, listed and queried remotely
 * (an old but still seen way to run a command on another host). [MS-TSCH]
 * 3.2.5.2 and Appendix A.1 (ATSvc.idl).
 * @module
 */
import type { NdrReader } from "../ndr.ts";
import { type Layout, optionalDword, optionalString, readStruct, returnOnly } from "./common.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";

/**
 * AT_INFO, [MS-TSCH] 2.3.4. JobTime is a DWORD_PTR: 4 bytes in NDR 2.0 and 8
 * in NDR64 (at.exe's own NDR64 calls carry it so; the spec's note that it
 * is "treated as a DWORD" concerns its value).
 */
const AT_INFO: Layout = [
  ["jobTime", "p"],
  ["daysOfMonth", "u"],
  ["daysOfWeek", "b"],
  ["flags", "b"],
  ["command", "s"],
];
/** AT_ENUM, [MS-TSCH] 2.3.5: a job id, then AT_INFO's fields. */
const AT_ENUM: Layout = [["jobId", "u"], ...AT_INFO];

/** JobTime (milliseconds after midnight) as `hh:mm:ss` beside the number. */
function withTimeOfDay(job: RpcArguments): RpcArguments {
  const ms = job.jobTime;
  if (typeof ms === "number" && ms < 86_400_000) {
    const s = Math.floor(ms / 1000);
    const two = (n: number) => String(n).padStart(2, "0");
    job.jobTimeOfDay = `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${
      two(s % 60)
    }`;
  }
  return job;
}

/** One top-level AT_INFO (its command string follows it). */
function atInfo(r: NdrReader): RpcArguments {
  const job: RpcArguments = {};
  readStruct(r, AT_INFO, job);
  r.flush();
  return withTimeOfDay(job);
}

/** AT_ENUM_CONTAINER, [MS-TSCH] 2.3.6: EntriesRead, then the jobs (null when absent). */
function container(r: NdrReader): { count: number; jobs: RpcArguments[] | null } {
  if (r.ndr64) r.align(8);
  const count = r.u32();
  let jobs: RpcArguments[] | null = null;
  if (r.pointer() !== 0) {
    const size = r.ndr64 ? 4 + 8 + 4 + 2 + 8 : 4 + 4 + 4 + 2 + 4;
    const n = r.count(size);
    jobs = r.array(n, size, () => {
      const job: RpcArguments = {};
      readStruct(r, AT_ENUM, job);
      return job;
    });
    r.flush();
    jobs.forEach(withTimeOfDay);
  }
  return { count, jobs };
}

/**
 * The atsvc interface, [MS-TSCH] 3.2.5.2. Opnums decoded: 0 NetrJobAdd (the
 * command, time, days and flags), 1 NetrJobDel, 2 NetrJobEnum (job ids and
 * commands), 3 NetrJobGetInfo. `jobTime` is in milliseconds after midnight,
 * `jobTimeOfDay` the same as `hh:mm:ss`; days and flags are bit masks.
 *
 * @example NetrJobDel's request
 * ```ts
 * import { atsvc } from "./atsvc.ts";
 * import { NdrReader } from "../ndr.ts";
 * const stub = new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0]);
 * const args = atsvc.ops[1]!.request!(new NdrReader(stub));
 * // args: { serverName: null, minJobId: 1, maxJobId: 9 }
 * ```
 */
export const atsvc: InterfaceDecoder = {
  uuids: ["1ff70682-0a51-30e8-076d-740be8cee98b"],
  returns: "win32",
  ops: {
    0: {
      request: (r) => ({ serverName: optionalString(r), ...atInfo(r) }),
      response: (r) => ({ jobId: r.u32(), returnValue: r.u32() }),
    },
    1: {
      request: (r) => ({ serverName: optionalString(r), minJobId: r.u32(), maxJobId: r.u32() }),
      response: returnOnly,
    },
    2: {
      request(r) {
        const serverName = optionalString(r);
        const { count } = container(r);
        return {
          serverName,
          entriesRead: count,
          preferedMaximumLength: r.u32(),
          resumeHandle: optionalDword(r),
        };
      },
      response(r) {
        const { count, jobs } = container(r);
        return {
          count,
          jobs,
          totalEntries: r.u32(),
          resumeHandle: optionalDword(r),
          returnValue: r.u32(),
        };
      },
    },
    3: {
      request: (r) => ({ serverName: optionalString(r), jobId: r.u32() }),
      response: (r) => ({ job: r.pointer() ? atInfo(r) : null, returnValue: r.u32() }),
    },
  },
};
