/**
 * The entry point for `deno serve` and Deno Deploy: the handler with limits
 * read from the environment once, at start-up (SMBSCOPE_MAX_BYTES,
 * SMBSCOPE_MAX_SECONDS, SMBSCOPE_MAX_EVENTS).
 *
 *     deno task serve          # PORT, default 8000
 *
 * @module
 */
import { createHandler } from "./handler.ts";
import { limitsFromEnv } from "./limits.ts";

export default createHandler(limitsFromEnv());
