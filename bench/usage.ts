/**
 * The command line of every benchmark script: `-h`/`--help` prints its usage
 * and exits 0; an option it does not know, or a missing argument, prints
 * why and the usage on stderr and exits 2 (instead of a stack trace, or, for
 * the capture builders, a file named `--help`).
 * @module
 */

/**
 * Runs `parse` on the script's arguments unless help was asked; a `parse` that throws is a
 * usage error.
 */
export function withUsage<T>(usage: string, parse: (args: string[]) => T): T {
  const args = Deno.args;
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    Deno.exit(0);
  }
  try {
    return parse([...args]);
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${usage}`);
    Deno.exit(2);
  }
}

/**
 * Splits `args` into positional arguments (at least `min` of them) and the flags among `known`;
 * throws on any other argument starting with `-`.
 */
export function positional(
  args: readonly string[],
  min: number,
  known: readonly string[] = [],
): { positionals: string[]; flags: string[] } {
  const positionals: string[] = [], flags: string[] = [];
  for (const a of args) {
    if (!a.startsWith("-")) positionals.push(a);
    else if (known.includes(a)) flags.push(a);
    else throw new Error(`unknown option ${a}`);
  }
  if (positionals.length < min) throw new Error("missing argument");
  return { positionals, flags };
}
