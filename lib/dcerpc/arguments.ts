/**
 * Runs the argument decoder of a call's operation, if there is one, over
 * its reassembled stub, and turns every fault of a hostile stub into a
 * result that says so: never an exception out of here.
 * @module
 */
import type { JsonValue } from "../events.ts";
import { INTERFACE_DECODERS } from "./interfaces/mod.ts";
import type { InterfaceDecoder, ReturnKind } from "./interfaces/types.ts";
import { NdrError, NdrReader } from "./ndr.ts";
import { returnValueName, returnValueSucceeded } from "./status_names.ts";

/** What decoding a stub gave. */
export interface ArgumentsResult {
  /** The decoded values (with `returnValue` for responses that have one). */
  values?: { [key: string]: JsonValue };
  /** The return value's name and meaning, by the interface's return kind. */
  status?: { name: string; success: boolean };
  /** Why decoding stopped: the stub is malformed or shorter than its fields. */
  error?: string;
  /** Lists or strings were cut to what is kept. */
  cut?: boolean;
}

let byUuid: Map<string, InterfaceDecoder> | undefined;

function decoderOf(uuid: string): InterfaceDecoder | undefined {
  if (byUuid === undefined) {
    byUuid = new Map();
    for (const d of INTERFACE_DECODERS) for (const u of d.uuids) byUuid.set(u, d);
  }
  return byUuid.get(uuid);
}

/** Whether the operation's request (or response) has a decoder. */
export function hasDecoder(uuid: string, opnum: number, request: boolean): boolean {
  const op = decoderOf(uuid)?.ops[opnum];
  return op !== undefined && (request ? op.request : op.response) !== undefined;
}

/** Decode one stub; undefined when the operation has no decoder for that direction. */
export function decodeArguments(
  uuid: string,
  opnum: number,
  request: boolean,
  stub: Uint8Array,
  options: { ndr64: boolean; littleEndian: boolean },
): ArgumentsResult | undefined {
  const iface = decoderOf(uuid);
  const op = iface?.ops[opnum];
  const read = request ? op?.request : op?.response;
  if (iface === undefined || read === undefined) return undefined;
  const r = new NdrReader(stub, options);
  try {
    const values = read(r) as { [key: string]: JsonValue };
    const result: ArgumentsResult = { values };
    if (r.cut > 0) result.cut = true;
    const rv = values.returnValue;
    if (!request && typeof rv === "number") {
      const kind: ReturnKind = iface.returns;
      result.status = { name: returnValueName(rv, kind), success: returnValueSucceeded(rv, kind) };
    }
    return result;
  } catch (e) {
    if (e instanceof NdrError) return { error: e.message };
    // A decoder's own mistake: reported the same way, so the decode goes on.
    return { error: `decoder failed: ${e}` };
  }
}
