/**
 * `--format json` with its lists spooled to temporary files (write access)
 * writes the same document as without (lists in memory), and leaves no
 * temporary files behind.
 */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

async function decodeJson(permissions: string[], tmp: string, capture: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, `${root}cli/main.ts`, "decode", capture, "-q", "-f", "json"],
    env: { DENO_NO_UPDATE_CHECK: "1", TMPDIR: tmp, NO_COLOR: "1" },
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

for (const name of ["dcerpc/rpc_smb2.pcap", "smb/smb3_bulk.pcap", "detect/rpc/rpc_coerce.pcap"]) {
  Deno.test(`json document spooled to disk equals the one held in memory: ${name}`, async () => {
    const tmp = await Deno.makeTempDir();
    try {
      const capture = `${root}fixtures/${name}`;
      const spooled = await decodeJson(["-A"], tmp, capture);
      const held = await decodeJson([`--allow-read=${root}`], tmp, capture);
      assert.equal(spooled, held);
      const doc = JSON.parse(spooled);
      assert.ok(doc.connections.length > 0 && doc.files.length > 0);
      assert.deepEqual([...Deno.readDirSync(tmp)], [], "temporary files left behind");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  });
}
