/**
 * The Kerberos messages a passive decoder learns logins from, read from DER
 * and never throwing: the AP-REQ a client presents to a service (inside
 * SPNEGO or a bare krb5 GSS token: realm, service principal and ticket
 * encryption), and the KDC replies and errors on port 88 that name the
 * client a ticket was issued to. A ticket is the same bytes in the TGS-REP
 * that issues it and in every AP-REQ that presents it, so its cipher text
 * ties a login to its client principal.
 * [RFC 4120] 5.3 (Ticket), 5.4.1-2 (KDC-REQ/REP), 5.5.1 (AP-REQ), 5.9.1
 * (KRB-ERROR); [RFC 4121] 4.1 (GSS token framing); [RFC 3961], [RFC 8009]
 * and [MS-KILE] for the encryption type numbers.
 * @module
 */
import { toHex } from "../bytes/cursor.ts";
import {
  decodeOid,
  decodeSmallInt,
  DerClass,
  type DerElement,
  DerTag,
  isDerProblem,
  isTag,
  readElement,
} from "./der.ts";
import { latin1 } from "../bytes/text.ts";
import { isKerberosOid } from "./oids.ts";

/** Kerberos message types ([RFC 4120] 5.10: the APPLICATION tag of each). */
export const KrbMessageType = {
  AS_REQ: 10,
  AS_REP: 11,
  TGS_REQ: 12,
  TGS_REP: 13,
  AP_REQ: 14,
  AP_REP: 15,
  KRB_ERROR: 30,
} as const;

/** Encryption types by number. [RFC 3961] 8, [RFC 8009] 7, [RFC 4757] (RC4). */
const ETYPES: ReadonlyMap<number, string> = new Map([
  [1, "des-cbc-crc"],
  [3, "des-cbc-md5"],
  [17, "aes128-cts-hmac-sha1-96"],
  [18, "aes256-cts-hmac-sha1-96"],
  [19, "aes128-cts-hmac-sha256-128"],
  [20, "aes256-cts-hmac-sha384-192"],
  [23, "rc4-hmac"],
  [24, "rc4-hmac-exp"],
]);

/** The name of an encryption type, `UNKNOWN_<n>` otherwise. */
export function etypeName(etype: number): string {
  return ETYPES.get(etype) ?? `UNKNOWN_${etype}`;
}

/** The error codes a login's outcome turns on. [RFC 4120] 7.5.9 */
const ERRORS: ReadonlyMap<number, string> = new Map([
  [6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"],
  [7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"],
  [14, "KDC_ERR_ETYPE_NOSUPP"],
  [18, "KDC_ERR_CLIENT_REVOKED"],
  [23, "KDC_ERR_KEY_EXPIRED"],
  [24, "KDC_ERR_PREAUTH_FAILED"],
  [25, "KDC_ERR_PREAUTH_REQUIRED"],
  [31, "KRB_AP_ERR_BAD_INTEGRITY"],
  [32, "KRB_AP_ERR_TKT_EXPIRED"],
  [34, "KRB_AP_ERR_REPEAT"],
  [37, "KRB_AP_ERR_SKEW"],
  [41, "KRB_AP_ERR_MODIFIED"],
  [52, "KRB_ERR_RESPONSE_TOO_BIG"],
  [60, "KRB_ERR_GENERIC"],
  [68, "KDC_ERR_WRONG_REALM"],
]);

/** The name of a Kerberos error code, `KRB_ERROR_<n>` otherwise. */
export function krbErrorName(code: number): string {
  return ERRORS.get(code) ?? `KRB_ERROR_${code}`;
}

/** A ticket as both the KDC reply that issues it and the AP-REQ that presents it carry it. */
export interface KrbTicket {
  /** The service's realm. */
  realm: string;
  /** The service principal, components joined by `/` (e.g. `cifs/fs1.example.com`). */
  service: string;
  /** Encryption type of the ticket's encrypted part, and its name. */
  etype: number;
  etypeName: string;
  /** Key version number, when sent. */
  kvno?: number;
  /** The first 16 bytes of the ticket's cipher text, hex: the same ticket wherever it appears. */
  id: string;
}

/** An AP-REQ: a client presenting a ticket to a service. */
export interface KrbApReq {
  ticket: KrbTicket;
  /** AP-OPTIONS mutual-required (the client wants the service to prove itself). */
  mutualRequired: boolean;
  /** Encryption type of the authenticator. */
  authenticatorEtype?: number;
}

/** What a KDC exchange on port 88 says. */
export interface KdcMessage {
  /** 10 AS-REQ, 11 AS-REP, 12 TGS-REQ, 13 TGS-REP, 30 KRB-ERROR. */
  msgType: number;
  /** The client principal (AS-REQ body, KDC replies, errors that name it) and its realm. */
  client?: string;
  clientRealm?: string;
  /** The service asked for or issued (`krbtgt/REALM`, `cifs/host`...) and its realm. */
  service?: string;
  realm?: string;
  /** KDC replies: the ticket issued. */
  ticket?: KrbTicket;
  /** KRB-ERROR: the error code and its name. */
  errorCode?: number;
  errorName?: string;
}

/** Context-tagged fields [n] of a SEQUENCE, each as its single inner element. */
function fieldsOf(seq: DerElement): Map<number, DerElement> | undefined {
  const out = new Map<number, DerElement>();
  let at = 0;
  while (at < seq.value.length) {
    const f = readElement(seq.value, at, seq.depth + 1);
    if (isDerProblem(f)) return undefined;
    if (f.cls === DerClass.CONTEXT && f.constructed && f.value.length > 0) {
      const inner = readElement(f.value, 0, f.depth + 1);
      if (!isDerProblem(inner)) out.set(f.tag, inner);
    }
    at = f.end;
  }
  return out;
}

/** The SEQUENCE inside an [APPLICATION n] wrapper, when `el` is one. */
function applicationBody(el: DerElement, tag: number): Map<number, DerElement> | undefined {
  if (el.cls !== DerClass.APPLICATION || el.tag !== tag || !el.constructed) return undefined;
  const seq = readElement(el.value, 0, el.depth + 1);
  if (isDerProblem(seq) || !isTag(seq, DerClass.UNIVERSAL, DerTag.SEQUENCE)) return undefined;
  return fieldsOf(seq);
}

function int(el: DerElement | undefined): number | undefined {
  return el !== undefined && isTag(el, DerClass.UNIVERSAL, DerTag.INTEGER)
    ? decodeSmallInt(el.value)
    : undefined;
}

/** GeneralString / KerberosString: IA5 in practice; read as Latin-1 so no byte is lost. */
function text(el: DerElement | undefined): string | undefined {
  return el === undefined || el.constructed ? undefined : latin1(el.value);
}

/** PrincipalName: name-string components joined by `/`. */
function principal(el: DerElement | undefined): string | undefined {
  if (el === undefined || !isTag(el, DerClass.UNIVERSAL, DerTag.SEQUENCE)) return undefined;
  const strings = fieldsOf(el)?.get(1);
  if (strings === undefined || !isTag(strings, DerClass.UNIVERSAL, DerTag.SEQUENCE)) return;
  const parts: string[] = [];
  let at = 0;
  while (at < strings.value.length && parts.length < 16) {
    const s = readElement(strings.value, at, strings.depth + 1);
    if (isDerProblem(s)) return undefined;
    parts.push(text(s) ?? "");
    at = s.end;
  }
  return parts.join("/");
}

/** EncryptedData: etype, kvno, cipher. */
function encrypted(el: DerElement | undefined) {
  if (el === undefined || !isTag(el, DerClass.UNIVERSAL, DerTag.SEQUENCE)) return undefined;
  const f = fieldsOf(el);
  const etype = int(f?.get(0));
  const cipher = f?.get(2);
  if (etype === undefined || cipher === undefined || cipher.constructed) return undefined;
  const kvno = int(f?.get(1));
  return { etype, kvno, cipher: cipher.value };
}

/** Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] } */
function ticket(el: DerElement | undefined): KrbTicket | undefined {
  if (el === undefined) return undefined;
  const f = applicationBody(el, 1);
  const realm = text(f?.get(1)), service = principal(f?.get(2)), enc = encrypted(f?.get(3));
  if (realm === undefined || service === undefined || enc === undefined) return undefined;
  const t: KrbTicket = {
    realm,
    service,
    etype: enc.etype,
    etypeName: etypeName(enc.etype),
    id: toHex(enc.cipher.subarray(0, 16)),
  };
  if (enc.kvno !== undefined) t.kvno = enc.kvno;
  return t;
}

/** The outermost element of `bytes`, or undefined. */
function outer(bytes: Uint8Array): DerElement | undefined {
  if (bytes.length < 2) return undefined;
  const el = readElement(bytes, 0, 0);
  return isDerProblem(el) ? undefined : el;
}

/** An AP-REQ ([APPLICATION 14]). */
export function readApReq(bytes: Uint8Array): KrbApReq | undefined {
  const el = outer(bytes);
  const f = el === undefined ? undefined : applicationBody(el, KrbMessageType.AP_REQ);
  const t = ticket(f?.get(3));
  if (f === undefined || t === undefined) return undefined;
  const options = f.get(2);
  // APOptions BIT STRING: a leading unused-bits octet, then bit 2 (0x20 of the first byte) mutual-required.
  const mutualRequired = options !== undefined && options.value.length >= 2 &&
    (options.value[1]! & 0x20) !== 0;
  const req: KrbApReq = { ticket: t, mutualRequired };
  const auth = encrypted(f.get(4));
  if (auth !== undefined) req.authenticatorEtype = auth.etype;
  return req;
}

/**
 * A Kerberos token as SPNEGO or a SESSION_SETUP carries it: a bare AP-REQ,
 * or a GSS-API krb5 token ([APPLICATION 0] { OID, TOK_ID, message }).
 */
export function readKerberosToken(bytes: Uint8Array): KrbApReq | undefined {
  if (bytes[0] === 0x6e) return readApReq(bytes);
  const el = outer(bytes);
  if (el === undefined || el.cls !== DerClass.APPLICATION || el.tag !== 0) return undefined;
  const mech = readElement(el.value, 0, 1);
  if (isDerProblem(mech) || !isTag(mech, DerClass.UNIVERSAL, DerTag.OID)) return undefined;
  const oid = decodeOid(mech.value);
  if (oid === undefined || !isKerberosOid(oid)) return undefined;
  const rest = el.value.subarray(mech.end);
  // TOK_ID 01 00: KRB_AP_REQ. [RFC 4121] 4.1
  if (rest.length < 3 || rest[0] !== 0x01 || rest[1] !== 0x00) return undefined;
  return readApReq(rest.subarray(2));
}

/** A KDC message (port 88): AS/TGS requests and replies, KRB-ERROR. */
export function readKdcMessage(bytes: Uint8Array): KdcMessage | undefined {
  const el = outer(bytes);
  if (el === undefined || el.cls !== DerClass.APPLICATION) return undefined;
  const type = el.tag;
  const f = applicationBody(el, type);
  if (f === undefined) return undefined;
  const m: KdcMessage = { msgType: type };
  switch (type) {
    case KrbMessageType.AS_REQ:
    case KrbMessageType.TGS_REQ: {
      // KDC-REQ: req-body [4] KDC-REQ-BODY { cname [1], realm [2], sname [3] }
      const body = f.get(4);
      const b = body !== undefined && isTag(body, DerClass.UNIVERSAL, DerTag.SEQUENCE)
        ? fieldsOf(body)
        : undefined;
      if (b === undefined) return undefined;
      const client = principal(b.get(1)), realm = text(b.get(2)), service = principal(b.get(3));
      if (client !== undefined) {
        m.client = client;
        if (realm !== undefined) m.clientRealm = realm;
      }
      if (realm !== undefined) m.realm = realm;
      if (service !== undefined) m.service = service;
      return m;
    }
    case KrbMessageType.AS_REP:
    case KrbMessageType.TGS_REP: {
      // KDC-REP: crealm [3], cname [4], ticket [5]
      const clientRealm = text(f.get(3)), client = principal(f.get(4)), t = ticket(f.get(5));
      if (client === undefined || t === undefined) return undefined;
      m.client = client;
      if (clientRealm !== undefined) m.clientRealm = clientRealm;
      m.ticket = t;
      m.service = t.service;
      m.realm = t.realm;
      return m;
    }
    case KrbMessageType.KRB_ERROR: {
      const code = int(f.get(6));
      if (code === undefined) return undefined;
      m.errorCode = code;
      m.errorName = krbErrorName(code);
      const clientRealm = text(f.get(7)), client = principal(f.get(8));
      const realm = text(f.get(9)), service = principal(f.get(10));
      if (client !== undefined) m.client = client;
      if (clientRealm !== undefined) m.clientRealm = clientRealm;
      if (realm !== undefined) m.realm = realm;
      if (service !== undefined) m.service = service;
      return m;
    }
  }
  return undefined;
}
