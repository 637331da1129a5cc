/**
 * Print the README's table of DCE/RPC operations whose arguments are decoded, from the list of
 * decoders (lib/dcerpc/interfaces/mod.ts) and the name table:
 *
 *     deno run tools/rpc_decoded_table.ts
 */
import { INTERFACE_DECODERS } from "../lib/dcerpc/interfaces/mod.ts";
import { interfaceByUuid } from "../lib/dcerpc/names.ts";

console.log("| interface | specification | operations decoded (request and response) |");
console.log("| --- | --- | --- |");
let total = 0;
for (const d of INTERFACE_DECODERS) {
  const entry = interfaceByUuid(d.uuids[0]!)!;
  const ops = Object.keys(d.ops).map(Number).sort((a, b) => a - b);
  total += ops.length;
  const names = ops.map((n) => `${entry.ops[n]} (${n})`).join(", ");
  const uuids = d.uuids.map((u) => `\`${u}\``).join(", ");
  console.log(`| \`${entry.name}\` ${uuids} | ${entry.spec} | ${names} |`);
}
console.error(`${INTERFACE_DECODERS.length} interfaces, ${total} operations`);
