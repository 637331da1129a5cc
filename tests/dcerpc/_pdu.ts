/** Test-only: connection-oriented DCE/RPC PDUs built field by field ([C706] 12.6). */

/** Little-endian bytes of `n` in `width` bytes. */
export function le(n: number, width: number): number[] {
  return Array.from({ length: width }, (_, i) => Math.floor(n / 2 ** (8 * i)) & 0xff);
}

/** A UUID's 16 bytes as NDR lays them out (first three fields little-endian). */
export function uuidBytes(uuid: string): number[] {
  const h = uuid.replaceAll("-", "");
  const b = Array.from({ length: 16 }, (_, i) => parseInt(h.slice(2 * i, 2 * i + 2), 16));
  return [b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.slice(8)];
}

/** One PDU: header, body, and an optional verifier (sec_trailer + credentials). */
export function pdu(
  ptype: number,
  callId: number,
  body: number[],
  options: { flags?: number; auth?: { type: number; level: number; value: number[] } } = {},
): Uint8Array {
  const trailer = options.auth === undefined
    ? []
    : [options.auth.type, options.auth.level, 0, 0, ...le(0, 4), ...options.auth.value];
  const authLength = options.auth?.value.length ?? 0;
  const length = 16 + body.length + trailer.length;
  return new Uint8Array([
    5,
    0,
    ptype,
    options.flags ?? 3,
    0x10,
    0,
    0,
    0,
    ...le(length, 2),
    ...le(authLength, 2),
    ...le(callId, 4),
    ...body,
    ...trailer,
  ]);
}

/** NDR transfer syntax 2.0. */
export const NDR = "8a885d04-1ceb-11c9-9fe8-08002b104860";

/** A bind offering one context per interface, NDR only. */
export function bind(callId: number, interfaces: [string, number][]): Uint8Array {
  const body = [...le(4280, 2), ...le(4280, 2), ...le(0, 4), interfaces.length, 0, 0, 0];
  interfaces.forEach(([uuid, major], id) => {
    body.push(...le(id, 2), 1, 0, ...uuidBytes(uuid), ...le(major, 2), ...le(0, 2));
    body.push(...uuidBytes(NDR), ...le(2, 4));
  });
  return pdu(11, callId, body);
}

/** A bind_ack accepting `n` contexts with NDR. */
export function bindAck(callId: number, n: number): Uint8Array {
  const body = [...le(4280, 2), ...le(4280, 2), ...le(1, 4), ...le(4, 2), ...[0x31, 0x33, 0x35, 0]];
  body.push(n, 0, 0, 0);
  for (let i = 0; i < n; i++) body.push(...le(0, 2), ...le(0, 2), ...uuidBytes(NDR), ...le(2, 4));
  return pdu(12, callId, body);
}

/** A request: alloc hint, context, opnum, stub. */
export function request(callId: number, opnum: number, stub: number[], flags = 3): Uint8Array {
  return pdu(0, callId, [...le(stub.length, 4), ...le(0, 2), ...le(opnum, 2), ...stub], { flags });
}

/** A response: alloc hint, context, cancel count, stub. */
export function response(callId: number, stub: number[], flags = 3): Uint8Array {
  return pdu(2, callId, [...le(stub.length, 4), ...le(0, 2), 0, 0, ...stub], { flags });
}
