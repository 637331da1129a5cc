/**
 * `deno task serve`: serves functions/main.ts on $PORT (default 8000) and
 * $HOST (default 0.0.0.0) over `node:http` (see node_http.ts for why not
 * `Deno.serve`; `deno serve functions/main.ts` still runs the same handler).
 * @module
 */
import handler from "./main.ts";
import { serveNodeHttp } from "./node_http.ts";

const port = Number(Deno.env.get("PORT") ?? 8000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new RangeError(`Cannot serve: PORT=${Deno.env.get("PORT")} is not a port number`);
}
const hostname = Deno.env.get("HOST") ?? "0.0.0.0";
serveNodeHttp(handler, {
  port,
  hostname,
  onListen: (bound) => console.log(`Listening on http://${hostname}:${bound}/`),
});
