/**
 * Connectionless DCE/RPC (ncadg_ip_udp, [C706] 12.5): each datagram carries
 * an 80-byte header naming the interface, activity, sequence number and
 * operation. Requests are paired with their response, fault or reject by
 * activity and sequence number and reported as `rpc` calls with names;
 * their stubs are not decoded.
 * @module
 */
import { toHex } from "../bytes/cursor.ts";
import { guidString } from "../bytes/wire_values.ts";
import type { Frame } from "../capture/frame.ts";
import type { RpcEvent } from "../events.ts";
import type { ConnectionInfo, StreamObserver } from "../flow/observer.ts";
import type { DcerpcContext } from "./association.ts";
import { interfaceByUuid } from "./names.ts";
import { AUTH_TYPE_NAMES } from "./pdu.ts";
import { faultName } from "./status_names.ts";

/** Bytes of the connectionless header. [C706] 12.5.3 */
const CL_HEADER_BYTES = 80;
/** Packet types (connectionless). */
const REQUEST = 0, RESPONSE = 2, FAULT = 3, REJECT = 6;
/** flags1: last fragment, fragmented. */
const LAST_FRAG = 0x02, FRAG = 0x04;

interface ClHeader {
  ptype: number;
  flags: number;
  littleEndian: boolean;
  object: string;
  iface: string;
  activity: string;
  version: number;
  seqnum: number;
  opnum: number;
  length: number;
  authProto: number;
}

/** Parse a connectionless header, or null when the datagram is not one. */
export function parseClHeader(b: Uint8Array): ClHeader | null {
  if (b.length < CL_HEADER_BYTES || b[0] !== 4 || b[1]! > 10) return null;
  const le = (b[4]! & 0x10) !== 0;
  const view = new DataView(b.buffer, b.byteOffset, CL_HEADER_BYTES);
  const uuid = (at: number) => {
    const v = b.subarray(at, at + 16);
    if (le) return guidString(v);
    const h = toHex(v);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${
      h.slice(20)
    }`;
  };
  return {
    ptype: b[1]!,
    flags: b[2]!,
    littleEndian: le,
    object: uuid(8),
    iface: uuid(24),
    activity: uuid(40),
    version: view.getUint32(60, le),
    seqnum: view.getUint32(64, le),
    opnum: view.getUint16(68, le),
    length: view.getUint16(74, le),
    authProto: b[78]!,
  };
}

interface ClCall {
  key: string;
  header: ClHeader;
  frames: number[];
  ts: number;
  stubBytes: number;
}

/** One UDP conversation's connectionless DCE/RPC; detaches at a first datagram that is not. */
export class DcerpcUdpAnalyzer implements StreamObserver {
  readonly #calls = new Map<string, ClCall>();
  #detached = false;
  #seen = false;

  constructor(readonly conn: ConnectionInfo, readonly ctx: DcerpcContext) {}

  datagram(_fromClient: boolean, payload: Uint8Array, frame: Frame): void {
    if (this.#detached) return;
    const h = parseClHeader(payload);
    if (h === null) {
      if (!this.#seen) this.#detached = true;
      return;
    }
    this.#seen = true;
    const key = `${h.activity}|${h.seqnum}`;
    if (h.ptype === REQUEST) {
      const call = this.#calls.get(key);
      if (call !== undefined) {
        // A further fragment (or a retransmission) of the request.
        if (!call.frames.includes(frame.index) && call.frames.length < 64) {
          call.frames.push(frame.index);
        }
        if (h.flags & FRAG) call.stubBytes += h.length;
        return;
      }
      if (this.#calls.size >= this.ctx.limits.maxRpcCalls) {
        this.ctx.reporter.limit(
          "dcerpc",
          "maxRpcCalls",
          `more than ${this.ctx.limits.maxRpcCalls} connectionless calls awaiting an answer; the oldest reported unanswered`,
          frame.index,
          frame.ts,
          this.conn,
        );
        const next = this.#calls.entries().next();
        if (!next.done) { // a cap of 0: nothing held to drop
          this.#forget(next.value[1]);
          this.#emit(next.value[1], "no_response", undefined, undefined);
        }
      }
      const waiting = { key, header: h, frames: [frame.index], ts: frame.ts, stubBytes: h.length };
      this.#calls.set(key, waiting);
      this.ctx.calls?.add(waiting, () => this.#dropWaiting(waiting));
      return;
    }
    if (h.ptype !== RESPONSE && h.ptype !== FAULT && h.ptype !== REJECT) return;
    const call = this.#calls.get(key);
    if (call === undefined) return;
    if (h.ptype === RESPONSE && (h.flags & FRAG) !== 0 && (h.flags & LAST_FRAG) === 0) return;
    this.#forget(call);
    let status: number | undefined;
    if (h.ptype !== RESPONSE && payload.length >= CL_HEADER_BYTES + 4) {
      status = new DataView(payload.buffer, payload.byteOffset + CL_HEADER_BYTES, 4)
        .getUint32(0, h.littleEndian);
    }
    this.#emit(call, h.ptype === RESPONSE ? "response" : "fault", frame, status);
  }

  /** The decode-wide ledger needs the room of a call still waiting: it is reported unanswered. */
  #dropWaiting(call: ClCall): void {
    if (this.#calls.get(call.key) !== call) return;
    this.#forget(call);
    this.#emit(call, "no_response", undefined);
  }

  /** A call no longer waits, here and decode-wide. */
  #forget(call: ClCall): void {
    this.#calls.delete(call.key);
    this.ctx.calls?.remove(call);
  }

  #emit(call: ClCall, outcome: RpcEvent["outcome"], answer: Frame | undefined, status?: number) {
    const h = call.header;
    const iface = interfaceByUuid(h.iface);
    const event: RpcEvent = {
      type: "rpc",
      action: "call",
      transport: "udp",
      client: this.conn.client,
      server: this.conn.server,
      interface: h.iface,
      interfaceVersion: `${h.version & 0xffff}.${h.version >>> 16}`,
      callId: h.seqnum,
      opnum: h.opnum,
      outcome,
      requestStubBytes: call.stubBytes,
      request: { frames: call.frames, ts: call.ts },
      evidence: { frames: [...call.frames], ts: call.ts, connection: this.conn.id },
    };
    if (iface !== undefined) {
      event.interfaceName = iface.name;
      const op = iface.ops[h.opnum];
      if (op) event.operation = op;
    }
    if (h.object !== "00000000-0000-0000-0000-000000000000") event.objectUuid = h.object;
    if (h.authProto !== 0) {
      event.authType = AUTH_TYPE_NAMES[h.authProto] ?? `auth_type_${h.authProto}`;
    }
    if (status !== undefined) {
      event.status = status;
      event.statusName = faultName(status);
      event.success = false;
    }
    if (answer !== undefined) {
      event.evidence.frames.push(answer.index);
      event.responseTime = Math.max(0, answer.ts - call.ts);
    }
    this.ctx.out.push(event);
  }

  data(): void {}
  gap(): void {}

  close(): void {
    for (const call of this.#calls.values()) {
      this.ctx.calls?.remove(call);
      this.#emit(call, "no_response", undefined);
    }
    this.#calls.clear();
  }
}
