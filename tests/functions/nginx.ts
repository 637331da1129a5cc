/**
 * A real static server with byte ranges for the `source=` tests and
 * bench/http.ts: Debian's nginx, unprivileged (one process, no privilege
 * drop), on a free loopback port, serving one folder, with a generated config
 * and every path it writes in a temporary folder. `apt-get install nginx-light`
 * (or nginx) provides it; without it, {@link startNginx} says why not.
 */

/** A running nginx. */
export interface Nginx {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** `127.0.0.1:PORT`, as an allow-list entry. */
  host: string;
  stop(): Promise<void>;
}

const CANDIDATES = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"];

/** Start nginx serving `root`; a string says why it could not be started. */
export async function startNginx(root: string): Promise<Nginx | string> {
  const binary = CANDIDATES.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
  if (binary === undefined) {
    return "nginx is not installed (apt-get install nginx-light)";
  }
  const dir = await Deno.makeTempDir({ prefix: "smbscope-nginx-" });
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = freePort();
    const conf = `${dir}/nginx.conf`;
    await Deno.writeTextFile(
      conf,
      [
        "daemon off;",
        "master_process off;",
        "worker_processes 1;",
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log warn;`,
        "events { worker_connections 64; }",
        "http {",
        "  access_log off;",
        `  client_body_temp_path ${dir}/body;`,
        `  proxy_temp_path ${dir}/proxy;`,
        `  fastcgi_temp_path ${dir}/fastcgi;`,
        `  uwsgi_temp_path ${dir}/uwsgi;`,
        `  scgi_temp_path ${dir}/scgi;`,
        "  default_type application/octet-stream;",
        "  sendfile on;",
        "  server {",
        `    listen 127.0.0.1:${port};`,
        `    root ${root};`,
        "    location / { }",
        "  }",
        "}",
      ].join("\n"),
    );
    const child = new Deno.Command(binary, {
      args: ["-p", dir, "-c", conf, "-e", `${dir}/error.log`],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const base = `http://127.0.0.1:${port}`;
    const up = await waitUp(base, child);
    if (up === true) {
      return {
        base,
        host: `127.0.0.1:${port}`,
        async stop() {
          try {
            child.kill("SIGTERM");
          } catch { /* already gone */ }
          await child.output().catch(() => {});
          await Deno.remove(dir, { recursive: true }).catch(() => {});
        },
      };
    }
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    const { stderr } = await child.output().catch(() => ({ stderr: new Uint8Array() }));
    const said = new TextDecoder().decode(stderr).trim();
    if (!/Address already in use/.test(said)) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      return `nginx did not start: ${said || up}`;
    }
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  return "nginx did not start: no free port";
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** True once nginx answers; a reason when it exits or 5 s pass. */
async function waitUp(base: string, child: Deno.ChildProcess): Promise<true | string> {
  let exited = false;
  child.status.then(() => exited = true);
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    if (exited) return "it exited";
    try {
      const response = await fetch(`${base}/`, { method: "HEAD" });
      await response.body?.cancel();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return "no answer within 5 s";
}
