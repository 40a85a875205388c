// --- Deno `Listener` as a polysock Listener ---
import type { Endpoint, ListenOptions, Listener, NetAddress, StreamTransport } from "@polysock/core";
import { type DenoConn, type DenoListener, deno, isDenoError, sleep, toNetAddress, unstableNet } from "./_deno-types.js";
import { DenoStream } from "./stream.js";

/** Pause after an unexpected accept error (e.g. EMFILE), so the loop cannot spin. */
const ACCEPT_RETRY_MS = 100;

/**
 * Listen with `Deno.listen`; rejects with the native error (`AddrInUse` …).
 * `reusePort` is passed only under `--unstable-net`: without the flag Deno exits the
 * process (code 70, not catchable) instead of throwing. Deno has no v6-only option.
 */
export async function listen(ep: Endpoint, opts: ListenOptions): Promise<Listener> {
  const D = deno();
  if (ep.kind === "unix") return new DenoListenerImpl(D.listen({ transport: "unix", path: ep.host }));
  return new DenoListenerImpl(
    D.listen({
      hostname: ep.host || (ep.ipVersion === 6 ? "::" : "0.0.0.0"),
      port: ep.port,
      tcpBacklog: opts.backlog,
      ...(opts.reusePort && unstableNet ? { reusePort: true } : {}),
    }),
  );
}

class DenoListenerImpl implements Listener {
  /** Connections accepted before `start()`; not read from until delivered. */
  private early: DenoConn[] = [];
  private deliver: ((t: StreamTransport) => void) | null = null;
  private onError: ((err: unknown) => void) | null = null;
  private closed = false;
  /** Ends (never rejects) once a pending `accept()` let go of the socket. */
  private readonly loop: Promise<void>;

  constructor(private readonly listener: DenoListener) {
    this.loop = this.acceptLoop();
  }

  get raw(): unknown {
    return this.listener;
  }

  start(onConnection: (t: StreamTransport) => void, onError: (err: unknown) => void): void {
    this.onError = onError;
    this.deliver = onConnection;
    for (const c of this.early.splice(0)) onConnection(new DenoStream(c));
  }

  localAddress(): NetAddress {
    return toNetAddress(this.listener.addr);
  }

  /** Hold the process open or not (core: only while a call waits on this). */
  setRef(on: boolean): void {
    const h = this.listener as { ref?(): unknown; unref?(): unknown };
    if (on) h.ref?.();
    else h.unref?.();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      try {
        // close() waits for the pending accept's rejection: referenced, or Deno ends a program
        // whose only wait is this close() before it resolves.
        this.setRef(true);
      } catch {
        // BadResource: already closed.
      }
      try {
        this.listener.close();
      } catch {
        // BadResource: already closed.
      }
      for (const c of this.early.splice(0)) c.close();
    }
    // A pending accept() keeps the socket open until its rejection: a connect in between
    // would be reset instead of refused, so resolve only after it.
    return this.loop;
  }

  private async acceptLoop(): Promise<void> {
    while (!this.closed) {
      let conn: DenoConn;
      try {
        conn = await this.listener.accept();
      } catch (err) {
        // On close the pending accept rejects with BadResource "Listener has been closed".
        if (this.closed || isDenoError(err, "BadResource")) return;
        // A client that reset before accept makes accept() reject with NotConnected
        // (os error 107); Python's accept never sees that connection (denoland/deno#8499).
        if (isDenoError(err, "NotConnected") || isDenoError(err, "ConnectionAborted")) continue;
        this.onError?.(err);
        await sleep(ACCEPT_RETRY_MS);
        continue;
      }
      if (this.closed) conn.close();
      else if (this.deliver) this.deliver(new DenoStream(conn));
      else this.early.push(conn);
    }
  }
}
