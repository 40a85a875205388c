// --- Bun.connect as a polysock StreamTransport factory ---
import type { ConnectOptions, Endpoint, StreamTransport } from "@polysock/core";
import { bun, type BunSocket } from "./_bun-types.js";
import { BunStream, handlers } from "./stream.js";

/**
 * Connect with `allowHalfOpen: true`; rejects with the native error (ECONNREFUSED …).
 * Bun.connect cannot be cancelled: on abort we reject with `signal.reason` at once and
 * close the socket if it opens later.
 */
export function connect(ep: Endpoint, opts: ConnectOptions): Promise<StreamTransport> {
  const { signal, localAddress: local } = opts;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const unix = ep.kind === "unix" ? { path: ep.host, local: false } : undefined;
    // Not held: core starts it as the promise resolves, before Bun's next I/O (saves two epoll_ctl).
    // The peer's address is the one connected to (Bun's getter would cost two system calls).
    const socket = handlers((s) => new BunStream(s, unix, undefined, unix ? undefined : { host: ep.host, port: ep.port }));
    let p: Promise<BunSocket<BunStream>>;
    try {
      p =
        ep.kind === "unix"
          ? bun().connect({ unix: ep.host, allowHalfOpen: true, socket })
          : bun().connect({
              hostname: ep.host,
              port: ep.port,
              allowHalfOpen: true,
              localAddress: local ? local.host || (ep.ipVersion === 6 ? "::" : "0.0.0.0") : undefined,
              localPort: local?.port || undefined,
              socket,
            });
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (s) => {
        signal?.removeEventListener("abort", onAbort);
        // Given up (close() or a timeout) but connected anyway: close it as close(2) would an
        // established connection (FIN, not a reset the server would see as ECONNRESET).
        if (aborted) s.end();
        else resolve(s.data);
      },
      (err: unknown) => {
        signal?.removeEventListener("abort", onAbort);
        reject(ep.kind === "unix" ? unixPathError(err, ep.host) : err); // no-op if already rejected by the abort
      },
    );
  });
}

/**
 * Bun says ECONNREFUSED for a unix path it cannot reach; connect(2) names why (a component that
 * is not a directory, a loop of links …): ask the file system.
 */
function unixPathError(err: unknown, path: string): unknown {
  if ((err as { code?: unknown } | null)?.code !== "ECONNREFUSED" || path.startsWith("\0")) return err;
  try {
    const fs = (globalThis as unknown as { process: { getBuiltinModule(id: "node:fs"): { statSync(p: string): unknown } } }).process.getBuiltinModule("node:fs");
    fs.statSync(path);
  } catch (statErr) {
    const code = (statErr as { code?: unknown }).code;
    if (code === "ENOTDIR" || code === "ELOOP" || code === "ENAMETOOLONG" || code === "EACCES") return statErr;
  }
  return err;
}
