/**
 * Loading a front-end module only when a command needs it. The specifier is
 * computed, so Deno does not see it when it builds the graph of `decode`: the
 * npm packages behind the REPL's prompts or the Parquet writer are fetched on
 * first use, never by a command that does not use them.
 * @module
 */

/** `import()` of a module beside this one, hidden from Deno's graph analysis. */
export function lazyImport<T>(path: string): Promise<T> {
  return import(new URL(path, import.meta.url).href) as Promise<T>;
}
