/**
 * The rules of ../shared/DESIGN.md that a reader cannot see at a glance:
 * lib/ imports nothing outside itself and no runtime (except pinned hashing
 * and cipher packages, in crypto/ only), and each layer imports only the
 * layers below it.
 */
import * as assert from "node:assert/strict";

const lib = new URL("../lib/", import.meta.url);

/** Layers from the bottom; a file may import its own layer and those before it. */
const ORDER = [
  "bytes",
  "crypto",
  "(base)",
  "state",
  "capture",
  "net",
  "flow",
  "netbios",
  "auth",
  "kerberos",
  "smb",
  "dcerpc",
  "files",
  "detect",
  "output",
  "shard",
  "(top)",
];

function layerOf(path: string): string {
  const first = path.split("/")[0]!;
  if (!path.includes("/")) {
    return ["events.ts", "options.ts", "report.ts"].includes(path) ? "(base)" : "(top)";
  }
  return first;
}

function* files(dir: URL, prefix = ""): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) yield* files(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
    else if (entry.name.endsWith(".ts")) yield `${prefix}${entry.name}`;
  }
}

const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm;

Deno.test("lib/ imports only lib/, and only layers at or below its own", () => {
  const problems: string[] = [];
  for (const path of files(lib)) {
    const text = Deno.readTextFileSync(new URL(path, lib));
    if (/\bDeno\./.test(text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ""))) {
      problems.push(`${path} uses Deno.*`);
    }
    for (const [, spec] of text.matchAll(IMPORT)) {
      // The one exception: hashing and cipher packages, only in crypto/.
      if (
        path.startsWith("crypto/") && /^npm:@noble\/(hashes|ciphers)@\d+\.\d+\.\d+\//.test(spec!)
      ) {
        continue;
      }
      if (!spec!.startsWith(".")) {
        problems.push(`${path} imports ${spec}`);
        continue;
      }
      const target = new URL(spec!, new URL(path, lib)).href;
      if (!target.startsWith(lib.href)) {
        problems.push(`${path} imports ${spec} from outside lib/`);
        continue;
      }
      const from = ORDER.indexOf(layerOf(path));
      const to = ORDER.indexOf(layerOf(target.slice(lib.href.length)));
      if (to > from) problems.push(`${path} (${ORDER[from]}) imports upward: ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("the decoder's sources are ASCII (a non-ASCII character doubles a module's memory)", () => {
  // V8 keeps each module's source, as Deno emits it with an inline source map, for the whole
  // run, at two bytes a character if any character of the file is not ASCII: one `→`
  // made 1.16 MB of TypeScript cost 13 MB of RSS instead of 10. Strings write such characters
  // as \u escapes; comments spell them in ASCII (->, ..., x, <=).
  const problems: string[] = [];
  for (const dir of ["../lib/", "../cli/", "../functions/"]) {
    const root = new URL(dir, import.meta.url);
    for (const path of files(root)) {
      const lines = Deno.readTextFileSync(new URL(path, root)).split("\n");
      lines.forEach((line, i) => {
        const at = line.search(/[\u0080-\uffff]/);
        if (at >= 0) problems.push(`${dir.slice(3)}${path}:${i + 1}: ${line.slice(at, at + 20)}`);
      });
    }
  }
  const mod = Deno.readTextFileSync(new URL("../mod.ts", import.meta.url));
  if (/[\u0080-\uffff]/.test(mod)) problems.push("mod.ts");
  assert.deepEqual(problems, []);
});
