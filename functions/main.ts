/**
 * The entry point for `deno serve` and Deno Deploy: the handler with limits
 * read from the environment once, at start-up (SMBSCOPE_MAX_BYTES,
 * SMBSCOPE_MAX_SECONDS, SMBSCOPE_MAX_EVENTS, SMBSCOPE_MAX_STREAM_EVENTS,
 * SMBSCOPE_MAX_EXTRACT_BYTES), and
 * the hosts `source=` may read from (SMBSCOPE_SOURCE_HOSTS; unset: none).
 *
 *     deno task serve          # PORT, default 8000
 *
 * @module
 */
import { createHandler } from "./handler.ts";
import { limitsFromEnv, runtimeEnv } from "./limits.ts";
import { parseSourceHosts, SOURCE_HOSTS_ENV } from "./source.ts";

export default createHandler({
  ...limitsFromEnv(),
  sourceHosts: parseSourceHosts(runtimeEnv(SOURCE_HOSTS_ENV)),
});
