/**
 * Directory listings carry each entry's size and attributes: the final `ls`
 * of each fixtures/smb/files capture (SMB1 TRANS2 FIND_FIRST2, SMB2
 * QUERY_DIRECTORY) names every file the script left on the share with the
 * size the script recorded.
 */
import * as assert from "node:assert/strict";
import { Decoder, type SmbEvent } from "../../mod.ts";

const dir = new URL("../../fixtures/smb/files/", import.meta.url);

for (const capture of ["files_smb1", "files_smb21", "files_smb311"]) {
  Deno.test(`listing sizes: ${capture}.pcap: the last listing has the script's sizes`, () => {
    const expected = JSON.parse(Deno.readTextFileSync(new URL(`${capture}.expected.json`, dir)));
    const d = new Decoder({ files: { events: false } });
    const events = [...d.push(Deno.readFileSync(new URL(`${capture}.pcap`, dir))), ...d.end()];
    const listings = events.filter((e): e is SmbEvent =>
      e.type === "smb" && e.response && Array.isArray(e.fields.names) &&
      (e.fields.names as string[]).length > 40
    );
    const last = listings.at(-1)!;
    const names = last.fields.names as string[];
    const sizes = last.fields.sizes as number[];
    const attributes = last.fields.attributes as number[];
    assert.equal(sizes.length, names.length);
    assert.equal(attributes.length, names.length);
    let checked = 0;
    for (
      const f of expected.files as {
        path: string;
        finalPath?: string;
        size: number;
        actions: string[];
      }[]
    ) {
      if (f.actions.includes("delete")) continue;
      const i = names.indexOf(f.finalPath ?? f.path);
      assert.ok(i >= 0, `${f.finalPath ?? f.path} listed`);
      assert.equal(sizes[i], f.size, `${f.path} size`);
      assert.equal(attributes[i]! & 0x10, 0, `${f.path} is not a folder`);
      checked++;
    }
    assert.ok(checked >= 40, `${checked} files checked`);
    assert.equal(attributes[names.indexOf(".")]! & 0x10, 0x10);
  });
}
