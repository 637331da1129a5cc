/**
 * The HTTP function's limits and where they come from: defaults, or the
 * environment (read once, at module load, through a guarded accessor so the
 * handler itself never touches `Deno.*`).
 * @module
 */

/** What one request may cost. */
export interface HandlerLimits {
  /** Most upload bytes (as sent, before inflating gzip). Over it: 413. @default {1073741824} */
  maxBytes: number;
  /** Seconds one decode may take, upload included. Past it the output so far is returned, marked truncated. @default {60} */
  maxSeconds: number;
  /** Most entries in the JSON document's lists, which are held until the answer is made; the summary always comes. @default {1000000} */
  maxEvents: number;
  /**
   * Most NDJSON lines. They are streamed, not held, so this bounds the answer's size, not memory:
   * a 1 GiB upload of SMB-dense traffic makes about 1.1 million. @default {16000000}
   */
  maxStreamEvents: number;
  /** Most carved bytes held for `extract=zip` (files are held whole until their open ends); files past it go into the zip as sidecars only. @default {268435456} */
  maxExtractBytes: number;
}

/** The defaults. */
export const DEFAULT_HANDLER_LIMITS: Readonly<HandlerLimits> = Object.freeze({
  maxBytes: 1024 ** 3,
  maxSeconds: 60,
  maxEvents: 1_000_000,
  maxStreamEvents: 16_000_000,
  maxExtractBytes: 256 * 1024 ** 2,
});

/** Environment variable of each limit. */
export const LIMIT_ENV: Readonly<Record<keyof HandlerLimits, string>> = Object.freeze({
  maxBytes: "SMBSCOPE_MAX_BYTES",
  maxSeconds: "SMBSCOPE_MAX_SECONDS",
  maxEvents: "SMBSCOPE_MAX_EVENTS",
  maxStreamEvents: "SMBSCOPE_MAX_STREAM_EVENTS",
  maxExtractBytes: "SMBSCOPE_MAX_EXTRACT_BYTES",
});

/** Reads one environment variable; undefined where there is no environment or no permission. */
export type EnvGetter = (name: string) => string | undefined;

/** `Deno.env.get` where it exists and is allowed, `process.env` on Node-like runtimes, else nothing. */
export const runtimeEnv: EnvGetter = (name) => {
  const g = globalThis as {
    Deno?: { env?: { get(key: string): string | undefined } };
    process?: { env?: Record<string, string | undefined> };
  };
  try {
    return g.Deno?.env?.get(name) ?? g.process?.env?.[name];
  } catch {
    return undefined; // no --allow-env: defaults
  }
};

/**
 * The limits from the environment, defaults for what is unset. A value that
 * is not a positive number throws at start-up (a misconfiguration, not input).
 */
export function limitsFromEnv(get: EnvGetter = runtimeEnv): HandlerLimits {
  const limits: HandlerLimits = { ...DEFAULT_HANDLER_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof HandlerLimits)[]) {
    const raw = get(LIMIT_ENV[key])?.trim();
    if (raw === undefined || raw === "") continue;
    const value = Number(raw.replaceAll("_", ""));
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new RangeError(
        `Cannot start smbscope function: ${LIMIT_ENV[key]}=${raw} is not a positive number`,
      );
    }
    limits[key] = value;
  }
  return limits;
}
