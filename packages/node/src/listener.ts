// --- Node `net.Server` as a polysock Listener ---
import { existsSync } from "node:fs";
import * as net from "node:net";
import type { Endpoint, ListenOptions, Listener, NetAddress, StreamTransport } from "@polysock/core";
import { NodeStream } from "./stream.js";

/** Listen with `net.createServer({ allowHalfOpen: true })`; rejects with the native error (EADDRINUSE …). */
export function listen(ep: Endpoint, opts: ListenOptions): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const pending: net.Socket[] = [];
    let deliver: ((t: StreamTransport) => void) | null = null;
    const unix = ep.kind === "unix" ? { local: ep.host, remote: "" } : undefined;
    // Bound to one address, every accepted connection's local address is the listener's:
    // known without a getsockname(2) per connection.
    let local: NetAddress | undefined;
    server.on("connection", (s) => {
      if (deliver) deliver(new NodeStream(s, unix, local));
      else pending.push(s);
    });
    const onListenError = (err: Error): void => {
      server.close();
      reject(unix ? unixBindError(err as NodeJS.ErrnoException, ep.host) : err);
    };
    server.once("error", onListenError);
    const done = (): void => {
      server.off("error", onListenError);
      const a = server.address();
      if (a !== null && typeof a !== "string" && !WILDCARDS.has(a.address)) local = { host: a.address, port: a.port };
      resolve(new NodeListener(server, pending, (fn) => (deliver = fn), unix, local));
    };
    if (ep.kind === "unix") server.listen({ path: ep.host, backlog: opts.backlog }, done);
    else
      server.listen(
        { host: ep.host, port: ep.port, backlog: opts.backlog, ipv6Only: opts.ipv6Only, reusePort: opts.reusePort },
        done,
      );
  });
}

const WILDCARDS = new Set(["", "0.0.0.0", "::"]);

/**
 * libuv reports a unix socket path in a missing directory as EACCES; bind(2) says ENOENT
 * (CPython: FileNotFoundError), as Bun and Deno do.
 */
function unixBindError(err: NodeJS.ErrnoException, path: string): Error {
  if (err.code !== "EACCES" || typeof path !== "string" || path.startsWith("\0")) return err;
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
  if (existsSync(dir)) return err;
  return Object.assign(new Error(`listen ENOENT: no such file or directory ${path}`), { code: "ENOENT", errno: -2, syscall: "listen" });
}

class NodeListener implements Listener {
  constructor(
    private readonly server: net.Server,
    private readonly pending: net.Socket[],
    private readonly setDeliver: (fn: (t: StreamTransport) => void) => void,
    private readonly unix?: { local: string; remote: string },
    private readonly local?: NetAddress,
  ) {}

  get raw(): unknown {
    return this.server;
  }

  start(onConnection: (t: StreamTransport) => void, onError: (err: unknown) => void): void {
    this.server.on("error", onError);
    this.setDeliver(onConnection);
    for (const s of this.pending.splice(0)) onConnection(new NodeStream(s, this.unix, this.local));
  }

  localAddress(): NetAddress {
    const a = this.server.address();
    if (a === null) return { host: "", port: 0 };
    if (typeof a === "string") return { host: a, port: 0 };
    return { host: a.address, port: a.port };
  }

  /** Hold the process open or not (core: only while a call waits on this). */
  setRef(on: boolean): void {
    const h = this.server as { ref?(): unknown; unref?(): unknown };
    if (on) h.ref?.();
    else h.unref?.();
  }

  close(): Promise<void> {
    // server.close() releases the port at once; its callback would wait for every
    // accepted connection to end, which is not what Python's close() means.
    if (this.server.listening) this.server.close();
    // Connections never handed to core (no listen() yet): Linux resets what a closed listener never accepted.
    for (const s of this.pending.splice(0)) {
      if (this.unix) s.destroy();
      else s.resetAndDestroy();
    }
    return Promise.resolve();
  }
}
