/**
 * DoublePulsar, the SMB backdoor the MS17-010 exploits install: its commands and its answers.
 * Two rules on one state machine (each DoublePulsar command is a request whose answer decides
 * which rule speaks): `doublepulsar` when an implant answered, `doublepulsar-ping` when a command
 * got the answer of a host without the implant (or none).
 *
 * Facts (zerosum0x0, "DoublePulsar Initial SMB Backdoor Ring 0 Shellcode Analysis";
 * countercept/doublepulsar-detection-script; nmap smb-double-pulsar-backdoor;
 * 0xl3x1/zeek-EternalSafety, EternalSafety::DoublePulsar; [MS-CIFS] 2.2.6.9):
 * - the implant hooks TRANS2_SESSION_SETUP (TRANSACTION2 with Setup[0] = 0x000e), a subcommand
 *   "reserved but not implemented" that clients SHOULD NOT send; Windows answers it with
 *   STATUS_NOT_IMPLEMENTED;
 * - a command's opcode is the sum of the four bytes of the request's Timeout, modulo 256: 0x23
 *   ping, 0xc8 exec (run the payload in the data), 0x77 kill (uninstall);
 * - the implant answers, still with STATUS_NOT_IMPLEMENTED, with the Multiplex ID raised by 0x10
 *   (success), 0x20 (invalid parameters) or 0x30 (allocation failure): the scanners send the ping
 *   with MID 65 and call a host infected when the answer's MID is 81; the answer to a ping carries
 *   the implant's XOR-key seed in the low four bytes of the SecuritySignature and a non-zero high
 *   half on x64.
 * @module
 */
import type { DecodeEvent, SmbEvent } from "../../events.ts";
import type { Rule, RuleContext } from "../rule.ts";
import { connectionOf, num, str } from "./facts.ts";
import {
  endsOf,
  midOf,
  serverOf,
  smb1,
  STATUS_NOT_IMPLEMENTED,
  TRANS2_SESSION_SETUP,
} from "./smb1_exploit_facts.ts";

/** The implant's command opcodes (sum of the Timeout's bytes). */
const COMMANDS: Readonly<Record<number, string>> = { 0x23: "ping", 0xc8: "exec", 0x77: "kill" };
/** MID increments of the implant's answers and their meaning. */
const ANSWERS: Readonly<Record<number, string>> = {
  0x10: "success",
  0x20: "invalid parameters",
  0x30: "allocation failure",
};
/** DoublePulsar requests awaiting an answer per connection; past it the oldest counts as unanswered. */
const MAX_PENDING = 64;

/** The opcode a Timeout encodes. */
export function doublePulsarOpcode(timeout: number): number {
  return ((timeout & 0xff) + ((timeout >>> 8) & 0xff) + ((timeout >>> 16) & 0xff) +
    ((timeout >>> 24) & 0xff)) & 0xff;
}

/** The implant's XOR key from the seed in a ping answer's signature (zerosum0x0's formula). */
export function doublePulsarXorKey(seed: number): number {
  const s = seed >>> 0;
  return ((2 * s) ^ ((((s & 0xff00) | (s << 16)) << 8) | (((s >>> 16) | (s & 0xff0000)) >>> 8))) >>>
    0;
}

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, "0")}`;

/** One DoublePulsar-shaped request. */
interface Pending {
  request: SmbEvent;
  mid: number;
  timeout: number;
  opcode: number;
  command: string;
}

/** How a request ended. */
type Outcome =
  | { kind: "implant"; pending: Pending; reply: SmbEvent; delta: number }
  | { kind: "same-mid"; pending: Pending; reply: SmbEvent }
  | { kind: "unanswered"; pending: Pending };

/** The request of `list` from the reply's process and tree under its MID, or -1. */
function sameMid(list: readonly Pending[], reply: SmbEvent, mid: number): number {
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if (sameTree(p, reply) && p.mid === mid) return i;
  }
  return -1;
}

/** The request of `list` from the reply's process and tree an implant status below its MID, or -1. */
function implantAnswered(list: readonly Pending[], reply: SmbEvent, mid: number): number {
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if (sameTree(p, reply) && ANSWERS[(mid - p.mid) & 0xffff] !== undefined) return i;
  }
  return -1;
}

/** Whether a reply comes from the request's process and tree. */
function sameTree(p: Pending, reply: SmbEvent): boolean {
  return p.request.processId === reply.processId && p.request.treeId === reply.treeId;
}

/** Follows TRANS2_SESSION_SETUP requests and hands each outcome to `report`. */
function watcher(ctx: RuleContext, report: (o: Outcome) => void) {
  const pending = ctx.state<number, Pending[]>();
  const flush = (conn: number) => {
    const list = pending.get(conn);
    if (list !== undefined) { for (const p of list) report({ kind: "unanswered", pending: p }); }
    pending.delete(conn);
  };
  return {
    event(e: DecodeEvent): void {
      if (e.type === "connection") {
        if (e.action === "close") flush(e.id);
        return;
      }
      // Every SMB message comes here: the command first, which few pass.
      if (e.type !== "smb" || e.command !== "TRANSACTION2") return;
      const m = smb1(e);
      if (m === undefined) return;
      const conn = connectionOf(m);
      const mid = midOf(m);
      if (mid === undefined) return;
      if (!m.response) {
        const setup = m.fields.setup;
        const sub = Array.isArray(setup) ? num(setup[0]) : num(m.fields.subcommand);
        const timeout = num(m.fields.timeout);
        if (sub !== TRANS2_SESSION_SETUP || timeout === undefined) return;
        const opcode = doublePulsarOpcode(timeout);
        const list = pending.get(conn) ?? [];
        list.push({ request: m, mid, timeout, opcode, command: COMMANDS[opcode] ?? "unknown" });
        if (list.length > MAX_PENDING) report({ kind: "unanswered", pending: list.shift()! });
        pending.set(conn, list);
        return;
      }
      const list = pending.get(conn);
      if (list === undefined) return;
      // Loops, not closures: a closure over `m` and `mid` made every call allocate their
      // context, for every SMB message.
      let i = sameMid(list, m, mid);
      if (i >= 0) {
        report({ kind: "same-mid", pending: list[i]!, reply: m });
      } else if (m.request === undefined) {
        // An answer the decoder paired with no request: does its MID encode an implant status?
        i = implantAnswered(list, m, mid);
        if (i < 0) return;
        report({
          kind: "implant",
          pending: list[i]!,
          reply: m,
          delta: (mid - list[i]!.mid) & 0xffff,
        });
      } else return;
      list.splice(i, 1);
      if (list.length === 0) pending.delete(conn);
    },
    end(): void {
      for (const list of [...pending.values()]) {
        for (const p of list) report({ kind: "unanswered", pending: p });
      }
    },
  };
}

function commandText(p: Pending): string {
  return `a DoublePulsar ${p.command === "unknown" ? "command" : p.command} ` +
    `(TRANS2 SESSION_SETUP, MID ${p.mid}, Timeout ${hex(p.timeout, 8)}: opcode ${
      hex(p.opcode, 2)
    })`;
}

function baseValues(p: Pending): Record<string, string | number | boolean> {
  return {
    ...endsOf(p.request),
    command: p.command,
    opcode: hex(p.opcode, 2),
    timeout: p.timeout,
    requestMid: p.mid,
  };
}

/** An implant answered: the MID of the answer is the request's + 0x10, 0x20 or 0x30. */
export const doublepulsar: Rule = {
  id: "doublepulsar",
  title: "DoublePulsar SMB implant answered",
  severity: "critical",
  technique: "T1505",
  techniqueName: "Server Software Component",
  references: [
    "https://zerosum0x0.blogspot.com/2017/04/doublepulsar-initial-smb-backdoor-ring.html",
    "https://github.com/countercept/doublepulsar-detection-script",
    "https://nmap.org/nsedoc/scripts/smb-double-pulsar-backdoor.html",
    "https://github.com/0xl3x1/zeek-EternalSafety",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/14937ad8-38af-4c74-9604-ddb8470d0ed9",
  ],
  description:
    "A server answers a TRANS2 SESSION_SETUP request with a Multiplex ID 0x10, 0x20 or 0x30 above the request's: the DoublePulsar implant's status channel (0x10 success), so the server runs the backdoor.",
  listens: ["smb", "connection"],
  create(ctx) {
    return watcher(ctx, (o) => {
      if (o.kind !== "implant") return;
      const { pending: p, reply, delta } = o;
      const status = num(reply.status) ?? 0;
      const values = {
        ...baseValues(p),
        replyMid: midOf(reply) ?? -1,
        midDelta: hex(delta, 2),
        meaning: ANSWERS[delta]!,
        replyStatus: reply.statusName ?? hex(status, 8),
      } as Record<string, string | number | boolean>;
      const signature = str(reply.header.signature);
      if (signature !== undefined && /^[0-9a-f]{16}$/i.test(signature)) {
        values.signature = signature;
        if (p.command === "ping") {
          const bytes = signature.match(/../g)!.map((b) => parseInt(b, 16));
          const low = (bytes[0]! | bytes[1]! << 8 | bytes[2]! << 16 | bytes[3]! << 24) >>> 0;
          const high = bytes.slice(4).some((b) => b !== 0);
          values.xorKey = hex(doublePulsarXorKey(low), 8);
          values.arch = high ? "x64" : "x86";
        }
      }
      ctx.alert({
        message:
          `${serverOf(reply)} answered ${
            commandText(p)
          } from ${values.client} with MID ${values.replyMid} (+${
            hex(delta, 2)
          }: ${values.meaning}, ${values.replyStatus}): the DoublePulsar implant ` +
          `runs there${
            typeof values.arch === "string" ? ` (${values.arch}, XOR key ${values.xorKey})` : ""
          }`,
        values,
        rests: [p.request, reply],
      });
    });
  },
};

/** A DoublePulsar command got a host's own answer (same MID), or none. */
export const doublepulsarPing: Rule = {
  id: "doublepulsar-ping",
  title: "DoublePulsar command sent (TRANS2 SESSION_SETUP), no implant answered",
  severity: "medium",
  technique: "T1595.002",
  techniqueName: "Vulnerability Scanning",
  references: doublepulsar.references,
  description:
    "A client sends TRANS2 SESSION_SETUP, a subcommand no client uses and the DoublePulsar implant hooks (its ping, exec or kill by the Timeout's opcode), and the server answers with the same MID (Windows: STATUS_NOT_IMPLEMENTED) or not at all: someone probing for, or driving, the backdoor on a host that does not run it.",
  listens: ["smb", "connection"],
  create(ctx) {
    return watcher(ctx, (o) => {
      if (o.kind === "implant") return;
      const p = o.pending;
      const values = baseValues(p);
      let verdict: string;
      if (o.kind === "same-mid") {
        const status = num(o.reply.status) ?? 0;
        values.replyStatus = o.reply.statusName ?? hex(status, 8);
        values.replyMid = p.mid;
        values.windowsAnswer = status === STATUS_NOT_IMPLEMENTED;
        verdict = `answered ${values.replyStatus} with the same MID: ` +
          (status === 0
            ? "not Windows' own answer (STATUS_NOT_IMPLEMENTED), its handler may be replaced"
            : "no implant answered");
      } else {
        values.replyStatus = "none";
        verdict = "no answer seen";
      }
      ctx.alert({
        message: `${values.client} sent ${commandText(p)} to ${values.server}; ${verdict}`,
        values,
        rests: o.kind === "same-mid" ? [p.request, o.reply] : [p.request],
      });
    });
  },
};
