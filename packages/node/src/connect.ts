// --- Node `net.connect` as a polysock StreamTransport factory ---
import * as net from "node:net";
import type { ConnectOptions, Endpoint, StreamTransport } from "@polysock/core";
import { NodeStream } from "./stream.js";

/** Connect with `allowHalfOpen: true`; rejects with the native error (ECONNREFUSED …). */
export function connect(ep: Endpoint, opts: ConnectOptions): Promise<StreamTransport> {
  return new Promise((resolve, reject) => {
    const sock =
      ep.kind === "unix"
        ? net.connect({ path: ep.host, allowHalfOpen: true })
        : net.connect({
            host: ep.host,
            port: ep.port,
            allowHalfOpen: true,
            // core passes IP literals, so no happy-eyeballs AggregateError
            autoSelectFamily: false,
            localAddress: opts.localAddress?.host || undefined,
            localPort: opts.localAddress?.port || undefined,
          });
    const onAbort = (): void => {
      sock.destroy();
      reject(opts.signal?.reason);
    };
    const onError = (err: Error): void => {
      opts.signal?.removeEventListener("abort", onAbort);
      sock.destroy();
      reject(err);
    };
    sock.once("error", onError);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    sock.once("connect", () => {
      sock.off("error", onError);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(new NodeStream(sock, ep.kind === "unix" ? { local: "", remote: ep.host } : undefined));
    });
  });
}
