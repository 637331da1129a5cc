/** The list of argument decoders against the name table: every decoded operation has a name. */
import * as assert from "node:assert/strict";
import { INTERFACE_DECODERS } from "../../lib/dcerpc/interfaces/mod.ts";
import { interfaceByUuid, operationName } from "../../lib/dcerpc/names.ts";

Deno.test("every decoded interface and operation is named by the specifications' table", () => {
  let ops = 0;
  const seen = new Set<string>();
  for (const d of INTERFACE_DECODERS) {
    for (const uuid of d.uuids) {
      assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.ok(!seen.has(uuid), `${uuid} decoded twice`);
      seen.add(uuid);
      assert.ok(interfaceByUuid(uuid), `${uuid} has no name`);
      for (const opnum of Object.keys(d.ops).map(Number)) {
        assert.ok(operationName(uuid, opnum), `${interfaceByUuid(uuid)!.name} opnum ${opnum}`);
        ops++;
      }
    }
  }
  assert.ok(ops > 100, `${ops} operations decoded`);
});
