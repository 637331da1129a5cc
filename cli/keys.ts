/**
 * The command line's secrets: `--password`, `--nt-hash`, `--session-key`
 * (repeatable) and `--keys FILE`, turned into the decoder's `keys` option;
 * and the function's form fields of the same names. No `Deno.*`: the HTTP
 * function uses it too. Errors name the flag or the line, never the secret.
 * @module
 */
import type { KeyOptions } from "../mod.ts";

/** A secret given wrongly: the message is safe to print. */
export class KeyChoiceError extends Error {}

/** The lines of a keys file: `password [DOMAIN\]USER:PASSWORD`, `nt-hash [DOMAIN\]USER:HEX`, `session-key SESSIONID:HEX`. */
const KINDS = {
  password: "passwords",
  "nt-hash": "ntHashes",
  "session-key": "sessionKeys",
} as const;

/** What the flags gave. */
export interface KeyFlags {
  passwords?: readonly string[] | undefined;
  ntHashes?: readonly string[] | undefined;
  sessionKeys?: readonly string[] | undefined;
  /** A keys file's text (already read). */
  keysFile?: { name: string; text: string } | undefined;
  exportHashes?: boolean | undefined;
}

/** Reads a keys file's lines into the three lists; `#` starts a comment line. */
export function parseKeysFile(name: string, text: string): Required<
  Pick<KeyOptions, "passwords" | "ntHashes" | "sessionKeys">
> {
  const out = { passwords: [] as string[], ntHashes: [] as string[], sessionKeys: [] as string[] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const space = line.search(/\s/);
    const kind = space < 0 ? line : line.slice(0, space);
    const list = KINDS[kind.replace(/^--/, "") as keyof typeof KINDS];
    if (list === undefined || space < 0) {
      throw new KeyChoiceError(
        `${name}:${i + 1}: expected "password", "nt-hash" or "session-key" and a value`,
      );
    }
    out[list].push(line.slice(space).trim());
  });
  return out;
}

/** The decoder's `keys` option from the flags, or undefined when no secret and no export was asked for. */
export function keyOptionsFrom(flags: KeyFlags): KeyOptions | undefined {
  const file = flags.keysFile === undefined
    ? { passwords: [], ntHashes: [], sessionKeys: [] }
    : parseKeysFile(flags.keysFile.name, flags.keysFile.text);
  for (
    const [flag, values] of [
      ["--password", flags.passwords],
      ["--nt-hash", flags.ntHashes],
      ["--session-key", flags.sessionKeys],
    ] as const
  ) {
    for (const v of values ?? []) {
      if (!v.includes(":")) {
        throw new KeyChoiceError(
          `${flag} takes ${flag === "--session-key" ? "SESSIONID:HEX" : "[DOMAIN\\]USER:VALUE"}`,
        );
      }
    }
  }
  const options: KeyOptions = {
    passwords: [...(flags.passwords ?? []), ...file.passwords],
    ntHashes: [...(flags.ntHashes ?? []), ...file.ntHashes],
    sessionKeys: [...(flags.sessionKeys ?? []), ...file.sessionKeys],
    exportHashes: flags.exportHashes === true,
  };
  const any = options.passwords!.length + options.ntHashes!.length + options.sessionKeys!.length;
  return any > 0 || options.exportHashes ? options : undefined;
}
