import * as assert from "node:assert/strict";
import { LinkType, linkTypeName } from "../../lib/capture/linktypes.ts";

Deno.test("linkTypeName names the link types smbscope decodes", () => {
  const names = [0, 1, 12, 101, 108, 113, 228, 229, 276].map(linkTypeName);
  assert.deepEqual(names, [
    "NULL",
    "ETHERNET",
    "RAW",
    "RAW",
    "LOOP",
    "LINUX_SLL",
    "IPV4",
    "IPV6",
    "LINUX_SLL2",
  ]);
});

Deno.test("linkTypeName returns UNKNOWN_<n> for an unassigned value", () => {
  assert.equal(linkTypeName(65000), "UNKNOWN_65000");
  assert.equal(linkTypeName(11), "UNKNOWN_11");
});

Deno.test("LinkType assigns each number once and round-trips through linkTypeName", () => {
  const values = Object.values(LinkType);
  assert.equal(new Set(values).size, values.length);
  for (const [name, n] of Object.entries(LinkType)) assert.equal(linkTypeName(n), name);
});
