/**
 * Serves a Web-standard fetch handler over `node:http` (Node, Deno, Bun).
 *
 * Why not `Deno.serve` for `deno task serve`: Deno 2.8.3 to at least 2.9.6
 * answer HTTP/1.1 with their own server path, which, while a streaming
 * response is open and the request body is still arriving, reads the socket
 * ahead into one growing buffer with no flow control and hands the body out
 * from its front (each read moving the rest). An NDJSON answer streams while
 * the upload is still coming in, so a 200 MB SMB-dense upload took 28-45 s
 * instead of 7 and held the whole upload in memory (measured; denoland/deno
 * PR #36869, open, bounds that read-ahead). `node:http` applies TCP
 * back-pressure: the socket is read only as the decoder asks for bytes.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { FetchHandler } from "./handler.ts";

/** Where to listen. */
export interface NodeServeOptions {
  /** Port to listen on (0: any free one). */
  port: number;
  /** Address to listen on. */
  hostname: string;
  /** Called once listening, with the port (useful with port 0). */
  onListen?: (port: number) => void;
}

/** A running server. */
export interface NodeServer {
  /** The port listened on. */
  readonly port: Promise<number>;
  /** Stop accepting, end idle connections, resolve when closed. */
  close(): Promise<void>;
}

/** Request body chunks buffered before the socket is paused (a read is 16-64 KiB). */
const BODY_CHUNKS_AHEAD = 4;
const NO_BODY = new Set(["GET", "HEAD"]);

/** Serve `handler` with `node:http` on `options.port` and `options.hostname`. */
export function serveNodeHttp(handler: FetchHandler, options: NodeServeOptions): NodeServer {
  const server: Server = createServer((req, res) => {
    answer(handler, req, res).catch(() => res.destroy());
  });
  // A malformed request head: 400 and close, as Deno.serve does.
  server.on("clientError", (_e, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  const port = new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : options.port;
      options.onListen?.(bound);
      resolve(bound);
    });
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections?.();
      }),
  };
}

/** One request: node's request in, the handler's Response out, with back-pressure both ways. */
async function answer(
  handler: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? "GET";
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  const host = headers.get("host") ?? "localhost";
  const body = NO_BODY.has(method) ? undefined : new RequestBody(req);
  const request = new Request(`http://${host}${req.url ?? "/"}`, {
    method,
    headers,
    ...(body ? { body: body.stream } : {}),
  });
  const response = await handler.fetch(request);
  if (body?.dropped && !req.complete) {
    // The handler answered without the rest of the upload (413, 415, ...): the client may still be
    // sending it, so the connection ends with this answer rather than carrying the rest as the
    // next request's bytes.
    res.shouldKeepAlive = false;
    res.on("finish", () => req.socket.destroy());
  }
  const outHeaders: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    const had = outHeaders[name];
    if (had === undefined) outHeaders[name] = value;
    else outHeaders[name] = [...(Array.isArray(had) ? had : [had]), value];
  }
  res.writeHead(response.status, outHeaders);
  if (response.body === null || method === "HEAD") {
    response.body?.cancel().catch(() => {});
    res.end();
    return;
  }
  await sendBody(response.body, res);
}

/** The request body as a stream that pauses the socket while its queue is full. */
class RequestBody {
  /** True once the handler cancelled the stream (it will read no more). */
  dropped = false;
  readonly stream: ReadableStream<Uint8Array>;

  constructor(req: IncomingMessage) {
    let settled = false;
    this.stream = new ReadableStream<Uint8Array>({
      start(c) {
        req.on("data", (chunk: Uint8Array) => {
          if (settled) return;
          // A copy in its own buffer: node may hand out views of a shared one, and the
          // decoder releases (detaches) a spent chunk's buffer.
          c.enqueue(new Uint8Array(chunk));
          if ((c.desiredSize ?? 0) <= 0) req.pause();
        });
        req.on("end", () => {
          if (!settled) c.close();
          settled = true;
        });
        req.on("error", (e) => {
          if (!settled) c.error(e);
          settled = true;
        });
        // A body the client abandoned ends with "close" and no "end".
        req.on("close", () => {
          if (!req.complete && !settled) c.error(new Error("the client closed the connection"));
          settled = true;
        });
      },
      pull() {
        req.resume();
      },
      cancel: () => {
        settled = true;
        this.dropped = true;
        req.resume(); // read and drop what still comes until the answer is sent
      },
    }, { highWaterMark: BODY_CHUNKS_AHEAD });
  }
}

/** Writes the response body, waiting for `drain` when node's buffer is full. */
async function sendBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  let gone = false;
  const closed = new Promise<void>((resolve) => {
    res.on("close", () => {
      gone = true;
      resolve();
    });
  });
  res.on("close", () => {
    if (!res.writableFinished) reader.cancel("the client went away").catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || gone) break;
      if (!res.write(value)) {
        await Promise.race([new Promise((resolve) => res.once("drain", resolve)), closed]);
      }
    }
  } catch {
    res.destroy(); // the body stream failed: cut the answer so the client sees it incomplete
    return;
  }
  if (!gone) res.end();
}
