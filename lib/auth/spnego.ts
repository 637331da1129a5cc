/**
 * The security blob of SMB NEGOTIATE and SESSION_SETUP, decoded: SPNEGO
 * inside the GSS-API InitialContextToken, bare negTokenInit/negTokenResp,
 * raw NTLMSSP, or a raw Kerberos GSS token; NTLMSSP inside is decoded too.
 *
 * ```
 * InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {     -- 0x60
 *     thisMech MechType, innerContextToken ANY }                  -- RFC 2743 3.1
 * NegotiationToken ::= CHOICE {
 *     negTokenInit [0] NegTokenInit, negTokenResp [1] NegTokenResp } -- RFC 4178 4.2
 * NegTokenInit ::= SEQUENCE { mechTypes [0] MechTypeList, reqFlags [1] ContextFlags,
 *     mechToken [2] OCTET STRING, mechListMIC [3] OCTET STRING }
 * NegTokenInit2 ::= SEQUENCE { mechTypes [0], reqFlags [1], mechToken [2],
 *     negHints [3] NegHints, mechListMIC [4] }                     -- MS-SPNG 2.2.1
 * NegHints ::= SEQUENCE { hintName [0] GeneralString, hintAddress [1] OCTET STRING }
 * NegTokenResp ::= SEQUENCE { negState [0] ENUMERATED, supportedMech [1] MechType,
 *     responseToken [2] OCTET STRING, mechListMIC [3] OCTET STRING }
 * ```
 * @see [RFC 2743] 3.1, [RFC 4178] 4.2, [MS-SPNG] 2.2, [RFC 4121] 4.1 (krb5 TOK_ID)
 * @module
 */
import { describeBytes, TRUNCATED } from "../bytes/cursor.ts";
import {
  decodeOid,
  decodeSmallInt,
  DerClass,
  type DerElement,
  DerTag,
  describeElement,
  isDerProblem,
  isTag,
  readChildren,
  readElement,
} from "./der.ts";
import { isNtlmssp, parseNtlmssp } from "./ntlmssp.ts";
import { readKerberosToken } from "./kerberos.ts";
import { isKerberosOid, MechOid, oidName } from "./oids.ts";
import { latin1 } from "./text.ts";
import type { SecurityToken } from "./types.ts";

/** negState names, [RFC 4178] 4.2.2. */
const NEG_STATES = ["accept-completed", "accept-incomplete", "reject", "request-mic"] as const;

/** Most mechTypes kept from one negTokenInit. */
const MAX_MECH_TYPES = 32;

/**
 * Most problems kept from one blob; the rest are counted in one last line. A
 * 64 KiB blob of two-byte bad elements gives 32 000 problems, and the token
 * waits with its request for the response: 300 unanswered ones took 1.2 GB.
 */
export const MAX_TOKEN_PROBLEMS = 16;

/** "NEGOEXTS": the signature of every NEGOEX message, [MS-NEGOEX] 2.2.6.1. */
const NEGOEX_SIGNATURE = [0x4e, 0x45, 0x47, 0x4f, 0x45, 0x58, 0x54, 0x53];

/** Raw Kerberos messages: [APPLICATION 14] AP-REQ, [APPLICATION 15] AP-REP, [APPLICATION 30] KRB-ERROR. */
const KRB_AP_REQ = 0x6e, KRB_AP_REP = 0x6f, KRB_ERROR = 0x7e;

/** Identifier octets at the top of a blob. */
const GSS_INITIAL_CONTEXT = 0x60, NEG_TOKEN_INIT = 0xa0, NEG_TOKEN_RESP = 0xa1;

/**
 * Decodes a security blob. Pure and synchronous; never throws on input:
 * whatever is wrong ends up in `problems` and the fields decoded so far stay.
 */
export function parseSecurityBlob(blob: Uint8Array): SecurityToken {
  const token: SecurityToken = { kind: "unknown", problems: [] };
  try {
    decodeBlob(blob, token);
  } catch (e) {
    // Every read is bounds-checked, so anything caught here is our bug, not the input's.
    token.problems.push(`${e === TRUNCATED ? "truncated" : "bug"}: ${String(e)}`);
  }
  const extra = token.problems.length - MAX_TOKEN_PROBLEMS;
  if (extra > 0) {
    token.problems.length = MAX_TOKEN_PROBLEMS;
    token.problems.push(`${extra} more problems left out`);
  }
  return token;
}

function decodeBlob(blob: Uint8Array, token: SecurityToken): void {
  if (blob.length === 0) {
    token.kind = "empty";
    return;
  }
  if (isNtlmssp(blob)) {
    token.kind = "ntlmssp";
    innerToken(blob, token);
    return;
  }
  const first = blob[0]!;
  if (first === KRB_AP_REQ || first === KRB_AP_REP || first === KRB_ERROR) {
    token.kind = "kerberos";
    token.innerMech = "Kerberos";
    kerberos(blob, token);
    return;
  }
  if (first !== GSS_INITIAL_CONTEXT && first !== NEG_TOKEN_INIT && first !== NEG_TOKEN_RESP) {
    token.problems.push(`unrecognised security blob: ${describeBytes(blob)}`);
    return;
  }
  const outer = readElement(blob, 0, 0);
  if (isDerProblem(outer)) {
    token.problems.push(`security blob: ${outer.problem}`);
    return;
  }
  if (outer.end < blob.length) {
    token.problems.push(`${blob.length - outer.end} bytes after the security token`);
  }
  if (first === GSS_INITIAL_CONTEXT) {
    gssToken(outer, token);
    if (token.kind === "kerberos") kerberos(blob, token);
  } else negotiationToken(outer, token);
}

/** A Kerberos AP-REQ's ticket, when the token is one. */
function kerberos(b: Uint8Array, token: SecurityToken): void {
  const apReq = readKerberosToken(b);
  if (apReq !== undefined) token.kerberos = apReq;
}

/** [APPLICATION 0] { thisMech OID, innerContextToken }: RFC 2743 3.1. */
function gssToken(outer: DerElement, token: SecurityToken): void {
  const mech = readElement(outer.value, 0, outer.depth + 1);
  if (isDerProblem(mech)) {
    token.problems.push(`GSS-API token: ${mech.problem}`);
    return;
  }
  const oid = isTag(mech, DerClass.UNIVERSAL, DerTag.OID) ? decodeOid(mech.value) : undefined;
  if (oid === undefined) {
    token.problems.push(`GSS-API token: thisMech is ${describeElement(mech)}, not an OID`);
    return;
  }
  const rest = outer.value.subarray(mech.end);
  if (oid === MechOid.SPNEGO) {
    const inner = readElement(rest, 0, outer.depth + 1);
    if (isDerProblem(inner)) token.problems.push(`SPNEGO: ${inner.problem}`);
    else negotiationToken(inner, token);
  } else if (isKerberosOid(oid)) {
    token.kind = "kerberos";
    token.innerMech = "Kerberos";
  } else {
    token.problems.push(`GSS-API token for ${oidName(oid)}, not SPNEGO or Kerberos`);
  }
}

/** NegotiationToken: negTokenInit [0] or negTokenResp [1]. */
function negotiationToken(el: DerElement, token: SecurityToken): void {
  if (el.cls !== DerClass.CONTEXT || el.tag > 1 || !el.constructed) {
    token.problems.push(`SPNEGO: ${describeElement(el)} is neither negTokenInit nor negTokenResp`);
    return;
  }
  const init = el.tag === 0;
  token.kind = init ? "spnego_init" : "spnego_resp";
  const where = init ? "negTokenInit" : "negTokenResp";
  const seq = only(el, token, where);
  if (seq === undefined) return;
  if (!isTag(seq, DerClass.UNIVERSAL, DerTag.SEQUENCE)) {
    token.problems.push(`${where}: ${describeElement(seq)} where a SEQUENCE belongs`);
    return;
  }
  for (const field of readChildren(seq, token.problems, where)) {
    if (field.cls !== DerClass.CONTEXT) {
      token.problems.push(`${where}: unexpected ${describeElement(field)}`);
      continue;
    }
    if (init) negTokenInitField(field, token);
    else negTokenRespField(field, token);
  }
}

function negTokenInitField(field: DerElement, token: SecurityToken): void {
  const where = `negTokenInit [${field.tag}]`;
  const v = only(field, token, where);
  if (v === undefined) return;
  switch (field.tag) {
    case 0: { // mechTypes: SEQUENCE OF OID
      if (!expect(v, DerTag.SEQUENCE, token, "negTokenInit mechTypes")) return;
      const mechTypes: string[] = [];
      let dropped = 0;
      for (const m of readChildren(v, token.problems, "negTokenInit mechTypes")) {
        const oid = isTag(m, DerClass.UNIVERSAL, DerTag.OID) ? decodeOid(m.value) : undefined;
        if (oid === undefined) {
          token.problems.push(`negTokenInit mechTypes: ${describeElement(m)} is not an OID`);
        } else if (mechTypes.length < MAX_MECH_TYPES) mechTypes.push(oidName(oid));
        else if (++dropped === 1) {
          token.problems.push(
            `negTokenInit mechTypes: more than ${MAX_MECH_TYPES}; the rest left out`,
          );
        }
      }
      token.mechTypes = mechTypes;
      return;
    }
    case 1: // reqFlags: BIT STRING, not reported
      return;
    case 2: // mechToken
      if (expect(v, DerTag.OCTET_STRING, token, "negTokenInit mechToken")) {
        innerToken(v.value, token);
      }
      return;
    case 3: // negHints in negTokenInit2 (MS-SPNG), mechListMIC in RFC 4178
      if (isTag(v, DerClass.UNIVERSAL, DerTag.SEQUENCE)) negHints(v, token);
      else expect(v, DerTag.OCTET_STRING, token, "negTokenInit mechListMIC");
      return;
    case 4: // mechListMIC of negTokenInit2
      expect(v, DerTag.OCTET_STRING, token, "negTokenInit2 mechListMIC");
      return;
    default:
      token.problems.push(`negTokenInit: unknown field [${field.tag}]`);
  }
}

function negHints(seq: DerElement, token: SecurityToken): void {
  for (const h of readChildren(seq, token.problems, "negHints")) {
    if (h.cls !== DerClass.CONTEXT || h.tag !== 0) continue; // [1] hintAddress: not reported
    const name = only(h, token, "negHints hintName");
    if (name !== undefined && expect(name, DerTag.GENERAL_STRING, token, "negHints hintName")) {
      token.hintName = latin1(name.value);
    }
  }
}

function negTokenRespField(field: DerElement, token: SecurityToken): void {
  const where = `negTokenResp [${field.tag}]`;
  const v = only(field, token, where);
  if (v === undefined) return;
  switch (field.tag) {
    case 0: { // negState
      if (!expect(v, DerTag.ENUMERATED, token, "negTokenResp negState")) return;
      const n = decodeSmallInt(v.value);
      if (n === undefined) token.problems.push("negTokenResp negState: malformed ENUMERATED");
      else token.negState = NEG_STATES[n] ?? `UNKNOWN_${n}`;
      return;
    }
    case 1: { // supportedMech
      if (!expect(v, DerTag.OID, token, "negTokenResp supportedMech")) return;
      const oid = decodeOid(v.value);
      if (oid === undefined) token.problems.push("negTokenResp supportedMech: malformed OID");
      else token.supportedMech = oidName(oid);
      return;
    }
    case 2: // responseToken
      if (expect(v, DerTag.OCTET_STRING, token, "negTokenResp responseToken")) {
        innerToken(v.value, token);
      }
      return;
    case 3: // mechListMIC: not reported
      expect(v, DerTag.OCTET_STRING, token, "negTokenResp mechListMIC");
      return;
    default:
      token.problems.push(`negTokenResp: unknown field [${field.tag}]`);
  }
}

/** The mechanism token inside (mechToken, responseToken, or a raw NTLMSSP blob). */
function innerToken(b: Uint8Array, token: SecurityToken): void {
  if (b.length === 0) return;
  if (isNtlmssp(b)) {
    token.innerMech = "NTLMSSP";
    const m = parseNtlmssp(b, token.problems);
    if ("problem" in m) token.problems.push(m.problem);
    else token.ntlm = m;
  } else if (startsWith(b, NEGOEX_SIGNATURE)) {
    token.innerMech = "NEGOEX";
  } else if (b[0] === KRB_AP_REQ || b[0] === KRB_AP_REP || b[0] === KRB_ERROR) {
    token.innerMech = "Kerberos";
    kerberos(b, token);
  } else if (b[0] === GSS_INITIAL_CONTEXT) {
    token.innerMech = wrappedMech(b);
    if (token.innerMech === "Kerberos") kerberos(b, token);
  } else {
    token.innerMech = "unknown";
  }
}

/** The mechanism of a GSS-API-wrapped inner token, by its OID. */
function wrappedMech(b: Uint8Array): string {
  const outer = readElement(b, 0, 0);
  if (isDerProblem(outer)) return "unknown";
  const mech = readElement(outer.value, 0, 1);
  if (isDerProblem(mech) || !isTag(mech, DerClass.UNIVERSAL, DerTag.OID)) return "unknown";
  const oid = decodeOid(mech.value);
  if (oid === undefined) return "unknown";
  if (isKerberosOid(oid)) return "Kerberos";
  if (oid === MechOid.NTLMSSP) return "NTLMSSP";
  if (oid === MechOid.NEGOEX) return "NEGOEX";
  return "unknown";
}

/** The single element inside an explicitly tagged one. */
function only(el: DerElement, token: SecurityToken, where: string): DerElement | undefined {
  const inner = readElement(el.value, 0, el.depth + 1);
  if (isDerProblem(inner)) {
    token.problems.push(`${where}: ${inner.problem}`);
    return undefined;
  }
  if (inner.end < el.value.length) {
    token.problems.push(`${where}: ${el.value.length - inner.end} bytes after its value`);
  }
  return inner;
}

function expect(el: DerElement, tag: number, token: SecurityToken, where: string): boolean {
  if (isTag(el, DerClass.UNIVERSAL, tag)) return true;
  token.problems.push(`${where}: unexpected ${describeElement(el)}`);
  return false;
}

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}
