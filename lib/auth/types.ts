/**
 * What the authentication decoders (SPNEGO/GSS-API, NTLMSSP) hand to the SMB
 * layers. Every string is decoded; bytes that matter are hex.
 * [RFC 4178] SPNEGO, [RFC 2743] GSS-API framing, [MS-SPNG], [MS-NLMP] 2.2
 * @module
 */

/** An NTLMSSP NEGOTIATE_MESSAGE. [MS-NLMP] 2.2.1.1 */
export interface NtlmNegotiate {
  messageType: 1;
  /** NegotiateFlags as a number, and the names of the flags set (NTLMSSP_NEGOTIATE_UNICODE, ...). */
  flags: number;
  flagNames: string[];
  domain?: string;
  workstation?: string;
  /** "major.minor.build" and NTLM revision, when the VERSION field is present. */
  version?: string;
}

/** An NTLMSSP CHALLENGE_MESSAGE. [MS-NLMP] 2.2.1.2 */
export interface NtlmChallenge {
  messageType: 2;
  flags: number;
  flagNames: string[];
  /** ServerChallenge, 8 bytes as hex. */
  serverChallenge: string;
  targetName?: string;
  /** Target-info AV pairs, decoded: NetBIOS/DNS computer and domain names, DNS tree, timestamp (ISO 8601), flags. */
  targetInfo?: NtlmTargetInfo;
  version?: string;
}

/** Decoded AV pairs. [MS-NLMP] 2.2.2.1 */
export interface NtlmTargetInfo {
  nbComputerName?: string;
  nbDomainName?: string;
  dnsComputerName?: string;
  dnsDomainName?: string;
  dnsTreeName?: string;
  /** MsvAvFlags. */
  flags?: number;
  /** MsvAvTimestamp as ISO 8601 UTC. */
  timestamp?: string;
  /** MsvAvTargetName (SPN). */
  targetName?: string;
  /** Ids of pairs seen that are not decoded above. */
  other?: number[];
}

/** An NTLMSSP AUTHENTICATE_MESSAGE. [MS-NLMP] 2.2.1.3 */
export interface NtlmAuthenticate {
  messageType: 3;
  flags: number;
  flagNames: string[];
  domain: string;
  user: string;
  workstation: string;
  lmResponseLength: number;
  ntResponseLength: number;
  /** `v1` (24-byte NT response), `v2` (longer, NTLMv2 blob), `anonymous` (empty user and NT response, or NT response empty and LM <= 1 byte), `unknown`. */
  ntlmVersion: "v1" | "v2" | "anonymous" | "unknown";
  /** For NTLMv2: NTProofStr as hex (first 16 bytes of the NT response); lets analysts crack or match. */
  ntProofStr?: string;
  /** For NTLMv2: the client challenge and timestamp from the blob, and its AV pairs. */
  clientChallenge?: string;
  clientTimestamp?: string;
  clientTargetInfo?: NtlmTargetInfo;
  /** Whether an EncryptedRandomSessionKey is present (non-empty). */
  sessionKeyPresent: boolean;
  /** MIC as hex, when present (16 bytes after VERSION). */
  mic?: string;
  version?: string;
  /**
   * The responses and key as sent, for the password check, key recovery and
   * hash export. Not enumerable (set with {@link attachResponses}), so never
   * serialised into events.
   */
  responses?: NtlmResponses;
}

/** The byte fields of an AUTHENTICATE message (copies: they outlive the message's buffer). */
export interface NtlmResponses {
  /** LmChallengeResponse (empty when absent). */
  lm: Uint8Array;
  /** NtChallengeResponse (empty when absent). */
  nt: Uint8Array;
  /** EncryptedRandomSessionKey (empty when absent). */
  encryptedRandomSessionKey: Uint8Array;
}

/** Attaches the raw responses to a decoded AUTHENTICATE without making them part of its JSON. */
export function attachResponses(auth: NtlmAuthenticate, responses: NtlmResponses): void {
  Object.defineProperty(auth, "responses", { value: responses, enumerable: false });
}

/** Any NTLMSSP message. */
export type NtlmMessage = NtlmNegotiate | NtlmChallenge | NtlmAuthenticate;

import type { KrbApReq } from "./kerberos.ts";

/** A security blob as SESSION_SETUP carries it, decoded. */
export interface SecurityToken {
  /** `spnego_init` (negTokenInit, possibly inside the GSS-API [APPLICATION 0] wrapper), `spnego_resp` (negTokenResp), `ntlmssp` (raw, outside SPNEGO), `kerberos` (raw krb5 AP-REQ/AP-REP GSS token), `empty`, `unknown`. */
  kind: "spnego_init" | "spnego_resp" | "ntlmssp" | "kerberos" | "empty" | "unknown";
  /** negTokenInit mechTypes by name (`NTLMSSP`, `Kerberos`, `MS-Kerberos`, `NEGOEX`, `Kerberos-U2U`) or dotted OID when unknown. */
  mechTypes?: string[];
  /** negTokenResp negState: `accept-completed`, `accept-incomplete`, `reject`, `request-mic`. */
  negState?: string;
  /** negTokenResp supportedMech by name. */
  supportedMech?: string;
  /** Which mechanism the inner token (mechToken / responseToken) is: `NTLMSSP`, `Kerberos`, `NEGOEX`, `unknown`. */
  innerMech?: string;
  /** The NTLMSSP message inside, when there is one. */
  ntlm?: NtlmMessage;
  /** The Kerberos AP-REQ inside (realm, service, ticket encryption), when there is one. */
  kerberos?: KrbApReq;
  /** negTokenInit negHints hintName (e.g. `not_defined_in_RFC4178@please_ignore`), when present. */
  hintName?: string;
  /** Problems met (lying lengths, unknown tags): the decoder never throws. */
  problems: string[];
}
