/**
 * Where the CLI's workers are: the bundled ones beside the bundle when this
 * code runs from dist/ (tools/build.ts), the sources beside this file
 * otherwise.
 * @module
 */

/** A worker's script (`shard_worker`, `md5_worker`), as `new Worker` takes it. */
export function workerModule(name: string): URL {
  return new URL(
    import.meta.url.endsWith(".js") ? `./${name}.js` : `./${name}.ts`,
    import.meta.url,
  );
}
