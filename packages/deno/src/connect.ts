// --- Deno `Deno.connect` as a polysock StreamTransport factory ---
import type { ConnectOptions, Endpoint, StreamTransport } from "@polysock/core";
import { type DenoConn, deno } from "./_deno-types.js";
import { DenoStream } from "./stream.js";

/**
 * Connect with `Deno.connect` (tcp or unix); rejects with the native error
 * (`ConnectionRefused`, `NotFound` …) or with `opts.signal.reason` when aborted.
 * Deno cannot connect from a chosen local address, so `opts.localAddress` is ignored
 * (the adapter says so with `connectFromLocalAddress: false`).
 */
export async function connect(ep: Endpoint, opts: ConnectOptions): Promise<StreamTransport> {
  const D = deno();
  const { signal } = opts;
  signal?.throwIfAborted();
  let pending: Promise<DenoConn>;
  if (ep.kind === "inet") pending = D.connect({ hostname: ep.host, port: ep.port, signal });
  else {
    // Unix connects take no signal: race it, and close a conn that arrives too late.
    pending = D.connect({ transport: "unix", path: ep.host });
    if (signal) pending = raceAbort(pending, signal);
  }
  return new DenoStream(await pending);
}

function raceAbort(p: Promise<DenoConn>, signal: NonNullable<ConnectOptions["signal"]>): Promise<DenoConn> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (c) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) c.close();
        else resolve(c);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
