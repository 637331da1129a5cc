/**
 * One DCE/RPC association (a named pipe's open, or a TCP connection): the
 * presentation contexts bound, calls in flight with their fragments
 * reassembled by call id, requests paired with responses or faults, NTLM
 * and Kerberos logins carried in auth verifiers, and the `rpc` events.
 * Every store here is capped; the stub bytes kept for argument decoding
 * count against a decode-wide budget.
 * @module
 */
import type { DecodeEvent, Endpoint, JsonValue, RpcContext, RpcEvent } from "../events.ts";
import type { Reporter } from "../report.ts";
import type { Limits } from "../options.ts";
import { GrowingBytes } from "../bytes/growing_bytes.ts";
import type { MessageBudget } from "../state/message_budget.ts";
import type { CallLedger } from "./call_ledger.ts";
import { LoginTracker } from "../auth/login_tracker.ts";
import type { KerberosTickets } from "../auth/kerberos_tickets.ts";
import type { Keyring } from "../auth/keyring.ts";
import { type ArgumentsResult, decodeArguments, hasDecoder } from "./arguments.ts";
import type { EndpointMap } from "./endpoint_map.ts";
import { type FramedPdu, PduFramer, type PieceEvidence } from "./framer.ts";
import { interfaceByUuid } from "./names.ts";
import {
  AUTH_LEVEL_NAMES,
  AUTH_LEVEL_PRIVACY,
  AUTH_TYPE_NAMES,
  type AuthVerifier,
  type CoPdu,
  parseCoPdu,
  PfcFlags,
  PType,
} from "./pdu.ts";
import { faultName } from "./status_names.ts";

/** Decode-wide DCE/RPC state and switches, shared by every association. */
export interface DcerpcContext {
  readonly out: DecodeEvent[];
  readonly reporter: Reporter;
  readonly limits: Limits;
  /** Ports learned from endpoint-mapper answers. */
  readonly endpoints: EndpointMap;
  /** Kerberos tickets seen issued (to name Kerberos logins in binds). */
  readonly tickets: KerberosTickets | undefined;
  /** Stub bytes held for argument decoding across all associations. */
  heldStubBytes: number;
  /** The analyst's secrets (NTLM password checks and hash export in binds), when given. */
  readonly keyring?: Keyring | undefined;
  /** Pays for PDUs split across pieces while they are gathered (`maxTotalSmbMessageBytes`). */
  readonly messages?: MessageBudget | undefined;
  /** Calls awaiting their answer decode-wide (`maxTotalRpcCalls`). */
  readonly calls?: CallLedger | undefined;
}

/** What carries an association, read when an event is made (SMB names may be learned late). */
export interface Carrier {
  transport: RpcEvent["transport"];
  connection: number;
  client: Endpoint;
  server: Endpoint;
  /** SMB pipe opens: the session and its names. */
  smb?: () => {
    sessionId: string;
    user: string | undefined;
    anonymous: boolean;
    share: string | undefined;
    pipe: string;
  };
}

/** STATUS_SUCCESS and STATUS_MORE_PROCESSING_REQUIRED, for the login tracker. */
const SUCCESS = 0;
const MORE_PROCESSING = 0xc0000016;
const MORE_PROCESSING_NAME = "STATUS_MORE_PROCESSING_REQUIRED";

interface Bound {
  uuid: string;
  version: string;
  syntax: string | undefined;
}

interface Half {
  frames: number[];
  ts: number;
  fragments: number;
  stubBytes: number;
  /** Stub bytes kept for decoding, fragment after fragment (undefined: not kept). */
  stub: GrowingBytes | undefined;
  held: number;
  complete: boolean;
  /** The arguments read from the stub once it was complete. */
  decoded?: ArgumentsResult | undefined;
}

interface Call {
  callId: number;
  contextId: number;
  opnum: number;
  objectUuid?: string;
  auth?: AuthVerifier;
  littleEndian: boolean;
  request: Half;
  response?: Half;
  fault?: number;
  note?: string;
  cancelled?: "cancel" | "orphaned";
}

interface PendingBind {
  action: "bind" | "alter_context";
  callId: number;
  contexts: RpcContext[];
  assocGroup: number;
  auth?: AuthVerifier;
  frames: number[];
  ts: number;
}

/** The endpoint mapper. [C706] appendix O */
const EPM_UUID = "e1af8308-5d1f-11c9-91a4-08002b14a0fa";
/** ept_map's opnum. */
const EPT_MAP = 3;

/** Frames kept per call half. */
const MAX_FRAMES = 64;

/** One association's state machine, fed the two directions' bytes. */
export class Association {
  readonly #contexts = new Map<number, Bound>();
  readonly #calls = new Map<number, Call>();
  readonly #binds = new Map<number, PendingBind>();
  readonly #client: PduFramer;
  readonly #server: PduFramer;
  #logins: LoginTracker | undefined;
  /** An AUTH3 or authenticate token was sent: the next answer tells whether it was accepted. */
  #awaitingOutcome = false;
  #ended = false;
  /** The bind_ack's secondary address (the server's real endpoint name). */
  #secondaryAddress: string | undefined;
  #lastFrame = 0;
  #lastTs = 0;

  constructor(readonly ctx: DcerpcContext, readonly carrier: Carrier) {
    const refused = (d: string, ev: PieceEvidence) =>
      ctx.reporter.limit(
        "dcerpc",
        "maxTotalSmbMessageBytes",
        d,
        ev.frames[0] ?? 0,
        ev.ts,
        this.#ref(),
      );
    const garbage = (d: string, ev: PieceEvidence) => this.#garbage(d, ev);
    this.#client = new PduFramer((p) => this.#pdu(true, p), garbage, ctx.messages, refused);
    this.#server = new PduFramer((p) => this.#pdu(false, p), garbage, ctx.messages, refused);
  }

  /** Bytes of one direction, in order. `startsMessage`: they begin an SMB message's data. */
  data(fromClient: boolean, bytes: Uint8Array, ev: PieceEvidence, startsMessage: boolean): void {
    if (this.#ended) return;
    this.#lastFrame = ev.frames[0] ?? this.#lastFrame;
    this.#lastTs = ev.ts;
    (fromClient ? this.#client : this.#server).push(bytes, ev, startsMessage);
  }

  /** Bytes of one direction are missing. */
  gap(fromClient: boolean): void {
    (fromClient ? this.#client : this.#server).gap();
  }

  /** The association ended: calls without an answer are reported as such. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#client.end();
    this.#server.end();
    for (const bind of this.#binds.values()) this.#emitBind(bind, "no_response", undefined);
    this.#binds.clear();
    for (const call of this.#calls.values()) {
      this.ctx.calls?.remove(call);
      this.#emitCall(call, "no_response");
    }
    this.#calls.clear();
    this.#logins?.close();
  }

  #garbage(detail: string, ev: PieceEvidence): void {
    this.ctx.reporter.anomaly(
      "dcerpc",
      "malformed",
      detail,
      ev.frames[0] ?? 0,
      ev.ts,
      this.#ref(),
      "dcerpc_not_a_pdu",
    );
  }

  #ref() {
    const c = this.carrier;
    return { id: c.connection, client: c.client, server: c.server };
  }

  #pdu(fromClient: boolean, framed: FramedPdu): void {
    const parsed = parseCoPdu(framed.bytes, framed.header);
    if (typeof parsed === "string") {
      this.ctx.reporter.anomaly(
        "dcerpc",
        "malformed",
        parsed,
        framed.frames[0] ?? 0,
        framed.ts,
        this.#ref(),
      );
      return;
    }
    switch (parsed.header.ptype) {
      case PType.bind:
      case PType.alter_context:
        if (fromClient) this.#bind(parsed, framed);
        break;
      case PType.bind_ack:
      case PType.alter_context_resp:
      case PType.bind_nak:
        if (!fromClient) this.#bindAnswer(parsed, framed);
        break;
      case PType.auth3:
        if (fromClient && parsed.auth) this.#clientToken(parsed.auth, framed);
        break;
      case PType.request:
        if (fromClient) this.#request(parsed, framed);
        break;
      case PType.response:
      case PType.fault:
        if (!fromClient) this.#answer(parsed, framed);
        break;
      case PType.co_cancel:
      case PType.orphaned: {
        // The client gave up on a call: it is reported when its answer comes or the
        // association ends, saying so.
        const call = fromClient ? this.#calls.get(parsed.header.callId) : undefined;
        if (call !== undefined) {
          call.cancelled = parsed.header.ptype === PType.co_cancel ? "cancel" : "orphaned";
        }
        break;
      }
      default:
        // shutdown (the server asks the client to end the association): nothing to pair.
        break;
    }
  }

  // --- binds ---

  #bind(pdu: CoPdu, framed: FramedPdu): void {
    const contexts: RpcContext[] = [];
    for (const c of pdu.contexts ?? []) {
      const ctx: RpcContext = {
        id: c.id,
        interface: c.uuid,
        interfaceVersion: c.version,
        transferSyntaxes: c.syntaxes,
      };
      const name = interfaceByUuid(c.uuid)?.name;
      if (name !== undefined) ctx.interfaceName = name;
      contexts.push(ctx);
      // Until the answer comes (or when it never does, in a one-sided capture), calls on the
      // context name the interface offered.
      if (!this.#contexts.has(c.id)) {
        this.#bindContext(c.id, {
          uuid: c.uuid,
          version: c.version,
          syntax: c.syntaxes.length === 1 ? c.syntaxes[0] : undefined,
        });
      }
    }
    if (this.#binds.size >= MAX_PENDING_BINDS) this.#evictBinds();
    const bind: PendingBind = {
      action: pdu.header.ptype === PType.bind ? "bind" : "alter_context",
      callId: pdu.header.callId,
      contexts,
      assocGroup: pdu.assocGroup ?? 0,
      frames: framed.frames,
      ts: framed.ts,
    };
    if (pdu.auth) bind.auth = pdu.auth;
    const old = this.#binds.get(bind.callId);
    if (old !== undefined) this.#emitBind(old, "no_response", undefined);
    this.#binds.set(bind.callId, bind);
    if (pdu.auth) this.#clientToken(pdu.auth, framed);
  }

  #evictBinds(): void {
    this.ctx.reporter.limit(
      "dcerpc",
      "maxPendingBinds",
      `more than ${MAX_PENDING_BINDS} binds awaiting their answer on one association; the oldest reported unanswered`,
      0,
      this.#lastTs,
      this.#ref(),
    );
    const [key, oldest] = this.#binds.entries().next().value!;
    this.#binds.delete(key);
    this.#emitBind(oldest, "no_response", undefined);
  }

  #bindAnswer(pdu: CoPdu, framed: FramedPdu): void {
    const bind = this.#binds.get(pdu.header.callId) ?? this.#binds.values().next().value;
    if (bind !== undefined) this.#binds.delete(bind.callId);
    if (pdu.header.ptype === PType.bind_nak) {
      if (bind !== undefined) {
        this.#emitBind(bind, "nak", framed, pdu);
      }
      if (this.#awaitingOutcome) this.#loginOutcome(false, undefined, "bind_nak");
      return;
    }
    if (pdu.secondaryAddress) this.#secondaryAddress = pdu.secondaryAddress;
    const results = pdu.results ?? [];
    if (bind !== undefined) {
      bind.contexts.forEach((c, i) => {
        const r = results[i];
        if (r === undefined) return;
        c.result = r.result;
        if (r.result !== "acceptance") {
          c.reason = r.reason;
          if (this.#contexts.get(c.id)?.syntax === undefined) this.#contexts.delete(c.id);
        } else {
          c.acceptedSyntax = r.syntax;
          this.#bindContext(c.id, {
            uuid: c.interface,
            version: c.interfaceVersion,
            syntax: r.syntax,
          });
        }
      });
      this.#emitBind(bind, "ack", framed, pdu);
    }
    if (pdu.auth) this.#serverToken(pdu.auth);
  }

  #bindContext(id: number, bound: Bound): void {
    if (!this.#contexts.has(id) && this.#contexts.size >= MAX_CONTEXTS) {
      this.ctx.reporter.limit(
        "dcerpc",
        "maxContexts",
        `more than ${MAX_CONTEXTS} presentation contexts on one association; the oldest forgotten`,
        0,
        this.#lastTs,
        this.#ref(),
      );
      this.#contexts.delete(this.#contexts.keys().next().value!);
    }
    this.#contexts.set(id, bound);
  }

  #emitBind(
    bind: PendingBind,
    outcome: "ack" | "nak" | "no_response",
    answer: FramedPdu | undefined,
    pdu?: CoPdu,
  ): void {
    const event = this.#base(bind.action, bind.callId, outcome);
    event.contexts = bind.contexts;
    event.assocGroup = pdu?.assocGroup ?? bind.assocGroup;
    if (pdu?.secondaryAddress !== undefined) event.secondaryAddress = pdu.secondaryAddress;
    if (pdu?.rejectReason !== undefined) event.rejectReason = pdu.rejectReason;
    if (bind.auth) this.#authFields(event, bind.auth);
    this.#timing(event, bind.frames, bind.ts, answer);
    this.ctx.out.push(event);
  }

  // --- logins in verifiers ---

  #tracker(): LoginTracker {
    return this.#logins ??= new LoginTracker(
      this.ctx.out,
      "dcerpc",
      { client: this.carrier.client, server: this.carrier.server },
      this.ctx.tickets,
      (detail) => this.ctx.reporter.limit("dcerpc", "maxOpenLogins", detail, 0, 0, this.#ref()),
      this.ctx.keyring,
    );
  }

  /** NTLM, SPNEGO and Kerberos tokens only; signatures of later PDUs are not tokens. */
  #isToken(auth: AuthVerifier): boolean {
    return (auth.type === 10 || auth.type === 9 || auth.type === 16) && auth.value.length > 0;
  }

  #clientToken(auth: AuthVerifier, framed: FramedPdu): void {
    if (!this.#isToken(auth)) return;
    const token = this.#tracker().request("auth", auth.value, {
      frames: framed.frames,
      ts: framed.ts,
      connection: this.carrier.connection,
    });
    if (token.ntlm?.messageType === 3 || token.kerberos !== undefined) this.#awaitingOutcome = true;
  }

  #serverToken(auth: AuthVerifier): void {
    if (!this.#isToken(auth)) {
      if (this.#awaitingOutcome) this.#loginOutcome(true, undefined);
      return;
    }
    if (this.#awaitingOutcome) this.#loginOutcome(true, auth.value);
    else {this.#tracker().response(
        "auth",
        auth.value,
        MORE_PROCESSING,
        MORE_PROCESSING_NAME,
        undefined,
        undefined,
      );}
  }

  /** The answer after an authenticate: a response or an accepting bind answer, or a refusal. */
  #loginOutcome(accepted: boolean, blob: Uint8Array | undefined, refusal = "", code = 0): void {
    this.#awaitingOutcome = false;
    this.#tracker().response(
      "auth",
      blob,
      accepted ? SUCCESS : code,
      accepted ? "STATUS_SUCCESS" : refusal,
      undefined,
      undefined,
    );
  }

  // --- calls ---

  #request(pdu: CoPdu, framed: FramedPdu): void {
    const callId = pdu.header.callId;
    const first = (pdu.header.flags & PfcFlags.FIRST_FRAG) !== 0;
    let call = this.#calls.get(callId);
    if (call !== undefined && (first || call.response !== undefined)) {
      // A new call reusing the id of one never answered.
      this.#forget(call);
      this.#emitCall(call, "no_response");
      call = undefined;
    }
    if (call === undefined) {
      if (this.#calls.size >= this.ctx.limits.maxRpcCalls) this.#evictCall();
      call = {
        callId,
        contextId: pdu.contextId ?? 0,
        opnum: pdu.opnum ?? 0,
        littleEndian: pdu.header.littleEndian,
        request: this.#half(framed),
      };
      if (pdu.objectUuid !== undefined) call.objectUuid = pdu.objectUuid;
      if (pdu.auth) call.auth = pdu.auth;
      if (!first) call.note = "request begun before the capture or a gap (first fragment not seen)";
      call.request.stub = this.#wantsStub(call) ? new GrowingBytes() : undefined;
      this.#calls.set(callId, call);
      const waiting = call;
      this.ctx.calls?.add(waiting, () => this.#dropWaiting(waiting));
    } else {
      this.#addFrames(call.request, framed);
    }
    const last = (pdu.header.flags & PfcFlags.LAST_FRAG) !== 0;
    this.#addStub(call, call.request, pdu.stub!, true, last);
    if (last) call.request.complete = true;
  }

  #evictCall(): void {
    this.ctx.reporter.limit(
      "dcerpc",
      "maxRpcCalls",
      `more than ${this.ctx.limits.maxRpcCalls} calls in flight on one association; the oldest reported unanswered`,
      0,
      this.#lastTs,
      this.#ref(),
    );
    const next = this.#calls.entries().next();
    if (next.done) return; // a cap of 0: nothing held to drop
    this.#forget(next.value[1]);
    this.#emitCall(next.value[1], "no_response");
  }

  /** The decode-wide ledger needs the room of a call still waiting: it is reported unanswered. */
  #dropWaiting(call: Call): void {
    if (this.#calls.get(call.callId) !== call) return;
    this.#forget(call);
    this.#emitCall(call, "no_response");
  }

  /** A call no longer waits, here and decode-wide. */
  #forget(call: Call): void {
    this.#calls.delete(call.callId);
    this.ctx.calls?.remove(call);
  }

  #answer(pdu: CoPdu, framed: FramedPdu): void {
    if (this.#awaitingOutcome) {
      // A refused login faults without executing the call; a fault after execution means the
      // caller was authenticated (and perhaps not authorised).
      const denied = pdu.header.ptype === PType.fault &&
        (pdu.header.flags & PfcFlags.DID_NOT_EXECUTE) !== 0;
      if (denied) this.#loginOutcome(false, undefined, faultName(pdu.status!), pdu.status!);
      else this.#loginOutcome(true, undefined);
    }
    const call = this.#calls.get(pdu.header.callId);
    if (call === undefined) {
      this.ctx.reporter.anomaly(
        "dcerpc",
        "unanswered",
        `${pdu.type} to call ${pdu.header.callId} whose request was not seen`,
        framed.frames[0] ?? 0,
        framed.ts,
        this.#ref(),
        "dcerpc_response_without_request",
      );
      return;
    }
    if (pdu.header.ptype === PType.fault) {
      call.fault = pdu.status!;
      call.response ??= this.#half(framed);
      this.#forget(call);
      this.#release(call);
      this.#emitCall(call, "fault", framed);
      return;
    }
    if (call.response === undefined) {
      call.response = this.#half(framed);
      call.response.stub = this.#wantsStub(call, false) ? new GrowingBytes() : undefined;
      if ((pdu.header.flags & PfcFlags.FIRST_FRAG) === 0) {
        call.note = "response begun before the capture or a gap (first fragment not seen)";
      }
    } else this.#addFrames(call.response, framed);
    const last = (pdu.header.flags & PfcFlags.LAST_FRAG) !== 0;
    this.#addStub(call, call.response, pdu.stub!, false, last);
    if (last) {
      call.response.complete = true;
      this.#forget(call);
      this.#emitCall(call, "response", framed);
      this.#release(call);
    }
  }

  #half(framed: FramedPdu): Half {
    return {
      frames: framed.frames.slice(0, MAX_FRAMES),
      ts: framed.ts,
      fragments: 0,
      stubBytes: 0,
      stub: undefined,
      held: 0,
      complete: false,
    };
  }

  #addFrames(half: Half, framed: FramedPdu): void {
    for (const f of framed.frames) {
      if (half.frames.length < MAX_FRAMES && !half.frames.includes(f)) half.frames.push(f);
    }
  }

  /** Whether the stub is worth keeping: arguments wanted, a decoder for the operation, not encrypted. */
  #wantsStub(call: Call, request = true): boolean {
    if (!this.ctx.limits.rpcArguments) return false;
    if (call.auth !== undefined && call.auth.level === AUTH_LEVEL_PRIVACY) return false;
    const bound = this.#contexts.get(call.contextId) ?? this.#mapped();
    return bound !== undefined && hasDecoder(bound.uuid, call.opnum, request);
  }

  /** The interface of a TCP association whose bind was not seen, from the endpoint map. */
  #mapped(): Bound | undefined {
    if (this.carrier.transport !== "tcp") return undefined;
    const found = this.ctx.endpoints.get(this.carrier.server);
    return found === undefined
      ? undefined
      : { uuid: found.uuid, version: found.version, syntax: undefined };
  }

  /**
   * Count a fragment's stub and, when its arguments are wanted, keep it; on
   * the last fragment decode the whole stub and let the bytes go. A stub in
   * one fragment (the usual case) is decoded from the PDU's view, never copied.
   */
  #addStub(call: Call, half: Half, stub: Uint8Array, request: boolean, last: boolean): void {
    half.fragments++;
    half.stubBytes += stub.length;
    if (half.stub === undefined) return;
    if (last && half.stub.length === 0) {
      half.decoded = this.#decode(call, stub, request);
      half.stub = undefined;
      return;
    }
    if (stub.length === 0) {
      if (last) this.#decodeHeld(call, half, request);
      return;
    }
    const limits = this.ctx.limits;
    if (
      half.held + stub.length > limits.maxRpcStubBytes ||
      this.ctx.heldStubBytes + stub.length > limits.maxTotalRpcStubBytes
    ) {
      const which = half.held + stub.length > limits.maxRpcStubBytes
        ? "maxRpcStubBytes"
        : "maxTotalRpcStubBytes";
      this.ctx.reporter.limit(
        "dcerpc",
        which,
        `a call's stub exceeds what is kept for argument decoding; its arguments are not decoded`,
        0,
        this.#lastTs,
        this.#ref(),
      );
      call.note = `stub over ${which}`;
      this.ctx.heldStubBytes -= half.held;
      half.stub = undefined;
      half.held = 0;
      return;
    }
    half.stub.append(stub);
    half.held += stub.length;
    this.ctx.heldStubBytes += stub.length;
    if (last) this.#decodeHeld(call, half, request);
  }

  /** Decode the stub the fragments gathered, then release it. */
  #decodeHeld(call: Call, half: Half, request: boolean): void {
    half.decoded = this.#decode(call, half.stub!.view(), request);
    half.stub = undefined;
    this.ctx.heldStubBytes -= half.held;
    half.held = 0;
  }

  /** A complete stub's arguments, when its context is known and its first fragment was seen. */
  #decode(call: Call, stub: Uint8Array, request: boolean): ArgumentsResult | undefined {
    if (call.note?.includes("not seen")) return undefined;
    const bound = this.#contexts.get(call.contextId) ?? this.#mapped();
    if (bound === undefined) return undefined;
    return decodeArguments(bound.uuid, call.opnum, request, stub, {
      ndr64: bound.syntax === "ndr64",
      littleEndian: call.littleEndian,
    });
  }

  #release(call: Call): void {
    this.ctx.heldStubBytes -= call.request.held + (call.response?.held ?? 0);
    call.request.held = 0;
    if (call.response) call.response.held = 0;
  }

  #emitCall(call: Call, outcome: "response" | "fault" | "no_response", answer?: FramedPdu): void {
    if (outcome === "no_response") this.#release(call);
    const event = this.#base("call", call.callId, outcome);
    event.contextId = call.contextId;
    const bound = this.#contexts.get(call.contextId) ?? this.#mapped();
    const iface = bound === undefined ? undefined : interfaceByUuid(bound.uuid);
    if (bound !== undefined) {
      event.interface = bound.uuid;
      event.interfaceVersion = bound.version;
      if (iface !== undefined) event.interfaceName = iface.name;
      if (bound.syntax !== undefined) event.transferSyntax = bound.syntax;
    }
    event.opnum = call.opnum;
    if (this.#secondaryAddress !== undefined) event.secondaryAddress = this.#secondaryAddress;
    const op = iface?.ops[call.opnum];
    if (op) event.operation = op;
    if (call.objectUuid !== undefined) event.objectUuid = call.objectUuid;
    if (call.cancelled !== undefined) event.cancelled = call.cancelled;
    if (call.auth) this.#authFields(event, call.auth);
    event.requestStubBytes = call.request.stubBytes;
    if (call.request.fragments > 1) event.requestFragments = call.request.fragments;
    if (call.response !== undefined && outcome === "response") {
      event.responseStubBytes = call.response.stubBytes;
      if (call.response.fragments > 1) event.responseFragments = call.response.fragments;
    }
    if (call.fault !== undefined) {
      event.status = call.fault;
      event.statusName = faultName(call.fault);
      event.success = false;
    }
    const notes: string[] = call.note === undefined ? [] : [call.note];
    if (event.encrypted) notes.push("stubs encrypted (privacy level)");
    else if (bound !== undefined) this.#arguments(event, call, bound, notes);
    if (notes.length > 0) event.argumentsNote = notes.join("; ");
    if (event.interface === EPM_UUID && event.opnum === EPT_MAP && event.results !== undefined) {
      this.#learn(event.results.towers);
    }
    const answerHalf = outcome === "no_response" ? undefined : call.response;
    this.#timing(event, call.request.frames, call.request.ts, answer, answerHalf);
    this.ctx.out.push(event);
  }

  #arguments(event: RpcEvent, call: Call, bound: Bound, notes: string[]): void {
    const decode = (half: Half | undefined, request: boolean) => {
      const result = half?.decoded;
      if (half === undefined || result === undefined) return;
      if (result.error !== undefined) {
        notes.push(`${request ? "request" : "response"} stub malformed: ${result.error}`);
        this.ctx.reporter.anomaly(
          "dcerpc",
          "malformed",
          `${event.interfaceName ?? bound.uuid} opnum ${call.opnum} ${
            request ? "request" : "response"
          }: ${result.error}`,
          half.frames[0] ?? 0,
          half.ts,
          this.#ref(),
          "dcerpc_ndr_malformed",
        );
      }
      if (result.cut) {
        notes.push(`${request ? "request" : "response"} lists or strings cut to what is kept`);
      }
      if (result.values !== undefined) {
        if (request) event.arguments = result.values;
        else {
          const { returnValue, ...rest } = result.values;
          if (Object.keys(rest).length > 0) event.results = rest as { [key: string]: JsonValue };
          if (typeof returnValue === "number" && result.status !== undefined) {
            event.status = returnValue;
            event.statusName = result.status.name;
            event.success = result.status.success;
          }
        }
      }
    };
    decode(call.request, true);
    if (call.fault === undefined) decode(call.response, false);
  }

  /**
   * Remember the TCP endpoints an ept_map answer names (its towers with
   * protocol `ncacn_ip_tcp`, a port and an interface), so connections to
   * them are followed. (ept_lookup lists everything registered: not a sign
   * that the client will connect, and long.)
   */
  #learn(towers: JsonValue | undefined): void {
    if (!Array.isArray(towers)) return;
    for (const t of towers) {
      if (t === null || typeof t !== "object" || Array.isArray(t)) continue;
      const { protocol, port, interface: uuid, version, host } = t;
      if (protocol !== "ncacn_ip_tcp" || typeof port !== "number" || typeof uuid !== "string") {
        continue;
      }
      const ip = typeof host === "string" && host !== "0.0.0.0" ? host : this.carrier.server.ip;
      this.ctx.endpoints.learn(ip, port, {
        uuid,
        version: typeof version === "string" ? version : "",
      });
    }
  }

  #authFields(event: RpcEvent, auth: AuthVerifier): void {
    event.authType = AUTH_TYPE_NAMES[auth.type] ?? `auth_type_${auth.type}`;
    event.authLevel = AUTH_LEVEL_NAMES[auth.level] ?? `auth_level_${auth.level}`;
    if (auth.level === AUTH_LEVEL_PRIVACY) event.encrypted = true;
  }

  #base(action: RpcEvent["action"], callId: number, outcome: RpcEvent["outcome"]): RpcEvent {
    const c = this.carrier;
    const event: RpcEvent = {
      type: "rpc",
      action,
      transport: c.transport,
      client: c.client,
      server: c.server,
      callId,
      outcome,
      evidence: { frames: [], ts: 0, connection: c.connection },
    };
    if (c.smb !== undefined) {
      const s = c.smb();
      event.sessionId = s.sessionId;
      if (s.user !== undefined) event.user = s.user;
      if (s.anonymous) event.anonymous = true;
      if (s.share !== undefined) event.share = s.share;
      event.pipe = s.pipe;
    }
    return event;
  }

  #timing(
    event: RpcEvent,
    frames: number[],
    ts: number,
    answer: FramedPdu | undefined,
    answerHalf?: Half,
  ): void {
    event.request = { frames, ts };
    const answerFrames = answerHalf?.frames ?? answer?.frames ?? [];
    const all = [...frames];
    for (const f of answerFrames) if (!all.includes(f)) all.push(f);
    event.evidence.frames = all;
    event.evidence.ts = ts;
    const answerTs = answerHalf?.ts ?? answer?.ts;
    if (answerTs !== undefined) event.responseTime = Math.max(0, answerTs - ts);
  }
}

/** Binds awaiting their answer per association. */
const MAX_PENDING_BINDS = 16;
/** Presentation contexts remembered per association. */
const MAX_CONTEXTS = 256;
