/**
 * Security mechanism OIDs seen in SPNEGO negotiations. The only place these
 * OIDs live.
 * @see [RFC 4178] SPNEGO, [RFC 1964]/[RFC 4121] Kerberos V5 GSS-API,
 * [MS-SPNG] 1.9 (MS-Kerberos, NEGOEX), [MS-NLMP] 1.9 (NTLMSSP)
 * @module
 */

/** Mechanism name -> dotted OID. */
export const MechOid = {
  NTLMSSP: "1.3.6.1.4.1.311.2.2.10",
  Kerberos: "1.2.840.113554.1.2.2",
  "MS-Kerberos": "1.2.840.48018.1.2.2",
  NEGOEX: "1.3.6.1.4.1.311.2.2.30",
  "Kerberos-U2U": "1.2.840.113554.1.2.2.3",
  /** IAKERB ([RFC 9527]): Kerberos through the server, e.g. Apple's local KDC. */
  IAKERB: "1.3.6.1.5.2.5",
  SPNEGO: "1.3.6.1.5.5.2",
} as const;
export type MechOid = (typeof MechOid)[keyof typeof MechOid];

const NAMES = new Map<string, string>(Object.entries(MechOid).map(([name, oid]) => [oid, name]));

/** The mechanism's name (`NTLMSSP`, `Kerberos`, ...), or the dotted OID itself when unknown. */
export function oidName(dotted: string): string {
  return NAMES.get(dotted) ?? dotted;
}

/** Whether an OID names a Kerberos V5 mechanism (standard, Microsoft's, user-to-user, IAKERB). */
export function isKerberosOid(dotted: string): boolean {
  return dotted === MechOid.Kerberos || dotted === MechOid["MS-Kerberos"] ||
    dotted === MechOid["Kerberos-U2U"] || dotted === MechOid.IAKERB;
}
