/** Shared by the HTTP function's tests: a real loopback server around a handler. */
import type { FetchHandler } from "../../functions/handler.ts";
import { serveNodeHttp } from "../../functions/node_http.ts";

export const FIXTURES = new URL("../../fixtures/smb/", import.meta.url);

export function fixture(name: string): Uint8Array<ArrayBuffer> {
  return Deno.readFileSync(new URL(name, FIXTURES)) as Uint8Array<ArrayBuffer>;
}

/**
 * Serve `handler` on 127.0.0.1 with a free port for the duration of `fn`, then shut it down;
 * with `Deno.serve`, or with `node:http` as `deno task serve` does (functions/node_http.ts).
 */
export async function withServer(
  handler: FetchHandler,
  fn: (base: string) => Promise<void>,
  server: "deno" | "node" = "deno",
): Promise<void> {
  if (server === "node") {
    const running = serveNodeHttp(handler, { port: 0, hostname: "127.0.0.1" });
    try {
      await fn(`http://127.0.0.1:${await running.port}`);
    } finally {
      await running.close();
    }
    return;
  }
  const denoServer = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (request) => handler.fetch(request),
  );
  try {
    await fn(`http://127.0.0.1:${denoServer.addr.port}`);
  } finally {
    await denoServer.shutdown();
  }
}

/** A body stream of `bytes` in chunks of `size`. */
export function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  }, { highWaterMark: 0 });
}

/** The lines of an NDJSON response, parsed. */
export async function ndjson(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

/** gzip `bytes` with CompressionStream. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
