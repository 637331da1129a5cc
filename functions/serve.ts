/**
 * `deno task serve`: serves functions/main.ts on $PORT (default 8000), which
 * `deno serve` alone does not read. Same handler as `deno serve functions/main.ts`.
 * @module
 */
import handler from "./main.ts";

const port = Number(Deno.env.get("PORT") ?? 8000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new RangeError(`Cannot serve: PORT=${Deno.env.get("PORT")} is not a port number`);
}
Deno.serve({ port, hostname: Deno.env.get("HOST") ?? "0.0.0.0" }, handler.fetch);
