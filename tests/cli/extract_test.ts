/**
 * `decode --extract DIR` on real captures: files land under DIR with the
 * content and SHA-256 the fixture script recorded, each with a sidecar; a
 * hostile file name (the real capture with its name bytes rewritten in place)
 * cannot leave DIR.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { FileEvent } from "../../mod.ts";
import { utf16 } from "../_support/bytes.ts";

const root = new URL("../../", import.meta.url);
const cli = new URL("cli/main.ts", root).pathname;
const fixture = (name: string) => new URL(`fixtures/${name}`, root).pathname;

async function extract(pcap: string, dir: string): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-R", "-W", cli, "decode", pcap, "--extract", dir, "-t", "summary"],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

function walk(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) out.push(...walk(`${dir}/${e.name}`, `${prefix}${e.name}/`));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

const sha256 = (path: string) => createHash("sha256").update(Deno.readFileSync(path)).digest("hex");

/** The capture with every UTF-16LE `from` replaced by `to` (same length). */
function renamed(pcap: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const a = utf16(from), b = utf16(to), out = pcap.slice();
  let n = 0;
  for (let i = 0; i + a.length <= out.length; i++) {
    let same = true;
    for (let j = 0; j < a.length && same; j++) same = out[i + j] === a[j];
    if (same) {
      out.set(b, i);
      n++;
    }
  }
  assert.ok(n > 0);
  return out;
}

Deno.test("cli decode --extract writes the uploaded and downloaded files with sidecars", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const expected = JSON.parse(Deno.readTextFileSync(fixture("smb/smb3_11.expected.json")));
    const r = await extract(fixture("smb/smb3_11.pcap"), dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /extracted 22 files \(22 complete/);
    const files = walk(dir);
    // put and get of the same name: the second gets ~2.
    assert.ok(files.includes("10.77.0.1/data/smb3_11_put.bin"));
    assert.ok(files.includes("10.77.0.1/data/smb3_11_put~2.bin"));
    for (const f of expected.files) {
      if (!f.actions.includes("write")) continue;
      const path = `${dir}/10.77.0.1/data/${f.name}`;
      assert.equal(sha256(path), f.sha256, f.name);
      const side = JSON.parse(Deno.readTextFileSync(`${path}.smbscope.json`));
      const event: FileEvent = side.event;
      assert.equal(side.extractedAs, `10.77.0.1/data/${f.name}`);
      assert.equal(event.hashes?.sha256, f.sha256);
      assert.equal(event.size, f.size);
      assert.equal(event.complete, true);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cli decode --extract: a hostile name stays inside the folder, content intact", async () => {
  const base = Deno.makeTempDirSync();
  try {
    const expected = JSON.parse(Deno.readTextFileSync(fixture("smb/smb2_10.expected.json")));
    const put = expected.files.find((f: { name: string }) => f.name === "smb2_10_put.bin");
    const original = Deno.readFileSync(fixture("smb/smb2_10.pcap"));
    for (const hostile of ["..\\..\\..\\..\\a.b", "COM1\x1b[2J\x07:a.bin", "\\..\\..\\..\\etc"]) {
      const dir = `${base}/out`;
      const pcap = `${base}/hostile.pcap`;
      Deno.writeFileSync(pcap, renamed(original, "smb2_10_put.bin", hostile.padEnd(15, "x")));
      const r = await extract(pcap, dir);
      assert.equal(r.code, 0, r.stderr);
      // Nothing was written beside the output folder.
      assert.deepEqual(walk(base).filter((p) => !p.startsWith("out/")), ["hostile.pcap"]);
      const carved = walk(dir).filter((p) => !p.endsWith(".smbscope.json"));
      assert.equal(carved.length, 2, carved.join(" ")); // the put and the get
      for (const p of carved) {
        assert.ok(p.startsWith("10.77.0.1/data/"), p);
        // deno-lint-ignore no-control-regex
        assert.ok(!/[\u0000-\u001f:\\]/.test(p), JSON.stringify(p));
        assert.ok(!p.split("/").includes(".."), p);
        assert.equal(sha256(`${dir}/${p}`), put.sha256);
      }
      Deno.removeSync(dir, { recursive: true });
    }
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});
