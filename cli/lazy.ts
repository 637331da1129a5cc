/**
 * Loading a front-end module only when a command needs it. The specifier is
 * computed, so Deno does not see it when it builds the graph of `decode`: the
 * npm packages behind the REPL's prompts or the Parquet writer are fetched on
 * first use, never by a command that does not use them.
 * @module
 */

/**
 * The URL of a module of cli/ (`repl/main.ts`, `parquet_folder.ts`), from
 * this file and from the bundle alike: `../cli/` leads to cli/ both from cli/
 * and from dist/, where tools/build.ts puts the bundled CLI. The commands
 * loaded on demand run from the sources.
 */
export function cliModule(path: string): URL {
  return new URL(`../cli/${path}`, import.meta.url);
}

/**
 * A worker's script (`shard_worker`, `md5_worker`): the bundled one beside
 * the bundle when this code runs from dist/, the source beside this file
 * otherwise.
 */
export function workerModule(name: string): URL {
  return new URL(
    import.meta.url.endsWith(".js") ? `./${name}.js` : `./${name}.ts`,
    import.meta.url,
  );
}

/** `import()` of a module of cli/, hidden from Deno's graph analysis. */
export function lazyImport<T>(path: string): Promise<T> {
  return import(cliModule(path).href) as Promise<T>;
}
