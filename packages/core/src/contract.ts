/**
 * The adapter contract: the small, byte-oriented interface every runtime adapter
 * (`@polysock/node`, `@polysock/bun`, `@polysock/deno`) implements. Core owns every
 * Python semantic (timeouts, blocking modes, buffering, errors); an adapter only
 * translates one runtime's socket API into these calls.
 *
 * Rules every adapter follows:
 * - Failures are reported by throwing / rejecting with the runtime's **native** error
 *   (or calling `onError` with it). Core maps it to the Python error class (see
 *   `native-errors.ts`), keeping the native error as `cause`.
 * - Handlers may be called synchronously from inside any adapter call.
 * - Transports are push-shaped: bytes arrive through {@link StreamHandlers.onData};
 *   core calls {@link StreamTransport.pause} when its read-ahead is full.
 *
 * @module
 */

/** A resolved network address as adapters report it. `port` is 0 for AF_UNIX. */
export interface NetAddress {
  /** IP literal (`"127.0.0.1"`, `"::1"`), or the path for AF_UNIX (`""` if unnamed). */
  host: string;
  port: number;
}

/** Where to listen or connect. `host` is always an IP literal (core resolves names) or a unix path. */
export interface Endpoint {
  /** `"inet"` for AF_INET/AF_INET6 (IP literal in `host`), `"unix"` for a filesystem path. */
  kind: "inet" | "unix";
  host: string;
  port: number;
  /** 4 or 6 for inet endpoints. */
  ipVersion?: 4 | 6;
}

/** Callbacks a stream transport calls. Set once, right after the transport exists. */
export interface StreamHandlers {
  /**
   * Bytes arrived. Core keeps `chunk`, and the adapter must not reuse its memory afterwards —
   * unless `reused` is true: the adapter reads into that memory again, so core copies the bytes.
   */
  onData(chunk: Uint8Array, reused?: boolean): void;
  /** The peer sent FIN (orderly end of its data). Called at most once. */
  onEnd(): void;
  /** A fatal error on the connection (e.g. reset). Called at most once; `onClose` follows or has happened. */
  onError(err: unknown): void;
  /** `write()` may accept bytes again, or accepted bytes were all handed to the OS. */
  onDrain(): void;
  /** The transport is gone (after close, abort, or error). Called at most once. */
  onClose(): void;
}

/** One TCP (or unix stream) connection. */
export interface StreamTransport {
  /** Install the handlers. Before this call the adapter must not lose data (it may hold it, paused). */
  start(handlers: StreamHandlers): void;
  /** Stop delivering `onData` until `resume()`; the OS window then holds the peer back. */
  pause(): void;
  resume(): void;
  /**
   * Offer bytes to the OS. Returns how many were accepted (0..data.length). The
   * transport may keep a reference to accepted bytes until it reports `writePending === false`.
   * Throws the native error if the connection cannot be written.
   */
  write(data: Uint8Array): number;
  /** True while accepted bytes are still held by the runtime (not yet in the OS); `onDrain` fires when that ends. */
  readonly writePending: boolean;
  /** Send FIN after every accepted byte (Python `shutdown(SHUT_WR)`). */
  shutdownWrite(): void;
  /** Graceful close: every accepted byte, then FIN, then release. Never rejects. */
  close(): Promise<void>;
  /** Immediate close; pending bytes may be dropped. */
  abort(): void;
  localAddress(): NetAddress;
  remoteAddress(): NetAddress;
  setNoDelay(on: boolean): void;
  /**
   * SO_KEEPALIVE; `idleSeconds` (when given): TCP_KEEPIDLE too, where the runtime can set it
   * (its keep-alive delay), else ignored.
   */
  setKeepAlive(on: boolean, idleSeconds?: number): void;
  /** The native object (escape hatch, read-only). */
  readonly raw: unknown;
  /**
   * Optional: whether the runtime handle holds the process open (Node/Bun/Deno `ref`/`unref`).
   * Core keeps it only while a call waits on it, so a program ends like a Python script.
   */
  setRef?(on: boolean): void;
  /**
   * `write()` copies what it accepts before returning and never holds it (`writePending` is
   * always false). Core then may also batch sendall data it must copy (a buffer of the app's),
   * not only the received bytes it batches by reference on every transport (Bun: its reads
   * are up to 512 KiB, and without batching each `recv(65536)` reply was its own write).
   */
  readonly batchWrites?: boolean;
  /**
   * `write()` starts an operation that completes on a later turn even when the OS takes the
   * bytes at once (Deno), so `writePending` is true after every write. Core then counts a
   * sendall of at most 16 KiB as sent once `write()` took it — as Python's returns once the
   * bytes are in the kernel's send buffer — instead of waiting for `onDrain`; a failure of
   * that write is raised by the next call, as the kernel reports one.
   */
  readonly asyncWrites?: boolean;
}

/** Options for {@link Adapter.listen}. */
export interface ListenOptions {
  backlog: number;
  reusePort: boolean;
  /** For IPv6 endpoints: accept only IPv6 (Python's IPV6_V6ONLY). */
  ipv6Only: boolean;
}

/** A listening socket. */
export interface Listener {
  /** Install the connection callback; connections are delivered only after this. */
  start(onConnection: (t: StreamTransport) => void, onError: (err: unknown) => void): void;
  localAddress(): NetAddress;
  close(): Promise<void>;
  readonly raw: unknown;
  /**
   * Optional: whether the runtime handle holds the process open (Node/Bun/Deno `ref`/`unref`).
   * Core keeps it only while a call waits on it, so a program ends like a Python script.
   */
  setRef?(on: boolean): void;
}

/** Options for {@link Adapter.connect}. */
export interface ConnectOptions {
  /** Local address to bind before connecting (Python: `bind()` then `connect()`). */
  localAddress?: NetAddress;
  /** Aborts a pending connect (core's timeout). */
  signal?: AbortSignal;
}

/** Callbacks of a datagram transport. */
export interface DatagramHandlers {
  /** One datagram arrived from `from`. Core keeps `data` (copies it if `reused`: see {@link StreamHandlers.onData}). */
  onMessage(data: Uint8Array, from: NetAddress, reused?: boolean): void;
  /** An asynchronous error (e.g. ICMP port unreachable on a connected socket). */
  onError(err: unknown): void;
}

/** One UDP socket, already bound. */
export interface DatagramTransport {
  start(handlers: DatagramHandlers): void;
  /**
   * Send one datagram to `to` (an IP literal). `to` is omitted only after a successful
   * `connect()`. Resolves when the runtime took the datagram; rejects with the native error.
   */
  send(data: Uint8Array, to?: NetAddress): Promise<void> | void;
  /**
   * Optional, for runtimes that confirm a send through a callback: send one datagram to `to`
   * without a Promise, and call `done` (null, or the native error) once the runtime completes
   * it (`done` may be called before `post` returns). A refusal known at once may instead be
   * thrown (the native error): core raises it from that `sendto`. Core uses it for replies to a
   * peer `recvfrom` just returned, at most a few at a time.
   */
  post?(data: Uint8Array, to: NetAddress, done: (err: unknown) => void): void;
  localAddress(): NetAddress;
  setBroadcast(on: boolean): void;
  /**
   * Optional: SO_RCVBUF of the OS socket (`bytes` as the app passed it; the kernel doubles it),
   * so that datagrams arriving while the event loop is busy are kept or dropped as in CPython.
   * Core also bounds its own queue by it. Throws the native error (core ignores it).
   */
  setRecvBufferSize?(bytes: number): void;
  /**
   * Optional (with `capabilities.multicast`), IPv4 multicast: IP_MULTICAST_TTL (`"ttl"`),
   * IP_MULTICAST_LOOP (`"loop"`, 0 or 1), IP_MULTICAST_IF (`"iface"`, an IPv4 literal; "0.0.0.0":
   * the route decides). Throws the native error.
   */
  setMulticast?(option: "ttl" | "loop" | "iface", value: number | string): void;
  /**
   * Optional (with `capabilities.multicast`): join (`add`) or leave the IPv4 multicast `group` on
   * the interface that has address `iface` ("0.0.0.0": the route decides). Throws the native error.
   */
  setMembership?(add: boolean, group: string, iface: string): void;
  /**
   * Optional: connect the OS socket to `to` (so the kernel filters senders and reports
   * ICMP errors through `onError`). Without it core emulates UDP `connect()` itself.
   * Port 0 (no runtime connects to it): leave any connection; core filters by address, as Linux does.
   */
  connect?(to: NetAddress): Promise<void>;
  close(): Promise<void>;
  readonly raw: unknown;
  /**
   * Optional: whether the runtime handle holds the process open (Node/Bun/Deno `ref`/`unref`).
   * Core keeps it only while a call waits on it, so a program ends like a Python script.
   */
  setRef?(on: boolean): void;
  /**
   * Optional, for runtimes whose receive is a pull (Deno): stop asking for datagrams after the
   * one in flight (`pause`), or ask again (`resume`). Core receives only while a call waits;
   * meanwhile the kernel's buffer holds datagrams, as it does for a Python program.
   */
  pause?(): void;
  resume?(): void;
}

/** Named capabilities; core turns a missing one into a clear `OSError`. */
export interface AdapterCapabilities {
  /** `connect()` can use a local address chosen by `bind()`. */
  connectFromLocalAddress: boolean;
  /** SO_REUSEPORT is honoured by `listen`. */
  reusePort: boolean;
  /** AF_UNIX stream sockets. */
  unix: boolean;
  /** IPv4 multicast options on UDP sockets (`setMulticast`, `setMembership`); absent: ENOPROTOOPT. */
  multicast?: boolean;
}

/** What an adapter provides to core. */
export interface Adapter {
  /** Adapter name, e.g. `"node"`, `"bun"`, `"deno"`. */
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  /** Listen on `ep` (port 0 → an ephemeral port). Throws/rejects with the native error (e.g. EADDRINUSE). */
  listen(ep: Endpoint, opts: ListenOptions): Promise<Listener>;
  /** Open a connection. Rejects with the native error. */
  connect(ep: Endpoint, opts: ConnectOptions): Promise<StreamTransport>;
  /** Create a UDP socket bound to `ep` (port 0 → ephemeral). */
  bindDatagram(ep: Endpoint, opts: { reuseAddr: boolean; reusePort: boolean }): Promise<DatagramTransport>;
  /** Resolve a host name to IP literals, in the system resolver's order. `family` 0 = any. */
  lookup(host: string, family: 0 | 4 | 6): Promise<{ address: string; family: 4 | 6 }[]>;
  /** The machine's host name. */
  hostname(): string;
  /**
   * Optional: synchronous reads of the system's tables, for `if_nameindex()` and friends
   * (`/sys/class/net`). Throw the native error (e.g. Deno's permission error). Without them,
   * those functions raise `[Errno 95]`.
   */
  readonly files?: {
    /** The names in directory `path`. */
    listDir(path: string): string[];
    /** The text of file `path` (UTF-8). */
    readText(path: string): string;
  };
  /**
   * Optional: the host name of an IP literal, as the system resolver's reverse lookup
   * (getnameinfo: /etc/hosts, then DNS) gives it; `null` when it has none. Without it,
   * `getnameinfo` answers numerically and `gethostbyaddr` raises `herror`.
   */
  reverse?(ip: string): Promise<string | null>;
}
