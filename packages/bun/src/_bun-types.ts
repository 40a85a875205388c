// --- Hand-written types for the few Bun APIs this adapter uses (no @types/bun) ---
// Internal: nothing here is re-exported, so none of it reaches the emitted index.d.ts.

/** A TCP or unix stream socket from `Bun.listen` / `Bun.connect`. */
export interface BunSocket<T = unknown> {
  data: T;
  /** Bytes the OS accepted now (the rest is dropped), or -1 when closed. */
  write(data: Uint8Array): number;
  /** Real in Bun 1.4 (undocumented; older Bun unchecked, so optional): stop / restart reading. */
  pause?(): void;
  resume?(): void;
  /** No argument: SHUT_WR (half-close). `shutdown(true)` shuts the READ side. `end()` closes at once. */
  shutdown(): void;
  end(): void;
  terminate(): void;
  setNoDelay(on?: boolean): boolean;
  setKeepAlive(on?: boolean, initialDelay?: number): boolean;
  readonly localAddress?: string;
  readonly localPort?: number;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

/** Per-listener (or per-connect) socket handlers. */
export interface BunSocketHandlers<T> {
  open?(s: BunSocket<T>): void;
  data?(s: BunSocket<T>, chunk: Uint8Array): void;
  drain?(s: BunSocket<T>): void;
  end?(s: BunSocket<T>): void;
  close?(s: BunSocket<T>, err?: Error): void;
  error?(s: BunSocket<T>, err: Error): void;
  connectError?(s: BunSocket<T>, err: Error): void;
}

interface BunSocketOptions<T> {
  hostname?: string;
  port?: number;
  unix?: string;
  allowHalfOpen?: boolean;
  socket: BunSocketHandlers<T>;
}

export interface BunListenOptions<T> extends BunSocketOptions<T> {
  reusePort?: boolean;
  ipv6Only?: boolean;
}

export interface BunConnectOptions<T> extends BunSocketOptions<T> {
  localAddress?: string;
  localPort?: number;
}

export interface BunListener {
  readonly hostname?: string;
  readonly port?: number;
  getsockname?(out: { address?: string; port?: number }): void;
  stop(closeActiveConnections?: boolean): void;
}

/** `Bun.udpSocket`. Note: `error` is called with ONE argument, the Error. */
export interface BunUdpSocket {
  send(data: Uint8Array, port: number, address: string): boolean;
  /** `[data, port, address, …]` in one sendmmsg(2); how many were sent (the rest: after `drain`). */
  sendMany(packets: (Uint8Array | number | string)[]): number;
  setBroadcast(on: boolean): boolean;
  setMulticastTTL(ttl: number): number;
  setMulticastLoopback(on: boolean): boolean;
  setMulticastInterface(address: string): boolean;
  addMembership(group: string, iface?: string): boolean;
  dropMembership(group: string, iface?: string): boolean;
  readonly address: { address: string; port: number };
  readonly closed: boolean;
  close(): void;
}

export interface BunUdpOptions {
  hostname?: string;
  port?: number;
  socket: {
    data?(s: BunUdpSocket, data: Uint8Array, port: number, address: string): void;
    drain?(s: BunUdpSocket): void;
    error?(err: Error): void;
  };
}

interface BunGlobal {
  listen<T>(opts: BunListenOptions<T>): BunListener;
  connect<T>(opts: BunConnectOptions<T>): Promise<BunSocket<T>>;
  udpSocket(opts: BunUdpOptions): Promise<BunUdpSocket>;
}

/** The `Bun` global, typed with the declarations above. */
export const bun = (): BunGlobal => (globalThis as unknown as { Bun: BunGlobal }).Bun;
