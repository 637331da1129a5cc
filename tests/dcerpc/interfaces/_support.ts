/**
 * What the argument decoder tests share: stubs (as hex, NDR 2.0 or NDR64),
 * decoding one with an operation's reader, and the hostile checks.
 * @module
 */
import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import type { InterfaceDecoder, RpcArguments } from "../../../lib/dcerpc/interfaces/types.ts";

/** One stub as the `*_stubs.json` files of make_stubs_ad.py hold it. */
export type Stub = { hex: string; ndr64: boolean };
/** Which of an operation's stubs. */
export type Direction = "request" | "response";

/** Hex digits as bytes. */
export const bytes = (hex: string): Uint8Array =>
  Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

/** The reader of one operation's stubs (the test fails when the decoder has none). */
function reader(iface: InterfaceDecoder, opnum: number, dir: Direction) {
  const read = iface.ops[opnum]?.[dir];
  assert.ok(read, `no ${dir} decoder for opnum ${opnum}`);
  return read;
}

/**
 * Decodes a whole stub, a {@link Stub} or hex (NDR 2.0 unless `ndr64`):
 * every byte must be read and the result must be JSON-safe.
 */
export function decode(
  iface: InterfaceDecoder,
  opnum: number,
  dir: Direction,
  stub: Stub,
): RpcArguments;
export function decode(
  iface: InterfaceDecoder,
  opnum: number,
  dir: Direction,
  hex: string,
  ndr64?: boolean,
): RpcArguments;
export function decode(
  iface: InterfaceDecoder,
  opnum: number,
  dir: Direction,
  stub: Stub | string,
  ndr64 = false,
): RpcArguments {
  const { hex, ndr64: is64 } = typeof stub === "string" ? { hex: stub, ndr64 } : stub;
  const r = new NdrReader(bytes(hex), { ndr64: is64 });
  const out = reader(iface, opnum, dir)(r);
  assert.equal(r.remaining, 0, `opnum ${opnum} ${dir}: ${r.remaining} bytes left`);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), out, `opnum ${opnum} ${dir}: not JSON-safe`);
  return out;
}

/** A look-up of a stubs file's cases by name (the test fails on an unknown name). */
export function stubTable(cases: Readonly<Record<string, Stub>>): (name: string) => Stub {
  return (name) => {
    const c = cases[name];
    assert.ok(c, name);
    return c;
  };
}

/**
 * A stubs file's cases named `<Operation>.<request|response>[.variant]`,
 * with each operation's opnum from `opnums` (the test fails on one missing).
 */
export function namedCases(
  cases: Readonly<Record<string, Stub>>,
  opnums: Readonly<Record<string, number>>,
): [name: string, opnum: number, dir: Direction, stub: Stub][] {
  return Object.entries(cases).map(([name, stub]) => {
    const [op, dir] = name.split(".") as [string, Direction];
    const opnum = opnums[op];
    assert.ok(opnum !== undefined, name);
    return [name, opnum, dir, stub];
  });
}

/**
 * Every truncation of a stub and every 4-byte word set to 0xFFFFFFFF give
 * NdrError or a result, nothing else, and quickly. A truncation must throw
 * NdrError unless `truncationsThrow` is false (a decoder that reads its
 * return value from the stub's end may still decode a cut stub).
 */
export function hostile(
  iface: InterfaceDecoder,
  opnum: number,
  dir: Direction,
  stub: Stub,
  truncationsThrow = true,
): void {
  const whole = bytes(stub.hex);
  const read = reader(iface, opnum, dir);
  const options = { ndr64: stub.ndr64 };
  const attempt = (b: Uint8Array, what: string) => {
    try {
      read(new NdrReader(b, options));
    } catch (e) {
      assert.ok(e instanceof NdrError, `${what}: ${e}`);
    }
  };
  const started = performance.now();
  for (let n = 0; n < whole.length; n++) {
    const cut = whole.subarray(0, n);
    if (truncationsThrow) {
      assert.throws(() => read(new NdrReader(cut, options)), NdrError, `cut at ${n}`);
    } else attempt(cut, `cut at ${n}`);
  }
  for (let at = 0; at + 4 <= whole.length; at += 4) {
    const b = whole.slice();
    b.set([0xff, 0xff, 0xff, 0xff], at);
    attempt(b, `0xFFFFFFFF at ${at}`);
  }
  assert.ok(performance.now() - started < 2000, "hostile stubs decode quickly");
}
