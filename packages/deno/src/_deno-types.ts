// --- Hand-written types for the few Deno APIs this adapter calls ---
// Shaped so Deno's own lib types fit them (srvx's `src/types/deno.ts` habit); kept
// internal so neither Deno's lib nor these leak into the emitted `index.d.ts`.
import type { ConnectOptions, NetAddress } from "@polysock/core";

/** `Deno.NetAddr`. */
export interface DenoNetAddr {
  transport: "tcp" | "udp";
  hostname: string;
  port: number;
}

/** `Deno.NetAddr` / `Deno.UnixAddr` (the unix path is `null` for an unnamed peer at run time). */
export type DenoAddr = DenoNetAddr | { transport: "unix" | "unixpacket"; path: string | null };

/** `Deno.Conn`; `setNoDelay`/`setKeepAlive` exist on `Deno.TcpConn` only. */
export interface DenoConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  readonly localAddr: DenoAddr;
  readonly remoteAddr: DenoAddr;
  setNoDelay?(noDelay?: boolean): void;
  setKeepAlive?(keepAlive?: boolean): void;
}

/** `Deno.Listener`. */
export interface DenoListener {
  accept(): Promise<DenoConn>;
  close(): void;
  readonly addr: DenoAddr;
}

/** `Deno.DatagramConn` (UDP; `--unstable-net` only). */
export interface DenoDatagramConn {
  receive(p?: Uint8Array): Promise<[Uint8Array, DenoAddr]>;
  send(p: Uint8Array, addr: DenoAddr): Promise<number>;
  close(): void;
  readonly addr: DenoAddr;
}

/** The slice of the `Deno` namespace used here. */
export interface DenoNamespace {
  listen(
    options:
      | { transport?: "tcp"; hostname?: string; port?: number; tcpBacklog?: number; reusePort?: boolean }
      | { transport: "unix"; path: string },
  ): DenoListener;
  connect(
    options:
      | { transport?: "tcp"; hostname?: string; port: number; signal?: ConnectOptions["signal"] }
      | { transport: "unix"; path: string },
  ): Promise<DenoConn>;
  /** Present only with `--unstable-net`. */
  listenDatagram?(options: {
    transport: "udp";
    hostname?: string;
    port?: number;
    reuseAddress?: boolean;
  }): DenoDatagramConn;
  hostname(): string;
  readDirSync(path: string): Iterable<{ name: string }>;
  readTextFileSync(path: string): string;
  errors: { BrokenPipe: new (message?: string) => Error };
}

const D = (globalThis as { Deno?: DenoNamespace }).Deno;

/** True when Deno runs with `--unstable-net` (UDP and `reusePort` are usable only then). */
export const unstableNet: boolean = typeof D?.listenDatagram === "function";

/** The `Deno` namespace; throws a clear error on another runtime. */
export function deno(): DenoNamespace {
  if (D === undefined) {
    throw new Error("@polysock/deno runs only on Deno; use @polysock/node on Node.js or @polysock/bun on Bun");
  }
  return D;
}

/** Whether `err` is the Deno error class `name` (e.g. `"NotConnected"`). */
export function isDenoError(err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name;
}

/** `{ host, port }` of a Deno address (`port` 0 and the path as `host` for unix). */
export function toNetAddress(a: DenoAddr): NetAddress {
  return "path" in a ? { host: a.path ?? "", port: 0 } : { host: a.hostname, port: a.port };
}

/** Resolve after `ms` milliseconds (backoff for loops that hit an unexpected error). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
