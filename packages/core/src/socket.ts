// The Python `socket.socket` object: state machine, argument checks with CPython's texts,
// timeouts and blocking modes. Byte handling lives in _stream.ts / _datagram.ts.
import * as C from "./constants.js";
import { socketKind } from "./_kind.js";
import type { Adapter, DatagramTransport, Endpoint, Listener, NetAddress, StreamTransport } from "./contract.js";
import { errno as E } from "./errno.js";
import { OSError, TimeoutError, ValueError, oserror, timedOut } from "./errors.js";
import { fromNative } from "./native-errors.js";
import {
  type Address,
  type AddressInput,
  knownEndpoint,
  literalEndpoint,
  pair,
  parseAddress,
  peerAddress,
  pyRepr,
  resolveAddress,
  toPyAddress,
  tuple,
} from "./address.js";
import { asPyBytes, emptyBytes, intArg, PyBytes, toBytes } from "./bytes.js";
import { SEND_MAX, StreamConn } from "./_stream.js";
import { ResetConnection } from "./_reset.js";
import { closeFd, newFd, shareFd } from "./_fds.js";
import { addShare, alias, closeNumber, dropShare, keepDetached, sharing, stillShared } from "./_dup.js";
import { DEFAULT_RCVBUF, DgramConn } from "./_datagram.js";
import { SocketOptions, ipLevelOption, optionOn, optionValueArg } from "./_options.js";
import { bufsizeArg, dontWait, cIntArg, cIntValue, cLongArg, flagsArg, intoView, isBroadcast, ssizeArg } from "./_args.js";
import { MAX_TIMER_S, WaitList, afterPoll, checkTimeout, getdefaulttimeout, nextTurn, remaining, wouldBlock } from "./_timeout.js";
import { linkLocalIPv6, parseIPv6 } from "./inet.js";
import { getAdapter } from "./runtime.js";
import { Keeper } from "./_keeper.js";
import { keepSocketFile } from "./_sockfile.js";
import { Multicast } from "./_multicast.js";
import { AcceptQueue } from "./_accept.js";
import { DatagramWaiter, RecvWaiter } from "./_waiters.js";
import { SocketFile, type MakefileOptions } from "./makefile.js";
import { type SendfileSource, sendfile } from "./sendfile.js";
import { type RecvmsgIntoResult, type RecvmsgResult, recvmsg, recvmsgInto, sendmsg } from "./_msg.js";

// Node 20 has Symbol.asyncDispose; older engines get the well-known fallback tsx/esbuild use.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for("Symbol.asyncDispose");

/** The largest UDP payload over IPv4 (65,535 less the IP and UDP headers). */
const MAX_UDP4 = 65507;
/**
 * The largest UDP payload a socket of `family` can send to `host`: an AF_INET6 socket sends
 * IPv4 to an IPv4-mapped address (`::ffff:127.0.0.1`), so IPv4's limit holds there too.
 */
function maxDatagram(family: number, host: string): number {
  if (family !== C.AF_INET6) return MAX_UDP4;
  const b = parseIPv6(host);
  const mapped = b !== null && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? MAX_UDP4 : 65527;
}

/** Bytes-like buffers `recv_into` may fill. */
export type WritableBuffer = Uint8Array | ArrayBufferView;

/** The bytes of a `(data, address)` pair (recv on a datagram socket). */
const first = (r: [PyBytes, Address]): PyBytes => r[0];

/**
 * A socket, like Python's `socket.socket`. Create one with {@link socket}
 * (`socket.socket(AF_INET, SOCK_STREAM)`, no `new`). Calls that wait return Promises;
 * state calls are synchronous. `await using s = socket(...)` closes it like Python's `with`.
 */
export class Socket {
  private _fd: number;
  /** fileno() handed the number out (see _fds.ts). */
  declare private fdShared: boolean;
  /** Its number was closed through another object (or socket.close(n)): closed, but fileno() keeps it and close() raises EBADF. */
  declare private numberLost: boolean;
  /** close() was called on such a socket while makefile() files were open: the last file's close() raises EBADF. */
  declare private lostWithFiles: boolean;
  private _family: number;
  private _type: number;
  private _proto: number;
  private _timeout: number | null;
  private _closed = false;
  /** `set_inheritable()`'s flag. */
  declare private inheritable: boolean;
  private readonly adapter: Adapter;
  /** Option table, created on first use (most sockets never touch an option). */
  declare private _opts: SocketOptions | null;
  /** IPv4 multicast memberships and options, once one is set (UDP). */
  declare private mc: Multicast | null;
  /** Stream: the OS listener created by bind() (a real bind) and used by listen(). */
  declare private listener: Listener | null;
  /** AF_UNIX: the socket file stays after close (not socketpair()'s rendezvous listener). */
  declare private keepsFile: boolean;
  /** Listening (created by listen()): connections not yet accepted, and accept() calls waiting. */
  declare private accepting: AcceptQueue<Socket> | null;
  /** Holds the runtime listener open while accept() waits (see _keeper.ts). */
  declare private listenKeeper: Keeper | null;
  /** A socketpair() end: unnamed on both sides, as Linux's pair is. */
  declare private unnamed: boolean;
  /** Stream: the connection. */
  private conn: StreamConn | null = null;
  /** Datagram: the OS socket. */
  declare private dgram: DgramConn | null;
  declare private binding: Promise<void> | null;
  /** Receives waiting for an unbound UDP socket to get a port (see whenBound). */
  declare private boundWaiters: WaitList | null;
  /** A non-blocking connect in flight, or its outcome waiting to be reported. */
  declare private connecting: Promise<void> | null;
  declare private connectOutcome: { err: OSError | null } | null;
  /** Cancels a connect() that is waiting (its timeout, or close()). */
  declare private connectCtl: AbortController | null;
  /** The connect attempt in flight (any mode), which a second connect() meanwhile waits for or refuses. */
  declare private connectAttempt: Promise<void> | null;
  /** A non-blocking connect failed and the failure was reported. */
  declare private connectFailed: boolean;
  /**
   * A connect with a timeout ended: CPython waits for it with poll(), so Linux keeps the socket
   * "connecting" until the next connect(), which then returns 0 once (connected) or raises
   * ECONNABORTED once (refused).
   */
  declare private polledConnect: "connected" | "failed" | null;
  /** shutdown() ended such a connect that had failed or is over: connect() is EINVAL from now on. */
  declare private disconnecting: boolean;
  /** shutdown() of a socket not connected: Linux's sk_shutdown bits, OR'd (1 = read side, 2 = write side). */
  declare private shutBits: number;
  /** Open makefile() objects keep the connection after close(), as in CPython. */
  declare private files: Set<SocketFile> | null;
  /** A file was used since close() (see closeWithFiles). */
  declare private filesTouched: boolean;
  /** Registered to be closed by the garbage collector if dropped unclosed (see closeWhenDropped). */
  declare private dropWatched: boolean;

  /** @internal use {@link socket}() */
  constructor(family: number = C.AF_INET, type: number = C.SOCK_STREAM, proto = 0, adapter?: Adapter) {
    // -1 is CPython's "not given": AF_INET, SOCK_STREAM, protocol 0.
    family = cIntValue(family);
    if (family === -1) family = C.AF_INET;
    type = cIntValue(type);
    if (type === -1) type = C.SOCK_STREAM;
    proto = cIntValue(proto);
    if (proto === -1) proto = 0;
    // Flags or-ed into the type, as on Linux: SOCK_NONBLOCK makes it non-blocking at once.
    const nonblocking = (type & C.SOCK_NONBLOCK) !== 0;
    type = socketKind(family, type, proto);
    this._family = family;
    this._type = type;
    this._proto = proto;
    this._timeout = nonblocking ? 0 : getdefaulttimeout();
    this._fd = newFd();
    this.adapter = adapter ?? getAdapter();
  }

  private get opts(): SocketOptions {
    return (this._opts ??= new SocketOptions(this._family, this._type));
  }

  /** The address family (`AF_INET`, `AF_INET6`, `AF_UNIX`), like `sock.family`. */
  get family(): number {
    return this._family;
  }
  /** The socket type (`SOCK_STREAM`, `SOCK_DGRAM`), like `sock.type`. */
  get type(): number {
    return this._type;
  }
  /** The protocol number, like `sock.proto`. */
  get proto(): number {
    return this._proto;
  }
  /** Like `sock.timeout`: the same as {@link gettimeout}. */
  get timeout(): number | null {
    return this._timeout;
  }

  private check(): void {
    if (this._closed && !this.heldByFiles()) throw oserror(E.EBADF);
  }

  /** Closed, and no other socket shares the connection (dup()): what arrives for it now is refused. */
  private gone(): boolean {
    return this._closed && !(sharing && stillShared(this));
  }

  /** @internal {@link check} for waiters. */
  _check(): void {
    this.check();
  }

  /**
   * Closed, but open makefile() files still hold the descriptor: CPython's socket goes on
   * working meanwhile (its close() only marks it), and a call keeps the connection as a file
   * use does (see closeWithFiles).
   */
  private heldByFiles(): boolean {
    if (this.files === null || this.files.size === 0 || this._fd < 0 || this.numberLost) return false;
    this.filesTouched = true;
    return true;
  }

  private get isStream(): boolean {
    return this._type === C.SOCK_STREAM;
  }

  // --- modes ---

  /**
   * Like `sock.settimeout(value)`: `null` blocks, `0` is non-blocking, seconds otherwise.
   * @throws ValueError `Timeout value out of range`; OSError `[Errno 9]` after close.
   */
  settimeout(value: number | null): void {
    if (arguments.length !== 1) throw oneArgument("settimeout", arguments.length);
    this._timeout = checkTimeout(value);
    this.check(); // CPython stores the timeout, then fails on a closed socket
  }

  /** Like `sock.gettimeout()`: seconds, `0` (non-blocking) or `null` (blocking). */
  gettimeout(): number | null {
    return this._timeout;
  }

  /** Like `sock.setblocking(flag)`: `false` ≡ `settimeout(0)`, `true` ≡ `settimeout(null)`. */
  setblocking(flag: boolean): void {
    if (arguments.length !== 1) throw new TypeError(`socket.setblocking() takes exactly one argument (${arguments.length} given)`);
    this._timeout = cLongArg(flag) ? null : 0; // a C long, as CPython checks it (None is a TypeError)
    this.check(); // stored first, as in CPython
  }

  /** Like `sock.getblocking()`: `false` only in non-blocking mode (timeout 0). */
  getblocking(): boolean {
    return this._timeout !== 0;
  }

  /** Like `sock.get_inheritable()`: `false` unless set (sockets are created non-inheritable, as CPython's). */
  get_inheritable(): boolean {
    this.check();
    return this.inheritable;
  }

  /**
   * Like `sock.set_inheritable(inheritable)`: recorded and reported by `get_inheritable()`. No
   * runtime starts child processes with a socket's descriptor, so it changes nothing else.
   */
  set_inheritable(inheritable: boolean): void {
    if (arguments.length === 0) throw new TypeError("socket.set_inheritable() missing 1 required positional argument: 'inheritable'");
    const on = cIntValue(inheritable) !== 0; // os.set_inheritable reads a C int, then finds the descriptor
    this.check();
    this.inheritable = on;
  }

  /**
   * Like `sock.dup()`: a new socket with its own number and this one's timeout, sharing this one's
   * connection (listener, UDP socket), which is closed when the last socket sharing it is.
   * @throws OSError `[Errno 9]` if closed.
   */
  dup(): Socket {
    this.check();
    addShare(this);
    return this._alias(newFd(), this._timeout, this._proto);
  }

  /**
   * Like `fd = sock.detach()`: this socket is closed without closing its connection, which the
   * returned number keeps until `socket.socket(fileno=fd)` (or `fromfd`) takes it over or
   * `socket.close(fd)` closes it. `-1` if already closed (the number it kept, if that was closed through
   * another object on it, as CPython's).
   */
  detach(): number {
    const fd = this._fd;
    if (this._closed && !this.numberLost) return -1;
    this._fd = -1;
    if (this.numberLost) {
      this.numberLost = false; // CPython returns the number its object kept, closed or not
      return fd;
    }
    this._closed = true;
    if (this.dropWatched) dropped.unregister(this);
    keepDetached(fd, this);
    return fd;
  }

  /**
   * @internal A socket object on number `fd` sharing this one's connection (see _dup.ts); `proto`
   * as given, or (-1) the one the kernel reports, as CPython's socket(fileno=…) reads it.
   */
  _alias(fd: number, timeout: number | null, proto: number): Socket {
    const d = alias(this);
    d._fd = fd;
    d.fdShared = false;
    d._timeout = timeout;
    d._closed = false;
    d.numberLost = false;
    d.inheritable = false;
    d.files = null;
    d.filesTouched = false;
    d._proto = proto !== -1 ? proto : this._family === C.AF_UNIX ? 0 : this._type === C.SOCK_STREAM ? C.IPPROTO_TCP : C.IPPROTO_UDP;
    return d;
  }

  /** Like `sock.fileno()`: a number unique among open sockets, `-1` after close. */
  fileno(): number {
    if (!this.fdShared && this._fd >= 0 && !this._closed) {
      this.fdShared = true;
      shareFd(this._fd, this); // select()/poll()/selectors may be given the number
    }
    return this._fd;
  }

  // --- bind / listen / accept ---

  /**
   * Like `sock.bind(address)`: a real bind (`getsockname()` gives the port; in use → `[Errno 98]`).
   * A unix socket bound to `""` gets an abstract name of five hex digits, as Linux's autobind.
   * @throws OSError `[Errno 98] Address already in use`, `[Errno 22] Invalid argument` if bound.
   */
  async bind(address: AddressInput): Promise<void> {
    if (arguments.length !== 1) throw oneArgument("bind", arguments.length); // bind(host, port): the tuple forgotten
    // Parsed and resolved before EBADF and the state, as CPython's getsockaddrarg.
    const a = parseAddress(this._family, address, "bind");
    const ep = await resolveAddress(a, this.adapter);
    this.check();
    if (this.listener || this.dgram || this.conn || this.binding) {
      // Linux's unix_autobind of a socket that has a name: nothing to do.
      if (this._family === C.AF_UNIX && a.host === "" && this.listener) return;
      await this.checkAddress(ep); // Linux checks the address first
      throw oserror(E.EINVAL);
    }
    const done = this._family === C.AF_UNIX && a.host === "" ? this.autobind() : this.doBind(ep);
    this.binding = done.catch(() => undefined);
    try {
      await done;
    } finally {
      this.binding = null;
    }
  }

  /**
   * What binding a socket that has an address again fails with before EINVAL, as Linux checks:
   * EADDRNOTAVAIL if `ep` is no address of this machine (nor a wildcard, loopback, multicast or
   * broadcast one), found by binding a UDP socket to it for a moment; a unix name's own error
   * (in use, no such directory …: Linux makes the file, then finds the socket named), found by
   * listening on it for a moment. The runtimes tell no other way.
   */
  private async checkAddress(ep: Endpoint): Promise<void> {
    if (ep.kind === "unix") {
      let l: Listener;
      try {
        l = await this.adapter.listen(ep, { backlog: 1, reusePort: false, ipv6Only: false });
      } catch (err) {
        throw fromNative(err);
      }
      await l.close();
      return;
    }
    if (/^(?:0\.0\.0\.0|127\.|22[4-9]\.|2[3-5]\d\.|::$|::1$|ff)/i.test(ep.host)) return;
    let t: DatagramTransport;
    try {
      t = await this.adapter.bindDatagram({ ...ep, port: 0 }, { reuseAddr: false, reusePort: false });
    } catch (err) {
      const e = fromNative(err);
      if (e.errno === E.EADDRNOTAVAIL) throw e;
      return;
    }
    await t.close();
  }

  /**
   * Linux's autobind of `bind("")` on a unix socket: an abstract name of five hex digits
   * (`"\0" + "1f2e3"`), another one while a name is taken. The runtimes bind only names given.
   */
  private async autobind(): Promise<void> {
    for (let tries = 1; ; tries++) {
      const name = "\0" + Math.floor(Math.random() * 0x100000).toString(16).padStart(5, "0");
      try {
        return await this.doBind({ kind: "unix", host: name, port: 0 });
      } catch (err) {
        if (!(err instanceof OSError && err.errno === E.EADDRINUSE) || tries >= 64) throw err;
      }
    }
  }

  private async doBind(ep: Endpoint): Promise<void> {
    if (this.mappedRefused(ep)) throw oserror(E.EINVAL); // Linux's inet6_bind (Deno's runtime binds it)
    try {
      if (this.isStream) {
        this.listener = await this.adapter.listen(ep, {
          backlog: 128,
          reusePort: this.opts.get(C.SOL_SOCKET, C.SO_REUSEPORT) === 1,
          ipv6Only: this._family === C.AF_INET6 && this.opts.get(C.IPPROTO_IPV6, C.IPV6_V6ONLY) === 1,
        });
        // Held open only while accept() waits (listen() hands the keeper to its wait list).
        const l = this.listener;
        if (l.setRef !== undefined) this.listenKeeper = new Keeper(l, this);
      } else {
        const t = await this.adapter.bindDatagram(ep, {
          reuseAddr: this.opts.get(C.SOL_SOCKET, C.SO_REUSEADDR) === 1,
          reusePort: this.opts.get(C.SOL_SOCKET, C.SO_REUSEPORT) === 1,
        });
        this.dgram = new DgramConn(t, this._family === C.AF_INET6);
        const rcvbuf = this.opts.get(C.SOL_SOCKET, C.SO_RCVBUF);
        if (rcvbuf !== DEFAULT_RCVBUF) this.dgram.rcvbuf = rcvbuf;
        if (this.shutBits !== 0) this.dgram.shutdown(this.shutBits - 1);
        if (this.opts.get(C.SOL_SOCKET, C.SO_BROADCAST)) t.setBroadcast(true);
        this.mc?.apply(t, this.opts);
        this.boundWaiters?.wake();
      }
    } catch (err) {
      throw fromNative(err);
    }
    // Linux: binding an IPv6 address of its own (not the wildcard, not IPv4-mapped) makes the socket IPv6-only.
    const mapped = ep.host.toLowerCase().startsWith("::ffff:");
    if (this._family === C.AF_INET6 && ep.host !== "" && ep.host !== "::" && !mapped) this.opts.force(C.IPPROTO_IPV6, C.IPV6_V6ONLY, 1);
    else if (this._family === C.AF_INET6 && mapped) this.opts.markMappedBind();
    if (this.gone()) await this._releaseState(); // closed while binding: the new listener goes too
  }

  private anyAddress(): AddressInput {
    if (this._family === C.AF_INET6) return ["::", 0];
    return ["0.0.0.0", 0];
  }

  /**
   * Like `sock.listen(backlog)`; an unbound socket is bound to an ephemeral port first.
   * @throws OSError `[Errno 95] Operation not supported` on UDP.
   */
  async listen(backlog?: number): Promise<void> {
    if (backlog !== undefined) cIntArg(backlog); // checked first, as CPython parses it
    this.check();
    if (!this.isStream) throw oserror(E.EOPNOTSUPP);
    // Linux's inet_listen wants SS_UNCONNECTED: not connected, not connecting, nor after a connect
    // that failed while polled (SS_CONNECTING until the next connect() says ECONNABORTED).
    if (this.conn || this.connectFailed || this.connecting !== null || this.connectAttempt !== null || this.connectOutcome !== null)
      throw oserror(E.EINVAL);
    if (this.accepting) {
      // Again after shutdown(): Linux listens anew.
      if (this.accepting.isShut) {
        this.accepting.resume();
        this.opts.force(C.SOL_SOCKET, C.SO_ACCEPTCONN, 1);
      }
      return;
    }
    if (this.binding) await this.binding;
    if (!this.listener) {
      if (this._family === C.AF_UNIX) throw oserror(E.EINVAL);
      await this.bind(this.anyAddress());
    }
    this.check();
    const q = (this.accepting = new AcceptQueue(this.listenKeeper));
    this.opts.force(C.SOL_SOCKET, C.SO_ACCEPTCONN, 1);
    this.listener!.start(
      (t) => this.onConnection(t, q),
      (err) => q.fail(err),
    );
  }

  private onConnection(t: StreamTransport, q: AcceptQueue<Socket>): void {
    // After shutdown() Linux refuses connections (the runtime's listener still takes them: reset).
    if (this.gone() || q.isShut) return t.abort();
    const s = new Socket(this._family, C.SOCK_STREAM, this._proto, this.adapter);
    // A connection in the backlog has no descriptor yet: accept(2) makes one (the lowest free then).
    closeFd(s._fd);
    s._fd = UNACCEPTED;
    // (A subclass's accept() returns a plain socket too: CPython's is `socket(…, fileno=fd)`.)
    if (this._opts !== null) s._opts = this._opts.inherited(); // TCP_NODELAY, SO_KEEPALIVE … as Linux
    s.attach(t);
    q.push(s);
  }

  private attach(t: StreamTransport): void {
    this.conn = new StreamConn(t, this._family === C.AF_UNIX);
    // Adapters start with Python's defaults (NODELAY 0, no keepalive); apply what was set.
    if (this._family === C.AF_UNIX || this._opts === null) return;
    if (this._opts.get(C.IPPROTO_TCP, C.TCP_NODELAY)) t.setNoDelay(true);
    if (this._opts.get(C.SOL_SOCKET, C.SO_KEEPALIVE)) this.keepAlive(t);
  }

  /** Hand SO_KEEPALIVE, and TCP_KEEPIDLE if a setsockopt gave one, to the runtime (differences #9). */
  private keepAlive(t: StreamTransport): void {
    const on = this.opts.get(C.SOL_SOCKET, C.SO_KEEPALIVE) === 1;
    t.setKeepAlive(on, on ? this.opts.given(C.IPPROTO_TCP, C.TCP_KEEPIDLE) : undefined);
  }

  /**
   * Like `conn, addr = sock.accept()`. The new socket gets the default timeout, not the listener's.
   * @returns `[conn, address]`.
   * @throws TimeoutError, BlockingIOError `[Errno 11]`, OSError `[Errno 22]` if not listening.
   */
  async accept(): Promise<[Socket, Address]> {
    this.check();
    if (!this.isStream) throw oserror(E.EOPNOTSUPP);
    const q = this.accepting;
    if (q === null) throw oserror(E.EINVAL);
    // In blocking mode SO_RCVTIMEO bounds the wait, then EAGAIN (Linux's accept(2)).
    const so = this.soTimeo(false);
    const timeout = so || this._timeout;
    const deadline = timeout === null ? 0 : Date.now() + timeout * 1000;
    for (let looked = false; ; looked = true) {
      const s = q.next();
      if (s !== undefined) {
        s._timeout = getdefaulttimeout(); // a new socket now, as accept(2) makes it
        if (s._fd === UNACCEPTED) s._fd = newFd();
        // accept(2)'s address, even if the client has already reset the connection.
        return pair<Socket, Address>(s, toPyAddress(this._family, s.conn!.t.remoteAddress()));
      }
      if (timeout === 0) {
        if (looked) throw oserror(E.EAGAIN);
        await this.nextLook(() => q.ready); // what arrived meanwhile (see nextLook)
        continue;
      }
      try {
        await q.waiters.wait(remaining(timeout, deadline));
      } catch (err) {
        throw so && err instanceof TimeoutError ? oserror(E.EAGAIN) : err;
      }
      this.check();
    }
  }

  // --- connect ---

  /**
   * Like `sock.connect(address)`. In non-blocking mode it starts connecting and raises
   * `BlockingIOError [Errno 115]`, as Python does; call it again to learn the outcome.
   * @throws ConnectionRefusedError `[Errno 111]`, TimeoutError, gaierror, OSError `[Errno 106]`.
   */
  connect(address: AddressInput): Promise<void> {
    if (arguments.length !== 1) return Promise.reject(oneArgument("connect", arguments.length));
    return this.doConnect(address, "connect");
  }

  private async doConnect(address: AddressInput, fname: string): Promise<void> {
    // Parsed and resolved before EBADF and the state, as CPython's getsockaddrarg.
    const a = parseAddress(this._family, address, fname);
    const ep = await resolveAddress(a, this.adapter);
    this.check();
    if (!this.isStream) {
      // Linux: a link-local peer without a scope_id is EINVAL (TCP's runtimes say so themselves).
      if (ep.kind === "inet" && ep.ipVersion === 6 && !a.scope && linkLocalIPv6(parseIPv6(ep.host)!)) throw oserror(E.EINVAL);
      return this.connectDatagram(ep);
    }
    if (this.disconnecting) throw oserror(E.EINVAL); // Linux's SS_DISCONNECTING (see endConnectQuirk)
    if (this.connectOutcome) {
      const { err } = this.connectOutcome;
      this.connectOutcome = null;
      if (err) throw err;
      return this.connectedMeanwhile();
    }
    if (this.connecting) return wouldBlock(E.EALREADY);
    if (this.connectAttempt !== null) {
      // Another task's connect is under way (Linux: SYN_SENT). With a timeout CPython gets EALREADY at
      // once; a blocking connect(2) waits for that attempt — then this one finds it made (EISCONN) or failed.
      if (this._timeout !== null) throw oserror(E.EALREADY);
      await this.connectAttempt.catch(() => undefined);
      return this.doConnect(address, fname);
    }
    const polled = this.polledConnect;
    this.polledConnect = null;
    if (polled === "connected" && this.conn) return this.connectedMeanwhile();
    // Linux: a listening TCP socket says EISCONN, a listening unix one EINVAL.
    if (this.conn || this.accepting) throw oserror(this.accepting && this._family === C.AF_UNIX ? E.EINVAL : E.EISCONN);
    if (this._family === C.AF_UNIX && a.host === "") throw oserror(E.EINVAL); // Linux: an empty path
    if (polled === "failed") {
      // Linux's tcp_disconnect: the socket is reset to closed, its shutdown state cleared (recv: ENOTCONN, not EOF).
      this.connectFailed = false;
      throw oserror(E.ECONNABORTED);
    }
    // Nothing listens on port 0 (runtimes reject the port instead): Linux refuses within
    // connect(2), which says so at once, or when non-blocking EINPROGRESS, the refusal then
    // pending (SO_ERROR, the next call) as for any refused non-blocking connect.
    if (this.mappedRefused(ep)) throw oserror(E.ENETUNREACH);
    if (this.v6Refused(ep)) throw oserror(E.EAFNOSUPPORT);
    if (ep.kind === "inet" && ep.port === 0) {
      if (this._timeout !== 0) {
        if (this._timeout !== null && !this.soTimeo(true)) {
          // Polled, as any refused connect with a timeout (below): recv reads EOF, connect() again ECONNABORTED.
          this.polledConnect = "failed";
          this.connectFailed = true;
        }
        throw oserror(E.ECONNREFUSED);
      }
      const refused = oserror(E.ECONNREFUSED);
      this.connecting = Promise.resolve()
        .then(() => void (this.connectOutcome = { err: refused }))
        .finally(() => (this.connecting = null));
      await afterPoll(() => this.connecting === null);
      throw oserror(E.EINPROGRESS);
    }
    if (this.binding) await this.binding;
    let local: NetAddress | undefined;
    if (this.listener) {
      local = this.listener.localAddress();
      const l = this.listener;
      this.listener = null;
      await this.closeListener(l);
    }
    // In blocking mode SO_SNDTIMEO bounds the wait, then EINPROGRESS (Linux's connect(2)).
    const so = this.soTimeo(true);
    const timeout = so || this._timeout;
    // Also for a non-blocking connect: close() stops the attempt (else the runtime holds the
    // process until the kernel gives up on it, ~2 minutes for a peer that never answers).
    const ctl = (this.connectCtl = new AbortController());
    const expired = (): OSError => (so ? oserror(E.EINPROGRESS) : timedOut());
    // Beyond ~24.8 days setTimeout fires at once: such a timeout is as good as none.
    // At the timeout the runtime first polls once more: a loopback connect is made by then (Linux
    // makes it within connect(2); the runtime may not have looked yet, see WaitList's expire).
    let settled = false;
    const expire = (): void => void afterPoll(() => settled).then(() => settled || ctl.abort(expired()));
    const timer = timeout !== 0 && timeout !== null && timeout < MAX_TIMER_S ? setTimeout(expire, timeout * 1000) : undefined;
    const attempt = this.adapter
      .connect(ep, {
        localAddress: local && this.adapter.capabilities.connectFromLocalAddress ? local : undefined,
        signal: ctl.signal,
      })
      .then(
        (t) => {
          if (this.gone()) {
            t.abort();
            throw oserror(E.EBADF);
          }
          this.attach(t);
          // Linux keeps a SHUT_WR given before connect (that raised ENOTCONN): sends fail with EPIPE.
          if (this.shutBits & 2) this.conn!.writeShut = this.conn!.finOwed = true;
        },
        (err) => {
          // Aborted: timed out, or close() (EBADF, as for every pending call).
          if (ctl.signal.aborted) throw ctl.signal.reason as OSError;
          const e = fromNative(err);
          // Reset before the runtime reported the connect: Linux's connect(2) had succeeded.
          // (Deno's connect looks up the peer's address after the handshake: NotConnected then.)
          if ((e.errno !== E.ECONNRESET && e.errno !== E.ENOTCONN) || this.gone()) throw e;
          this.attach(new ResetConnection(e.errno === E.ENOTCONN ? oserror(E.ECONNRESET) : err, { host: ep.host, port: ep.port }));
        },
      )
      .finally(() => {
        settled = true;
        clearTimeout(timer);
        if (this.connectCtl === ctl) this.connectCtl = null;
        this.connectAttempt = null;
      });
    this.connectAttempt = attempt;
    if (timeout === 0) {
      this.connecting = attempt.then(
        () => void (this.connectOutcome = { err: null }),
        (err: OSError) => void (this.connectOutcome = { err }),
      ).finally(() => (this.connecting = null));
      // Linux completes a loopback connect within connect(2), which still says EINPROGRESS: the
      // runtime gets one I/O poll first, so getpeername() or shutdown() right after find it made.
      await afterPoll(() => this.connecting === null);
      // A unix connect is made (or refused) within connect(2) itself: its outcome, not 115.
      if (this._family === C.AF_UNIX && this.connecting === null) {
        const err = this.takeConnectOutcome();
        if (err) throw err;
        return;
      }
      throw oserror(E.EINPROGRESS);
    }
    // A unix connect is made (or refused) within connect(2): a later connect says EISCONN at once.
    if (timeout === null || so || this._family === C.AF_UNIX) return attempt;
    try {
      await attempt;
      this.polledConnect = "connected";
    } catch (err) {
      // Refused or unreachable; not a timeout (the attempt goes on in the kernel), close() or shutdown().
      if (err instanceof OSError && err.errno !== null && err.errno !== E.EBADF && err.errno !== E.ECONNRESET) {
        this.polledConnect = "failed";
        // CPython waited with poll() and read SO_ERROR, as for a non-blocking connect: recv then reads EOF.
        this.connectFailed = true;
      }
      throw err;
    }
  }

  /**
   * connect() again after a connect Linux still counted as in progress, which has connected:
   * 0 once — unless the connection is over by now (reset), when Linux's connect finds TCP_CLOSE,
   * raises the reset if no call reported it yet, else ECONNABORTED, and lets the socket connect anew.
   */
  private connectedMeanwhile(): void {
    const c = this.conn;
    if (c === null || !c.dead) return;
    this.conn = null;
    // (Linux's sock_error: the reset itself if no call has reported it yet.)
    const err = c.takeError();
    void c.close().catch(() => undefined);
    throw err ?? oserror(E.ECONNABORTED);
  }

  /**
   * Like `sock.connect_ex(address)`: the errno instead of raising (0 on success).
   * Name lookup and argument errors still raise, as in Python.
   */
  async connect_ex(address: AddressInput): Promise<number> {
    if (arguments.length !== 1) throw oneArgument("connect_ex", arguments.length);
    try {
      await this.doConnect(address, "connect_ex");
      return 0;
    } catch (err) {
      if (err instanceof OSError && !(err.name === "gaierror") && (err.errno !== null || err.name === "TimeoutError"))
        return err.errno ?? E.EAGAIN;
      throw err;
    }
  }

  /** Linux: an IPV6_V6ONLY socket has no IPv4-mapped addresses (connect, sendto: ENETUNREACH; bind: EINVAL). */
  private mappedRefused(ep: { host: string }): boolean {
    return this._family === C.AF_INET6 && v4Mapped(ep.host) && this.opts.get(C.IPPROTO_IPV6, C.IPV6_V6ONLY) === 1;
  }

  /** Linux: an IPv6 socket bound to an IPv4-mapped address reaches IPv4 peers only (connect, sendto: EAFNOSUPPORT). */
  private v6Refused(ep: { host: string }): boolean {
    return this._family === C.AF_INET6 && this._opts !== null && this._opts.mappedBind && ep.host !== "::" && !v4Mapped(ep.host);
  }

  private async connectDatagram(ep: Endpoint): Promise<void> {
    if (this.mappedRefused(ep)) throw oserror(E.ENETUNREACH);
    if (this.v6Refused(ep)) throw oserror(E.EAFNOSUPPORT);
    // Linux: a broadcast peer needs SO_BROADCAST; the wildcard address means this host.
    if (!this.opts.get(C.SOL_SOCKET, C.SO_BROADCAST) && isBroadcast(ep.host)) throw oserror(E.EACCES);
    const host = ep.host === "0.0.0.0" ? "127.0.0.1" : ep.host === "::" ? "::1" : ep.host;
    const d = await this.ensureDatagram();
    await d.connect({ host, port: ep.port });
  }

  /**
   * A receive on a UDP socket never bound: Linux does not bind it (getsockname() stays port 0,
   * bind() still works); nothing can arrive until the socket gets a port, so the call waits for
   * that (a bind, sendto or connect by another task) within its timeout. `null` after SHUT_RD.
   */
  private async whenBound(timeout: number | null, start: number): Promise<DgramConn | null> {
    for (;;) {
      if (this.binding) await this.binding;
      this.check();
      if (this.dgram) return this.dgram;
      // After shutdown(SHUT_RD) a blocking call returns (b'', None); one with a timeout waits it out, as CPython's poll() does.
      if (this.shutBits & 1 && timeout === null) return null;
      if (timeout === 0) return wouldBlock(E.EAGAIN);
      await (this.boundWaiters ??= new WaitList()).wait(remaining(timeout, start + (timeout ?? 0) * 1000));
    }
  }

  private async ensureDatagram(): Promise<DgramConn> {
    if (this.binding) await this.binding;
    if (!this.dgram) await this.bind(this.anyAddress());
    this.check();
    return this.dgram!;
  }

  // --- receive ---

  private streamConn(): StreamConn {
    if (this.conn) return this.conn;
    this.raiseConnectError();
    // After shutdown(SHUT_RD) (even one that raised ENOTCONN), or a failed non-blocking connect once reported: Linux reads EOF.
    if (this.shutBits & 1 || this.connectFailed) return SHUT_CONN;
    // (Linux's unix_stream_recvmsg: EINVAL on a socket never connected.)
    throw oserror(this._family === C.AF_UNIX ? E.EINVAL : E.ENOTCONN);
  }

  /** The recorded outcome of a non-blocking connect (its error, or null), now reported. */
  private takeConnectOutcome(): OSError | null {
    const err = this.connectOutcome?.err ?? null;
    this.connectOutcome = null;
    return err;
  }

  /** A refused (failed) non-blocking connect is reported once, by the next call (SO_ERROR). */
  private raiseConnectError(): void {
    const err = this.takeConnectError();
    if (err) throw err;
  }

  private takeConnectError(): OSError | null {
    const err = this.connectOutcome?.err ?? null;
    if (err) {
      this.connectOutcome = null;
      // Aborted by shutdown(): the socket is closed, not failed; it may connect again.
      if (err.errno === E.ECONNRESET) return err;
      this.connectFailed = true;
      // Read by another call than connect (SO_ERROR, recv …): Linux's next connect() gives ECONNABORTED.
      this.polledConnect = "failed";
    }
    return err;
  }

  /**
   * A recv or send while a non-blocking connect is in progress: BlockingIOError `[Errno 11]`
   * if the runtime has not reported it after one more I/O poll (non-blocking, as in SYN_SENT),
   * or wait for the connection (blocking or timeout modes).
   */
  private async whenConnected(): Promise<void> {
    if (this._timeout !== 0) return this.connecting!; // records the outcome; never rejects
    // Non-blocking: Linux completes a loopback connect within connect() itself, so the runtime's
    // connect gets one I/O poll to report before this is EAGAIN (still in SYN_SENT).
    await afterPoll(() => this.connecting === null);
    if (this.connecting !== null) throw oserror(E.EAGAIN);
  }

  /**
   * Like `sock.recv(bufsize[, flags])`: at most `bufsize` bytes; `b''` (empty) at EOF.
   * Flags: `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   * @throws TimeoutError `timed out`, BlockingIOError `[Errno 11]`, ConnectionResetError, ValueError.
   */
  recv(bufsize: number, flags = 0): Promise<PyBytes> {
    // Not an async function: the common cases cost one Promise (see bench/overhead.ts).
    try {
      // Both arguments are converted before EBADF, as CPython parses them ("n|i"), then the size's sign.
      const n = ssizeArg(bufsize);
      flags = flagsArg(flags);
      bufsizeArg(n, "recv");
      // recv(0) is b'' at once, closed, unconnected or UDP too: CPython makes no call for it.
      if (n === 0) return Promise.resolve(emptyBytes());
      this.check();
      if (flags !== 0) {
        if (flags & C.MSG_ERRQUEUE && this._family !== C.AF_UNIX) return this.errQueue();
        if (this.isStream) this.recvFlagsFirst(flags);
      }
      if (this.conn === null && this.connecting !== null) return this.whenConnected().then(() => this.recv(bufsize, flags));
      if (!this.isStream) {
        // Hot path of a UDP client (recvfrom's): a datagram is queued, or a blocking wait; no async frame.
        const d = this.dgram;
        if (d !== null && flags === 0 && !d.hasError && !d.readShut) {
          const item = d.take(false);
          if (item !== undefined) return Promise.resolve(this._datagramData(item.data, n));
          if (this._timeout !== 0 && this.soTimeo(false) === 0) return this.datagramWait(d, n, this._timeout, true) as Promise<PyBytes>;
        }
        return this.timed(false, (t) => this.recvDatagram(n, flags, t)).then(first);
      }
      const c = this.streamConn();
      if (flags !== 0) return this.timed(false, (t) => this.recvFlags(c, n, flags, t));
      const r = this._readNow(c, n);
      if (r !== undefined) return r.length === 0 && c.readShut && !c.eof ? this.recvAfterShut(c, n) : Promise.resolve(r);
      if (this._timeout === 0) return this.recvNextTurn(c, n);
      if (this.soTimeo(false) !== 0) return this.timed(false, (t) => this.recvWait(c, n, t));
      return this.recvWait(c, n, this._timeout);
    } catch (err) {
      return this.pollFirst(err, true);
    }
  }

  /**
   * recv flags TCP judges before the connection state (tcp_recvmsg): MSG_OOB finds no urgent
   * byte (EINVAL; a listener: ENOTCONN). A connected socket with a timeout is polled first
   * (CPython), so recvFlags decides there.
   */
  private recvFlagsFirst(flags: number): void {
    if (this._family === C.AF_UNIX || (this.conn !== null && this._timeout !== null && this._timeout !== 0)) return;
    if (flags & C.MSG_OOB) throw oserror(this.accepting ? E.ENOTCONN : E.EINVAL);
  }

  /**
   * MSG_ERRQUEUE on a TCP or UDP socket reads its error queue (always empty here), not the data:
   * EAGAIN at once, blocking or not (ip_recv_error); with a timeout CPython polls, gets EAGAIN,
   * and polls again until the timeout. The data stays for the next recv. (A unix socket ignores the flag.)
   * Closed meanwhile: CPython's poll loop still runs out the timeout, then raises EBADF.
   */
  private errQueue(): Promise<never> {
    const t = this._timeout;
    if (t === null || t === 0) return Promise.reject(oserror(E.EAGAIN));
    const end = (reject: (err: Error) => void): void => {
      try {
        this.check();
        reject(timedOut());
      } catch (err) {
        reject(err as Error);
      }
    };
    return new Promise((_, reject) => setTimeout(end, Math.min(t, MAX_TIMER_S) * 1000, reject));
  }

  /**
   * send flags a stream judges before the connection state: TCP's MSG_FASTOPEN connects first
   * (no address: EINVAL; connected or listening: EISCONN), a unix stream refuses MSG_OOB with
   * no byte to carry it (EOPNOTSUPP).
   */
  private sendFlagsFirst(flags: number, size: number): void {
    if (this._family === C.AF_UNIX) {
      if (flags & C.MSG_OOB && size === 0) throw oserror(E.EOPNOTSUPP);
    } else if (flags & C.MSG_FASTOPEN) {
      throw oserror(this.conn !== null || this.accepting ? E.EISCONN : E.EINVAL);
    }
  }

  /**
   * A call on a listener that fails: CPython polls a socket with a timeout first, and a listener
   * is readable only while a connection waits and never writable, so the error comes after that
   * wait (TimeoutError if it ends first). Other sockets and modes: the error at once.
   */
  private pollFirst(err: unknown, read: boolean): Promise<never> {
    const q = this.accepting;
    const t = this._timeout;
    // (Closed: CPython has no descriptor to poll, EBADF at once.)
    if (q === null || this.conn !== null || t === null || t <= 0 || !(err instanceof OSError) || this._closed) return Promise.reject(err);
    return (async () => {
      const deadline = Date.now() + t * 1000;
      while (!(read && q.ready)) {
        await q.waiters.wait(remaining(t, deadline));
        this.check();
      }
      throw err;
    })();
  }

  /**
   * A non-blocking call found nothing: it looks once more after the runtime polled for I/O
   * (see afterPoll), then raises BlockingIOError.
   */
  private async nextLook(ready: () => boolean): Promise<void> {
    await afterPoll(ready);
    this.check();
  }

  /**
   * recv after shutdown(SHUT_RD) with nothing queued: Linux still queues what arrives, so bytes
   * already sent to it (by this program, over loopback) are returned; else b''.
   */
  private async recvAfterShut(c: StreamConn, n: number): Promise<PyBytes> {
    await this.recvAfterShutLook(c);
    return this._readNow(c, n) ?? emptyBytes();
  }

  /** After shutdown(SHUT_RD), before a recv reports EOF: the runtime delivers what the kernel holds (Linux's recv returns it). */
  private async recvAfterShutLook(c: StreamConn): Promise<void> {
    const ready = (): boolean => c.size > 0 || c.eof || c.errorPending;
    await this.nextLook(ready);
    if (!c.heard) await this.nextLook(ready); // a new connection: see StreamConn.heard
  }

  /** Non-blocking recv with nothing queued (see nextLook). */
  private async recvNextTurn(c: StreamConn, n: number): Promise<PyBytes> {
    c.flush(); // a batch of sendall data goes out first
    await this.nextLook(() => c.readable);
    if (!c.heard) await this.nextLook(() => c.readable); // a new connection: see StreamConn.heard
    const r = this._readNow(c, n);
    if (r !== undefined) return r;
    throw oserror(E.EAGAIN);
  }

  /** @internal What a plain recv returns right now, or `undefined` if it must wait. Throws a latched error. */
  _readNow(c: StreamConn, n: number): PyBytes | undefined {
    // After shutdown(SHUT_RD) queued data is still returned, then a pending error (a reset), then
    // b'' (Linux's tcp_recvmsg).
    if (c.size > 0) return asPyBytes(c.take(n));
    const err = c.takeError();
    if (err) throw err;
    if (c.eof || c.readShut) {
      this.closeWhenDropped(c);
      return emptyBytes();
    }
    return undefined;
  }

  /**
   * recv saw EOF: if the program now drops this socket without close() (a handler that returns
   * at EOF), the garbage collector closes it, as CPython's reference counting does when the
   * handler returns — else its runtime socket (an OS descriptor) and its number stayed until the
   * process ran out of descriptors.
   */
  private closeWhenDropped(c: StreamConn): void {
    if (this.dropWatched) return;
    this.dropWatched = true;
    dropped.register(this, new Dropped(this._fd, c), this);
  }

  /** A plain recv that waits: one Promise and one waiter object (no closures), resolved with the bytes. */
  private recvWait(c: StreamConn, n: number, timeout: number | null): Promise<PyBytes> {
    const w = new RecvWaiter(this, c, n, timeout);
    const p = w.promise();
    c.flush(); // a batch of sendall data goes out before waiting for the reply
    c.readers.addWaiter(w, w.timeout);
    return p;
  }

  /** recv with flags: MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT. */
  private async recvFlags(c: StreamConn, n: number, flags: number, wait: number | null): Promise<PyBytes> {
    // MSG_WAITALL waits for all `n` bytes only in blocking mode: with a timeout (or non-blocking)
    // CPython's recv runs on a non-blocking descriptor, where the kernel returns what has arrived.
    flags = cIntArg(flags);
    // Linux has no urgent byte to return (polysock never receives one): EINVAL.
    if (flags & C.MSG_OOB) throw oserror(E.EINVAL);
    const peek = (flags & C.MSG_PEEK) !== 0;
    if (flags & C.MSG_WAITALL && wait === null && !(flags & C.MSG_DONTWAIT)) {
      if (!peek) {
        const all = await this.recvAll(c, n);
        return all.length ? asPyBytes(all) : emptyBytes();
      }
      // A peek for all `n` bytes: wait until they are there (or EOF, an error), then peek as below.
      while (c.size < n && !c.eof && !c.readShut && !c.errorPending) {
        await c.waitMore(null, 0);
        this.check();
      }
    }
    const timeout = dontWait(flags, wait);
    const deadline = timeout === null ? 0 : Date.now() + timeout * 1000;
    let polled = false;
    let shutLooked = false;
    for (let looked = false; ; looked = true) {
      if (c.size > 0) {
        // A peek that finds part of what it asks for lets the runtime poll once first: the
        // kernel may hold the rest already (Linux's recv sees it), and a loop that peeks until a
        // whole header is there must not spin on the same bytes without I/O ever running.
        if (peek && !polled && c.size < n && !c.eof) {
          polled = true;
          await afterPoll(() => c.size >= n || c.eof);
          this.check();
          continue;
        }
        // A peek returns a copy: the bytes stay queued and a later recv returns them again.
        return asPyBytes(peek ? c.take(n, true).slice() : c.take(n));
      }
      const err = c.takeError();
      if (err) throw err;
      if (c.readShut && !c.eof && !shutLooked) {
        // What the kernel held at shutdown(SHUT_RD) is still returned (see recvAfterShut).
        shutLooked = true;
        await this.recvAfterShutLook(c);
        continue;
      }
      if (c.eof || c.readShut) return emptyBytes();
      c.flush();
      if (timeout === 0) {
        if (looked) throw oserror(E.EAGAIN);
        await this.nextLook(() => c.readable);
        if (!c.heard) await this.nextLook(() => c.readable); // a new connection: see StreamConn.heard
        continue;
      }
      await c.readers.wait(timeout === null ? null : remaining(timeout, deadline));
      this.check();
    }
  }

  /**
   * MSG_WAITALL in blocking mode: exactly `n` bytes unless EOF. An error after some bytes ends
   * the call with them and stays for the next (Linux's tcp_recvmsg); if close() ends the wait,
   * the partial bytes go back to the queue (makefile() files may still read them).
   */
  private async recvAll(c: StreamConn, n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    try {
      while (got < n) {
        if (c.size > 0) {
          const part = c.take(n - got);
          out.set(part, got);
          got += part.length;
          continue;
        }
        if (got > 0 && c.errorPending) break;
        const err = c.takeError();
        if (err) throw err;
        if (c.eof || c.readShut) break;
        await c.waitReadable(null, 0);
        this.check();
      }
    } catch (err) {
      if (got > 0 && !this.gone()) c.unshift(out.slice(0, got));
      throw err;
    }
    return got === n ? out : out.subarray(0, got);
  }

  /**
   * Like `nbytes = sock.recv_into(buffer[, nbytes[, flags]])`: fills `buffer`, returns the count.
   * @throws ValueError `buffer too small for requested bytes`.
   */
  recv_into(buffer: WritableBuffer, nbytes = 0, flags = 0): Promise<number> {
    // Not an async function: with bytes queued, one Promise and one copy (no bytes object between).
    let view: Uint8Array;
    let n: number;
    try {
      // The arguments are parsed first ("w*|ni"), as CPython's (then EBADF if closed).
      view = intoView(buffer, "recv_into");
      n = ssizeArg(nbytes);
      flags = flagsArg(flags);
      bufsizeArg(n, "recv_into");
      if (n > view.length) throw new ValueError("buffer too small for requested bytes");
      if (n === 0) n = view.length;
      if (n === 0) return Promise.resolve(0); // an empty buffer: 0 at once, as CPython (no call, closed or not)
      const c = this.conn;
      if (flags === 0 && c !== null && c.size > 0 && !this._closed) return Promise.resolve(c.takeInto(view, n));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.recv(n, flags).then((data) => {
      if (!this._truncDiscards(flags)) view.set(data);
      return data.length;
    });
  }

  /** @internal TCP's MSG_TRUNC: the bytes are consumed (or peeked) and counted, not copied into the buffer. */
  _truncDiscards(flags: number): boolean {
    return (flags & C.MSG_TRUNC) !== 0 && this._type === C.SOCK_STREAM && this._family !== C.AF_UNIX;
  }

  /**
   * Like `data, address = sock.recvfrom(bufsize[, flags])`. A datagram longer than
   * `bufsize` is truncated and the rest discarded. On TCP the address is `null` (Python's
   * `None`), on a unix stream the peer's name (`null` if it has none); it is typed as an
   * `Address` so UDP code ports as `sendto(data, addr)`. A UDP socket never bound is not bound
   * by it (as Linux): the call waits, within its timeout, until the socket gets a port.
   */
  recvfrom(bufsize: number, flags = 0): Promise<[PyBytes, Address]> {
    try {
      const n = ssizeArg(bufsize); // both arguments before EBADF ("n|i"), then the size's sign
      flags = flagsArg(flags);
      bufsizeArg(n, "recvfrom");
      this.check();
      if (flags & C.MSG_ERRQUEUE && this._family !== C.AF_UNIX) return this.errQueue();
      if (this.isStream) return this._recvStream(n, flags).then(([d, from]) => pair(d, from as Address));
      const d = this.dgram;
      // Hot path of a UDP server: a datagram is queued; one Promise, no async frame.
      if (d !== null && flags === 0 && !d.hasError && !d.readShut) {
        const item = d.take(false);
        if (item !== undefined) return Promise.resolve(this._datagramResult(item.data, item.from, n, false));
        if (this._timeout !== 0 && this.soTimeo(false) === 0) return this.recvfromWait(d, n, this._timeout);
      }
      return this.timed(false, (t) => this.recvDatagram(n, flags, t));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * @internal recv for a stream's recvfrom/recvmsg, and the sender Linux fills in. Only recv
   * itself returns b'' for 0 bytes without a call: for the others Linux's recv waits for data
   * (or EOF, an error) as for any size, then returns b'' and consumes nothing (the sender is
   * still named when data was there).
   */
  _recvStream(n: number, flags: number): Promise<[PyBytes, Address | null]> {
    if (n !== 0) return this.recv(n, flags).then((d) => [d, this.streamSender(d)]);
    return this.recv(1, (cIntArg(flags) & ~C.MSG_WAITALL) | C.MSG_PEEK).then((d) => [emptyBytes(), this.streamSender(d)]);
  }

  /**
   * The sender a stream socket's recvfrom/recvmsg reports, as Linux fills it in: a unix peer's
   * name (path or abstract) with data; `null` (Python's `None`) on TCP, for an unnamed peer, at EOF.
   */
  private streamSender(data: Uint8Array): Address | null {
    if (this._family !== C.AF_UNIX || data.length === 0) return null;
    try {
      const peer = this.getpeername();
      return peer === "" ? null : peer;
    } catch {
      return null;
    }
  }

  /** Like `nbytes, address = sock.recvfrom_into(buffer[, nbytes[, flags]])`. */
  async recvfrom_into(buffer: WritableBuffer, nbytes = 0, flags = 0): Promise<[number, Address]> {
    // The arguments are parsed first ("w*|ni"), as CPython's (then EBADF if closed).
    const view = intoView(buffer, "recvfrom_into");
    let n = ssizeArg(nbytes);
    flags = flagsArg(flags);
    bufsizeArg(n, "recvfrom_into");
    if (n > view.length) throw new ValueError("nbytes is greater than the length of the buffer");
    if (n === 0) n = view.length;
    const [data, addr] = await this.recvfrom(n, flags);
    if (!this._truncDiscards(flags)) view.set(data);
    return pair(data.length, addr);
  }

  /**
   * Like `data, ancdata, msg_flags, address = sock.recvmsg(bufsize[, ancbufsize[, flags]])`:
   * `ancdata` is always `[]` (no runtime passes control messages); `msg_flags` has MSG_TRUNC
   * when a datagram was longer than `bufsize`; `address` is `null` on TCP (a unix stream: the peer's name, if it has one).
   */
  async recvmsg(bufsize: number, ancbufsize = 0, flags = 0): Promise<RecvmsgResult> {
    return recvmsg(this, bufsize, ancbufsize, flags);
  }

  /**
   * Like `nbytes, ancdata, msg_flags, address = sock.recvmsg_into(buffers[, ancbufsize[, flags]])`.
   * @throws OSError `[Errno 90]` for more than 1024 buffers (Linux's limit), with nothing read.
   */
  async recvmsg_into(buffers: Iterable<WritableBuffer>, ancbufsize = 0, flags = 0): Promise<RecvmsgIntoResult> {
    return recvmsgInto(this, buffers, ancbufsize, flags);
  }

  private async recvDatagram(n: number, flags: number, timeout: number | null): Promise<[PyBytes, Address]> {
    let wait = dontWait(cIntArg(flags), timeout);
    let d = this.dgram;
    if (d === null) {
      const start = Date.now();
      d = await this.whenBound(wait, start);
      if (d !== null && wait !== null && wait !== 0) wait = remaining(wait, start + wait * 1000);
    }
    const peek = (flags & C.MSG_PEEK) !== 0;
    const item = d === null ? null : await d.receive(wait, peek);
    // After shutdown(SHUT_RD) with nothing queued, a blocking call returns (b'', None) as Linux's.
    if (item === null) return [emptyBytes(), null as unknown as Address];
    return this._datagramResult(item.data, item.from, n, peek);
  }

  /** A plain recvfrom that waits: one Promise and one waiter object, resolved with the datagram. */
  private recvfromWait(d: DgramConn, n: number, timeout: number | null): Promise<[PyBytes, Address]> {
    return this.datagramWait(d, n, timeout, false) as Promise<[PyBytes, Address]>;
  }

  /** A waiting recvfrom, or (`dataOnly`) recv: one waiter, one Promise. */
  private datagramWait(d: DgramConn, n: number, timeout: number | null, dataOnly: boolean): Promise<[PyBytes, Address] | PyBytes> {
    const w = new DatagramWaiter(this, d, n, timeout, dataOnly);
    const p = w.promise();
    d.readers.addWaiter(w, w.timeout);
    return p;
  }

  /** @internal A received datagram as recvfrom returns it: `(data, address)`, truncated to `n` like Linux. */
  _datagramResult(bytes: Uint8Array, from: NetAddress, n: number, peek: boolean): [PyBytes, Address] {
    return pair(this._datagramData(peek ? bytes.subarray(0, n).slice() : bytes, n), peerAddress(this._family, from));
  }

  /** @internal A received datagram's bytes as recv returns them, truncated to `n` like Linux (no copy). */
  _datagramData(bytes: Uint8Array, n: number): PyBytes {
    const data = bytes.length > n ? bytes.subarray(0, n) : bytes;
    return data.length ? asPyBytes(data) : emptyBytes();
  }

  // --- send ---

  /**
   * Like `sock.send(data[, flags])`: returns how many bytes were sent (maybe fewer than given
   * in timeout/non-blocking mode). Strings are sent as UTF-8.
   * @throws BrokenPipeError `[Errno 32]`, BlockingIOError `[Errno 11]`, TimeoutError.
   */
  send(data: Uint8Array | ArrayBufferView | string, flags = 0): Promise<number> {
    // Hot path of a connected UDP client: no flags, no async frame (the checks of the full path,
    // in its order, are the ones that can apply here: the arguments, EBADF, then DgramConn.send's).
    const d = this.dgram;
    if (d !== null && d.peer !== null && flags === 0 && this.files === null && this.connecting === null) {
      try {
        const bytes = toBytes(data);
        this.check();
        if (bytes.length <= MAX_UDP4) {
          const pending = d.send(bytes, d.t.connect ? undefined : d.peer);
          return pending ? pending.then(() => bytes.length) : resolvedCount(bytes.length);
        }
      } catch (err) {
        return Promise.reject(err);
      }
    }
    // Hot path of a blocking stream socket (no timeout): Linux's send(2) returns once all of it is
    // queued, so it is sendall's, without the async frame.
    if (this.conn !== null && flags === 0 && this._timeout === null && this.files === null && this.isStream && this.soTimeo(true) === 0) {
      let bytes: Uint8Array;
      try {
        bytes = toBytes(data);
        this.check();
      } catch (err) {
        return Promise.reject(err);
      }
      if (bytes.length > 0) {
        const p = this._sendall(bytes, 0, null);
        return p === RESOLVED ? resolvedCount(bytes.length) : p.then(() => bytes.length);
      }
    }
    return this.sendFull(data, flags);
  }

  private async sendFull(data: Uint8Array | ArrayBufferView | string, flags: number): Promise<number> {
    const bytes = toBytes(data); // the arguments ("y*|i") before EBADF, as CPython parses them
    flags = flagsArg(flags);
    this.check();
    if (this.files !== null && this._timeout !== 0) await this.filesQueued();
    if (this.conn === null && this.connecting !== null) await this.whenConnected();
    if (!this.isStream) {
      // Linux binds the socket first (inet_sendmsg's autobind), then checks in udp_sendmsg's order.
      const d = this.dgram ?? (await this.ensureDatagram());
      if (this._family === C.AF_INET && bytes.length > 0xffff) throw oserror(E.EMSGSIZE);
      // udpv6_sendmsg wants a destination before it looks at the flags; udp_sendmsg the reverse.
      if (!d.peer && this._family === C.AF_INET6) throw oserror(E.EDESTADDRREQ);
      if (flags & C.MSG_OOB && oobRefused(this._family, d.peer)) throw oserror(E.EOPNOTSUPP);
      if (!d.peer) throw oserror(E.EDESTADDRREQ);
      if (flags & MSG_PROBE) return bytes.length; // routed, not sent (ip_append_data)
      await this.sendDatagram(d, bytes, undefined);
      return bytes.length;
    }
    let c: StreamConn;
    try {
      if (flags !== 0) this.sendFlagsFirst(flags, bytes.length);
      c = this.writableConn();
    } catch (err) {
      return this.pollFirst(err, false);
    }
    if (bytes.length === 0) {
      c.checkWritable(); // send(2) of nothing still reports a pending error, or EPIPE after SHUT_WR
      return 0;
    }
    if (flags & C.MSG_DONTWAIT && this._timeout === null) return c.send(bytes, 0);
    return this.timed(true, (t) => c.send(bytes, t));
  }

  private writableConn(): StreamConn {
    if (this.conn) return this.conn;
    this.raiseConnectError();
    // Linux: a TCP socket not connected says EPIPE, a unix one ENOTCONN.
    throw oserror(this._family === C.AF_UNIX ? E.ENOTCONN : E.EPIPE);
  }

  /**
   * Like `sock.sendall(data[, flags])`: resolves once every byte was handed to the OS.
   * With a timeout, one deadline covers the whole call (part of the data may have been sent).
   * While unread input is queued, replies are batched into one write (at most 512 KiB held
   * back; docs/differences.md #17–18): do not modify a buffer `recv` returned after passing it here.
   * Non-blocking: at most 512 KiB is handed over (bytes the runtime still holds count as sent, like
   * a send buffer), then — or when the connection is congested — BlockingIOError `[Errno 11]` (a write the runtime
   * is still making, as Deno's one at a time, first gets one I/O poll to finish).
   * On Deno a sendall of at most 64 KiB resolves once its write has started (differences #34).
   * Once a call returns, the buffer passed may be reused: where the runtime may still hold it, it was copied.
   * @throws BrokenPipeError, ConnectionResetError, TimeoutError, BlockingIOError.
   */
  sendall(data: Uint8Array | ArrayBufferView | string, flags = 0): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = toBytes(data); // the arguments ("y*|i") before EBADF, as CPython parses them
      flags = flagsArg(flags);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this._closed && !this.heldByFiles()) return Promise.reject(oserror(E.EBADF));
    const queued = this.files !== null && this._timeout !== 0 ? this.filesQueued() : null;
    if (queued !== null) return queued.then(() => this._sendall(bytes, flags));
    return this._sendall(bytes, flags);
  }

  /**
   * makefile() writes not sent yet (waiting for room, or behind another): CPython sent them
   * inside write(), so the socket's own sends and shutdown wait for them (unless non-blocking:
   * the connection then finds them in its way and raises EAGAIN, as a full send buffer does).
   */
  private filesQueued(): Promise<unknown> | null {
    let all: Promise<void>[] | null = null;
    for (const f of this.files ?? []) {
      const queued = f._sendsInFlight();
      if (queued !== null) (all ??= []).push(queued);
    }
    // At most one I/O poll: a write the runtime is finishing (Deno's, one at a time) goes first;
    // one the peer does not take stays queued in the connection ahead of what follows (a
    // shutdown then fails it, as Linux fails a blocked send).
    return all && Promise.race([Promise.all(all), afterPoll(() => false)]);
  }

  /**
   * @internal sendall without the closed check (makefile() files keep a closed socket's connection); arguments
   * already converted; `timeout`: the mode to send in (a file's write queued before `setblocking(false)` stays blocking).
   */
  _sendall(bytes: Uint8Array, flags: number, timeout: number | null = this._timeout): Promise<void> {
    // Not an async function: when the OS takes everything at once, nothing is allocated.
    try {
      if (this.conn === null && this.connecting !== null) return this.whenConnected().then(() => this._sendall(bytes, flags, timeout));
      if (!this.isStream) return this.send(bytes, flags).then(() => undefined);
      if (flags !== 0) this.sendFlagsFirst(flags, bytes.length);
      const c = this.writableConn();
      if (bytes.length === 0) {
        c.checkWritable();
        return RESOLVED;
      }
      if (this.soTimeo(true) !== 0) return this.timed(true, (t) => this.sendallTo(c, bytes, flags, t));
      return this.sendallTo(c, bytes, flags, timeout);
    } catch (err) {
      return this.pollFirst(err, false);
    }
  }

  /**
   * @internal makefile() on a non-blocking socket: one send(2) made now (see StreamConn.sendNow);
   * 0 for EAGAIN, also while a connect is still in progress.
   */
  _sendNow(bytes: Uint8Array): number {
    if (this.conn === null && this.connecting !== null) return 0;
    return this.writableConn().sendNow(bytes);
  }

  /** @internal makefile(): is a file's write a send made at once? (A non-blocking stream socket.) */
  get _sendsNow(): boolean {
    return this._timeout === 0 && this.isStream;
  }

  private sendallTo(c: StreamConn, bytes: Uint8Array, flags: number, timeout: number | null): Promise<void> {
    const k = flags === 0 && (timeout !== 0 || bytes.length <= SEND_MAX) ? c.tryWrite(bytes, timeout) : -1;
    // Non-blocking: what the runtime still holds counts as the send buffer (nothing to wait for).
    if (k === bytes.length) return timeout !== 0 && c.mustDrain(k) ? c.whenDrained(timeout) : c.mustSettle() ? c.settle() : RESOLVED;
    return c.sendall(k > 0 ? bytes.subarray(k) : bytes, dontWait(flags, timeout));
  }

  /** SO_RCVTIMEO (SO_SNDTIMEO if `send`) in seconds if it applies now (blocking mode), else 0. */
  private soTimeo(send: boolean): number {
    return this._timeout === null && this._opts !== null ? this._opts.timeo(send) : 0;
  }

  /**
   * Run a call that may wait, with its timeout: the Python one, or in blocking mode SO_RCVTIMEO
   * (SO_SNDTIMEO if `send`) when set, after which it raises EAGAIN as Linux's timed-out call does.
   */
  private timed<T>(send: boolean, run: (timeout: number | null) => Promise<T>): Promise<T> {
    const so = this.soTimeo(send);
    if (so === 0) return run(this._timeout);
    return run(so).catch((err: unknown) => {
      throw err instanceof TimeoutError ? oserror(E.EAGAIN) : err;
    });
  }

  /**
   * Like `sock.sendfile(file, offset=0, count=None)`: sends the file (from `offset`, at most
   * `count` bytes) and returns how many bytes were sent. `file` is what a JavaScript program
   * holds a file as: a `Blob` (`Bun.file(path)`, Node's `fs.openAsBlob(path)`), bytes, or an
   * async iterable of chunks (`fs.createReadStream(path)`, a Deno file's `readable`).
   * @throws ValueError for a non-stream, non-blocking or closed socket or a count < 1; OSError `[Errno 22]` for a negative offset.
   */
  async sendfile(file: SendfileSource, offset = 0, count: number | null = null): Promise<number> {
    return sendfile(this, file, offset, count);
  }

  /**
   * Like `sock.sendto(data, address)` or `sock.sendto(data, flags, address)`.
   * An unbound UDP socket is bound to an ephemeral port first.
   * @returns the number of bytes sent.
   * @throws OSError `[Errno 90] Message too long`, PermissionError `[Errno 13]` (broadcast without SO_BROADCAST).
   */
  sendto(data: Uint8Array | ArrayBufferView | string, flagsOrAddress: number | AddressInput, address?: AddressInput): Promise<number> {
    try {
      // CPython parses data, flags and the address (resolving it) before EBADF.
      if (arguments.length < 2 || arguments.length > 3) throw new TypeError(`sendto() takes 2 or 3 arguments (${arguments.length} given)`);
      // Hot paths, no async frame: a UDP server replying to an address recvfrom returned (no
      // parsing), and a client sending to an IPv4 literal (parsed at once, no lookup).
      const d = this.dgram;
      const hot = arguments.length === 2 && d !== null && d.peer === null;
      const known = hot ? knownEndpoint(flagsOrAddress) : undefined;
      const ep = known ?? (hot ? literalEndpoint(this._family, flagsOrAddress) : undefined);
      if (ep !== undefined && (ep.ipVersion === 6) === (this._family === C.AF_INET6) && !isBroadcast(ep.host) && !this.mappedRefused(ep) && !this.v6Refused(ep)) {
        const bytes = toBytes(data);
        this.check();
        if (bytes.length <= MAX_UDP4 || bytes.length <= maxDatagram(this._family, ep.host)) {
          const pending = known !== undefined ? d!.reply(bytes, ep) : d!.send(bytes, ep);
          return pending ? pending.then(() => bytes.length) : resolvedCount(bytes.length);
        }
      }
      return arguments.length >= 3
        ? this.sendtoSlow(data, flagsOrAddress as number, address, 3)
        : this.sendtoSlow(data, 0, flagsOrAddress, 2);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Like `sock.sendmsg(buffers[, ancdata[, flags[, address]]])`: sends the buffers as one
   * `send` (or `sendto` with `address`) and returns the count. Control messages
   * (`ancdata`, e.g. SCM_RIGHTS) raise `OSError [Errno 95]` (differences #31); more than 1024
   * buffers, `OSError [Errno 90]` (Linux's limit), with nothing sent.
   */
  async sendmsg(
    buffers: Iterable<Uint8Array | ArrayBufferView | string>,
    ancdata: Iterable<unknown> = [],
    flags = 0,
    address: AddressInput | null = null,
  ): Promise<number> {
    return sendmsg(this, buffers, ancdata, flags, address);
  }

  /** @internal sendto for sendmsg(): its address errors name `fname`. */
  _sendtoAs(data: Uint8Array, flags: number, addr: unknown, fname: string): Promise<number> {
    return this.sendtoSlow(data, flags, addr, 3, fname);
  }

  private async sendtoSlow(data: unknown, rawFlags: unknown, addr: unknown, nargs: number, fname = "sendto"): Promise<number> {
    const bytes = toBytes(data);
    const flags = nargs >= 3 ? cIntArg(rawFlags) : 0;
    // The address is parsed and resolved (getsockaddrarg) before the socket is used.
    let ep = knownEndpoint(addr);
    if (ep === undefined || (ep.ipVersion === 6) !== (this._family === C.AF_INET6)) ep = await resolveAddress(parseAddress(this._family, addr, fname), this.adapter);
    this.check();
    if (this.isStream) {
      // Linux: a unix stream refuses a destination (EISCONN once connected); TCP ignores it.
      if (this._family === C.AF_UNIX) throw oserror(this.conn ? E.EISCONN : E.EOPNOTSUPP);
      if (!this.conn) throw oserror(E.EPIPE);
      return this.send(bytes, flags);
    }
    // Linux binds the socket first (inet_sendmsg's autobind), then checks the datagram.
    const d = this.dgram ?? (await this.ensureDatagram());
    // In udp_sendmsg's order: IPv4's 64 KiB bound, MSG_OOB, the port, broadcast, then what fits a datagram.
    if (this.mappedRefused(ep)) throw oserror(E.ENETUNREACH);
    if (this.v6Refused(ep)) throw oserror(E.EAFNOSUPPORT);
    if (this._family === C.AF_INET && bytes.length > 0xffff) throw oserror(E.EMSGSIZE);
    if (flags & C.MSG_OOB && oobRefused(this._family, ep)) throw oserror(E.EOPNOTSUPP);
    if (ep.kind === "inet" && ep.port === 0) throw oserror(E.EINVAL); // Linux's sendto to port 0
    if (!this.opts.get(C.SOL_SOCKET, C.SO_BROADCAST) && isBroadcast(ep.host)) throw oserror(E.EACCES);
    if (flags & MSG_PROBE) return bytes.length; // routed, not sent (ip_append_data)
    if (bytes.length > maxDatagram(this._family, ep.host)) throw oserror(E.EMSGSIZE);
    const samePeer = d.peer !== null && d.t.connect !== undefined && d.peer.host === ep.host && d.peer.port === ep.port;
    const pending = d.send(bytes, samePeer ? undefined : ep);
    if (pending) await pending;
    return bytes.length;
  }

  private async sendDatagram(d: DgramConn, bytes: Uint8Array, to: NetAddress | undefined): Promise<void> {
    if (to === undefined && !d.t.connect) to = d.peer!;
    if (bytes.length > maxDatagram(this._family, (to ?? d.peer)?.host ?? "")) throw oserror(E.EMSGSIZE);
    await d.send(bytes, to);
  }

  // --- shutdown / close ---

  /**
   * Like `sock.shutdown(how)`: `SHUT_RD`, `SHUT_WR` (sends FIN; the peer's `recv` gets `b''`), `SHUT_RDWR`.
   * On a socket still connecting it aborts the attempt (the connect raises ConnectionResetError), as Linux.
   * @throws OSError `[Errno 107] Transport endpoint is not connected`, `[Errno 22]` for a bad `how`.
   */
  async shutdown(how: number): Promise<void> {
    const h = cIntValue(how);
    this.check();
    if (h < 0 || h > 2) throw oserror(E.EINVAL);
    if (this.files !== null && this._timeout !== 0 && h !== C.SHUT_RD) await this.filesQueued();
    const c = this.conn;
    this.endConnectQuirk(c);
    if (!c && this.connectCtl !== null) {
      // Linux aborts a connect in progress: it raises ConnectionResetError (SO_ERROR 104 when
      // non-blocking), and the socket can connect again.
      const ctl = this.connectCtl;
      ctl.abort(oserror(E.ECONNRESET));
      await afterPoll(() => this.connectCtl !== ctl);
      return;
    }
    if (!c) {
      if (this.accepting) {
        // Linux stops a listener on SHUT_RD: pending and later accept() calls raise EINVAL,
        // connections not accepted yet are reset, and SO_ACCEPTCONN reads 0.
        if (h !== C.SHUT_WR) {
          for (const s of this.accepting.shutdown()) void s.closeReset();
          this.opts.force(C.SOL_SOCKET, C.SO_ACCEPTCONN, 0);
        }
        return;
      }
      if (!this.isStream) {
        // Linux's UDP shutdown: recorded even when unconnected (which still raises ENOTCONN).
        if (this.dgram) this.dgram.shutdown(h);
        else {
          this.shutBits |= h + 1; // applied when bound
          this.boundWaiters?.wake(); // a receive waiting for a port returns (b'', None) after SHUT_RD
        }
        if (this.dgram?.peer) return;
        throw oserror(E.ENOTCONN);
      }
      this.shutBits |= h + 1; // Linux records it, then says ENOTCONN
      if (this._family === C.AF_UNIX) return; // Linux's unix sockets take it unconnected too
      throw oserror(E.ENOTCONN);
    }
    if (this.connectionOver(c)) throw oserror(E.ENOTCONN);
    if (h === C.SHUT_RD || h === C.SHUT_RDWR) {
      c.readShut = true;
      c.readers.wake();
    }
    if (h === C.SHUT_WR || h === C.SHUT_RDWR) c.shutdownWrite();
  }

  /**
   * shutdown() of a socket whose connect() Linux still counts as in progress (a non-blocking or
   * timed connect no later connect() has seen, see polledConnect): inet_shutdown makes it
   * connected if the connection is up (a later connect(): EISCONN), else disconnecting (EINVAL).
   */
  private endConnectQuirk(c: StreamConn | null): void {
    const pending = this.polledConnect !== null || (this.connectOutcome !== null && this.connectOutcome.err === null);
    if (!pending || this.connectCtl !== null) return;
    if (c === null || c.dead || this.polledConnect === "failed") this.disconnecting = true;
    this.polledConnect = null;
    this.connectOutcome = null;
  }

  /**
   * getpeername() and shutdown() raise ENOTCONN: a TCP connection in TCP_CLOSE. A unix socket
   * keeps its peer's name and takes shutdown() after the peer has gone.
   */
  private connectionOver(c: StreamConn): boolean {
    return this._family !== C.AF_UNIX && this.tcpClosed(c);
  }

  /**
   * Linux's TCP_CLOSE: reset, failed, or closed both ways (our FIN and the peer's: on
   * loopback the last ACK is immediate, so at once, before the runtime reports it).
   */
  private tcpClosed(c: StreamConn): boolean {
    return c.dead || (c.writeShut && c.eof && this._family !== C.AF_UNIX);
  }

  /**
   * Like `sock.close()`: sends what `sendall` handed over, then FIN; pending calls (`connect`
   * too) reject with `OSError [Errno 9]`. Bytes the runtime still holds wait at most 10 s for a
   * peer that does not read them, then the connection is reset (differences #25). A second close
   * does nothing.
   * @throws OSError `[Errno 9]` if its number was closed through another socket object on it
   *   (`socket.socket(fileno=n)`) or by `socket.close(n)`, as CPython's close() of a closed descriptor.
   */
  async close(): Promise<void> {
    if (this._closed) {
      if (!this.numberLost) return;
      // Open makefile() files keep the object open (CPython's io_refs): the last one's close()
      // makes the close(2) that fails.
      if (this.files !== null && this.files.size > 0) {
        this.lostWithFiles = true;
        return;
      }
      this.numberLost = false;
      this._fd = -1;
      throw oserror(E.EBADF);
    }
    this._closed = true;
    // Open makefile() files keep the descriptor (and its number) until they are closed.
    if (this.files !== null && this.files.size > 0) return this.closeWithFiles();
    await this.release();
  }

  /** close() with a reset (RST) instead of FIN, whatever SO_LINGER says. */
  private closeReset(): Promise<void> {
    if (this._closed) return Promise.resolve();
    this._closed = true;
    if (this.dropWatched) dropped.unregister(this);
    if (this._fd >= 0) closeFd(this._fd);
    this._fd = -1;
    if (this.conn?.hasWaiters()) this.conn.failAll(badFd());
    return this.conn?.close(true) ?? Promise.resolve();
  }

  /**
   * close() while makefile() files are open. CPython keeps the connection until they are
   * closed — which reference counting does as soon as a handler that never closed its file
   * returns. JavaScript has no such moment, so: if a file is used before the event loop's
   * next turn (`sock.close(); f.readline()`), the files keep the connection until closed;
   * otherwise it is released then, as CPython would have when the handler returned.
   */
  private closeWithFiles(): void {
    this.filesTouched = false;
    void nextTurn().then(async () => {
      if (this.files === null || this.files.size === 0 || this.filesTouched || this.conn?.hasWaiters()) return;
      const files = this.files;
      this.files = null;
      // What CPython's finalizers then do: write files send what they buffer (checked).
      await Promise.all(Array.from(files, (f) => f._finalize()));
      void this.release();
    });
  }

  /** @internal makefile(): a file operation started (see closeWithFiles). */
  _fileTouch(): void {
    this.filesTouched = true;
  }

  /** Close the OS listener; a unix socket's file stays on disk, as close(2) leaves it. */
  private async closeListener(l: Listener): Promise<void> {
    const restore = this._family === C.AF_UNIX && this.keepsFile ? keepSocketFile(l.localAddress().host) : null;
    try {
      await l.close();
    } finally {
      restore?.();
    }
  }

  private release(): Promise<void> {
    if (this.dropWatched) dropped.unregister(this);
    const fd = this._fd;
    this._fd = -1;
    // The number is closed for every object on it (socket(fileno=n)): they keep it, as CPython's do.
    if (fd >= 0 && sharing) for (const o of closeNumber(fd, this)) o.loseNumber();
    if (fd >= 0) closeFd(fd);
    // Other numbers share the connection (dup()): it stays, as dup(2)'s open file does.
    if (sharing && !dropShare(this)) return Promise.resolve();
    return this._releaseState();
  }

  /** Another object on this one's number closed it (its makefile() files no longer hold the descriptor either). */
  private loseNumber(): void {
    this._closed = true;
    this.numberLost = true;
  }

  /** @internal Close the connection, listener or UDP socket (the last number sharing it is closed). */
  _releaseState(): Promise<void> {
    // Pending calls fail with EBADF (made only if one waits: an Error costs µs, for its stack).
    if (this.connectCtl) this.connectCtl.abort(badFd());
    if (this.boundWaiters !== null && this.boundWaiters.size > 0) this.boundWaiters.fail(badFd());
    const c = this.conn;
    if (c !== null && this.accepting === null && this.listener === null && this.dgram === null) {
      // A connection alone (the common case): no list of jobs to wait for.
      if (c.hasWaiters()) c.failAll(badFd());
      return c.close(this.opts.lingerReset());
    }
    const jobs: Promise<void>[] = [];
    // Linux resets the connections a closed listener never accepted.
    if (this.accepting) for (const s of this.accepting.close(badFd)) jobs.push(s.closeReset());
    if (this.listener) {
      jobs.push(this.closeListener(this.listener).catch(() => undefined));
      this.listener = null;
    }
    if (this.conn) {
      if (this.conn.hasWaiters()) this.conn.failAll(badFd());
      jobs.push(this.conn.close(this.opts.lingerReset()));
    }
    if (this.dgram) jobs.push(this.dgram.close(badFd));
    return Promise.all(jobs).then(() => undefined);
  }

  /** @internal makefile() bookkeeping. */
  _fileOpened(f: SocketFile): void {
    (this.files ??= new Set()).add(f);
  }

  /** @internal makefile() bookkeeping: the last file closed after the socket releases it. */
  _fileClosed(f: SocketFile): void {
    if (!this.files?.delete(f) || this.files.size > 0 || !this._closed) return;
    if (!this.numberLost) return void this.release();
    // Its number was closed through another object: the close(2) CPython makes now fails.
    if (!this.lostWithFiles) return;
    this.lostWithFiles = false;
    this.numberLost = false;
    this._fd = -1;
    throw oserror(E.EBADF);
  }

  /** @internal the stream connection, for makefile(). */
  _stream(): StreamConn {
    return this.streamConn();
  }

  /**
   * @internal makefile(): a file's read or send needs the socket's descriptor — gone after detach(),
   * after close() once no file holds it, or closed through another object: EBADF, as CPython's
   * SocketIO gets from recv/send on it.
   */
  _fileCheck(): void {
    if (this._fd < 0 || this.numberLost) throw oserror(E.EBADF);
  }

  /** `await using s = socket.socket(...)` closes the socket at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- addresses and options ---

  /**
   * Like `sock.getsockname()`: `('127.0.0.1', 54321)`; an unbound socket gives `('0.0.0.0', 0)`.
   */
  getsockname(): Address {
    this.check();
    if (this.unnamed) return "";
    let a: NetAddress | null = null;
    if (this.conn) a = this.conn.t.localAddress();
    else if (this.listener) a = this.listener.localAddress();
    else if (this.dgram) a = this.dgram.t.localAddress();
    if (a === null) a = { host: this._family === C.AF_INET6 ? "::" : this._family === C.AF_UNIX ? "" : "0.0.0.0", port: 0 };
    return toPyAddress(this._family, a);
  }

  /**
   * Like `sock.getpeername()`.
   * @throws OSError `[Errno 107] Transport endpoint is not connected`.
   */
  getpeername(): Address {
    this.check();
    if (this.conn && this.unnamed) return "";
    if (this.conn && !this.connectionOver(this.conn)) return toPyAddress(this._family, this.conn.t.remoteAddress());
    // Linux: a UDP socket connected to port 0 has no peer name.
    if (this.dgram?.peer && this.dgram.peer.port !== 0) return toPyAddress(this._family, this.dgram.peer);
    throw oserror(E.ENOTCONN);
  }

  /**
   * Like `sock.setsockopt(level, optname, value)`. Known: SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE,
   * SO_BROADCAST, SO_RCVBUF, SO_SNDBUF, TCP_NODELAY, TCP_KEEP*, IPV6_V6ONLY, IP_TTL,
   * SO_LINGER as `struct.pack("ii", onoff, seconds)` bytes (on with 0 seconds: `close()` resets), and
   * SO_RCVTIMEO/SO_SNDTIMEO as `struct.pack("ll", seconds, microseconds)` bytes (in blocking mode a
   * wait that long, then `BlockingIOError [Errno 11]`, as on Linux; differences #45), and on UDP
   * IP_MULTICAST_TTL/LOOP/IF (`inet_aton(ip)`) and IP_ADD/DROP_MEMBERSHIP (`inet_aton(group) + inet_aton(iface)`).
   * The four-argument form `setsockopt(level, optname, None, optlen)` raises as Linux does for a NULL value.
   * @throws OSError `[Errno 92] Protocol not available` for unknown options, `[Errno 22]` for a bad
   * SO_LINGER or timeval, `[Errno 33]` for microseconds outside 0–999999.
   */
  setsockopt(level: number, optname: number, value: number | boolean | Uint8Array | null, optlen?: number): void {
    const fourArgs = arguments.length === 4 && value === null; // setsockopt(level, optname, None, optlen)
    if (arguments.length !== 3 && !fourArgs) throw new TypeError(`setsockopt() takes exactly 3 arguments (${arguments.length} given)`);
    // The arguments first, as CPython parses them (then EBADF on a closed socket).
    const lv = cIntArg(level);
    const opt = cIntArg(optname);
    // The optlen of the four-argument form: an unsigned int, taken modulo 2**32 (format "I"), which Linux reads as an int.
    // (CPython tries "iii", "iiy*", then "iiO!I": an optlen that is no int fails all three.)
    if (fourArgs && typeof optlen !== "bigint" && typeof optlen !== "boolean" && !Number.isInteger(optlen)) throw new TypeError("setsockopt() takes exactly 3 arguments (4 given)");
    const len = fourArgs ? intArg(optlen) | 0 : 0;
    if (!fourArgs) optionValueArg(value);
    this.check();
    // Linux: a unix socket has only socket-level options; UDP has no TCP ones.
    if (this._family === C.AF_UNIX && lv !== C.SOL_SOCKET) throw oserror(E.EOPNOTSUPP);
    if (!this.isStream && lv === C.IPPROTO_TCP) throw oserror(E.ENOPROTOOPT);
    if (fourArgs) {
      // The IP levels look at the option before the value: ENOPROTOOPT for one they do not have,
      // as a level no protocol has (for one they have, Linux reads the value: EINVAL or EFAULT).
      if (lv !== C.SOL_SOCKET && lv !== (this.isStream ? C.IPPROTO_TCP : C.IPPROTO_UDP) && !ipLevelOption(lv, opt)) throw oserror(E.ENOPROTOOPT);
      // A NULL option value: Linux reads `optlen` bytes from address 0.
      throw oserror(len < 4 ? E.EINVAL : E.EFAULT);
    }
    // Linux (6.x): SO_REUSEPORT can be turned on for inet sockets only.
    if (this._family === C.AF_UNIX && lv === C.SOL_SOCKET && opt === C.SO_REUSEPORT && optionOn(value)) throw oserror(E.EOPNOTSUPP);
    if (lv === C.IPPROTO_IP && opt >= C.IP_MULTICAST_IF && opt <= C.IP_DROP_MEMBERSHIP) return this.setMulticast(opt, value);
    // Linux: IPV6_V6ONLY only before the socket is bound.
    if (lv === C.IPPROTO_IPV6 && opt === C.IPV6_V6ONLY && this._family === C.AF_INET6 && (this.listener || this.dgram || this.conn || this.accepting)) throw oserror(E.EINVAL);
    const v = this.opts.set(lv, opt, value);
    if (level === C.IPPROTO_TCP && optname === C.TCP_NODELAY) this.conn?.t.setNoDelay(v === 1);
    else if (lv === C.SOL_SOCKET && opt === C.SO_KEEPALIVE && this.conn) this.keepAlive(this.conn.t);
    else if (lv === C.IPPROTO_TCP && opt === C.TCP_KEEPIDLE && this.conn && this.opts.get(C.SOL_SOCKET, C.SO_KEEPALIVE)) this.keepAlive(this.conn.t);
    else if (level === C.SOL_SOCKET && optname === C.SO_BROADCAST) this.dgram?.t.setBroadcast(v === 1);
    else if (level === C.SOL_SOCKET && optname === C.SO_RCVBUF && this.dgram) this.dgram.rcvbuf = v;
  }

  /** IP_MULTICAST_IF/TTL/LOOP, IP_ADD/DROP_MEMBERSHIP (see _multicast.ts). */
  private setMulticast(opt: number, value: unknown): void {
    const member = opt === C.IP_ADD_MEMBERSHIP || opt === C.IP_DROP_MEMBERSHIP;
    if (this._family === C.AF_UNIX || (this._family === C.AF_INET6 && member)) throw oserror(E.ENOPROTOOPT);
    // An IPv6 socket keeps the IPv4 options too (for IPv4-mapped traffic; not applied here).
    if (this.isStream || this._family === C.AF_INET6) {
      // Linux: a TCP socket has no memberships; IP_MULTICAST_LOOP is kept, the others are EINVAL.
      if (member) throw oserror(E.EPROTO);
      this.opts.set(C.IPPROTO_IP, opt, value);
      return;
    }
    if (!this.adapter.capabilities.multicast) throw oserror(E.ENOPROTOOPT);
    const mc = (this.mc ??= new Multicast());
    const t = this.dgram?.t ?? null;
    if (member) return mc.membership(opt === C.IP_ADD_MEMBERSHIP, value, t);
    const before = this.opts.get(C.IPPROTO_IP, opt);
    this.opts.set(C.IPPROTO_IP, opt, value);
    if (t !== null) {
      try {
        Multicast.option(t, opt, this.opts);
      } catch (err) {
        this.opts.force(C.IPPROTO_IP, opt, before);
        throw err;
      }
    }
    mc.changed.add(opt);
  }

  /**
   * Like `sock.getsockopt(level, optname[, buflen])`: an int, or `buflen` bytes. Besides what
   * `setsockopt` knows: SO_TYPE, SO_ERROR, SO_ACCEPTCONN, SO_DOMAIN, SO_PROTOCOL (read-only), and
   * Linux's default of options no runtime lets polysock change (SO_RCVLOWAT, IP_TOS, TCP_CORK …; differences #35).
   * @throws OSError `[Errno 92] Protocol not available` for unknown options.
   */
  getsockopt(level: number, optname: number, buflen?: number): number | PyBytes {
    if (arguments.length < 2) throw new TypeError(`getsockopt() takes at least 2 arguments (${arguments.length} given)`);
    if (arguments.length > 3) throw new TypeError(`getsockopt() takes at most 3 arguments (${arguments.length} given)`);
    const lv = cIntArg(level);
    const opt = cIntArg(optname);
    const n = buflen === undefined ? 0 : cIntArg(buflen);
    if (n < 0 || n > 1024) throw new OSError("getsockopt buflen out of range"); // (CPython's, before the call)
    this.check();
    // (IPv6's getsockopt answers a level it does not know with ENOPROTOOPT, IPv4's and unix's with EOPNOTSUPP.)
    if (!this.hasLevel(lv)) throw oserror(this._family === C.AF_INET6 ? E.ENOPROTOOPT : E.EOPNOTSUPP);
    let v = this.opts.get(lv, opt);
    if (lv === C.SOL_SOCKET && opt === C.SO_ERROR) {
      const err = this.conn?.takeSoError() ?? this.dgram?.takeError() ?? this.takeConnectError();
      v = err?.errno ?? 0;
    }
    if (n === 0) return lv === C.SOL_SOCKET && opt === C.SO_ERROR ? v : this.opts.getInt(lv, opt);
    return asPyBytes(this.opts.bytes(lv, opt, v, n));
  }

  /** Linux's getsockopt: a level this socket's protocols do not handle is EOPNOTSUPP. */
  private hasLevel(level: number): boolean {
    const inet = this._family !== C.AF_UNIX;
    if (level === C.SOL_SOCKET) return true;
    if (level === C.IPPROTO_IP) return inet;
    if (level === C.IPPROTO_IPV6) return this._family === C.AF_INET6;
    // (An IPv6 socket hands the other transport's level on to it: ENOPROTOOPT there.)
    if (level === C.IPPROTO_TCP) return inet && (this.isStream || this._family === C.AF_INET6);
    if (level === C.IPPROTO_UDP) return inet && (!this.isStream || this._family === C.AF_INET6);
    return false;
  }

  /**
   * @internal select(): would a read (`write` false) or a write go ahead now, or raise?
   * A socket neither connected nor listening is both, as Linux reports it (POLLHUP).
   */
  _ready(write: boolean): boolean {
    if (this.accepting) return !write && this.accepting.ready;
    if (this.conn) return write ? this.conn.writable : this.conn.readable;
    if (this.dgram) {
      if (write) return true;
      this.dgram.look();
      return this.dgram.readable;
    }
    if (!this.isStream) return write || (this.shutBits & 1) !== 0;
    return this.connecting === null;
  }

  /** @internal select(…, 0): a connection the runtime has delivered nothing for yet (see StreamConn.heard). */
  _fresh(): boolean {
    return this.conn !== null && !this.conn.heard;
  }

  /** @internal select(): where a waiter hears that {@link _ready} may have changed. */
  _readyWait(write: boolean): WaitList | Promise<void> | null {
    if (this.accepting) return write ? null : this.accepting.waiters;
    if (this.conn) return write ? this.conn.writers : this.conn.readers;
    if (this.dgram) return write ? null : this.dgram.readers;
    return this.connecting;
  }

  /**
   * @internal poll(): Linux's POLLHUP — a stream socket neither connected, connecting nor
   * listening (TCP_CLOSE), or whose connection is over.
   */
  _hangUp(): boolean {
    // A UDP socket shut down both ways (sk_shutdown == SHUTDOWN_MASK), even unconnected.
    if (!this.isStream) return this.dgram !== null ? this.dgram.readShut && this.dgram.writeShut : this.shutBits === 3;
    if (this.accepting) return false;
    const c = this.conn;
    if (c === null) return this.connecting === null;
    // Both sides shut (sk_shutdown == SHUTDOWN_MASK): ours, or the peer's FIN for reading.
    return this.tcpClosed(c) || (c.writeShut && (c.readShut || c.eof));
  }

  /**
   * @internal poll()/epoll's POLLRDHUP (Linux's RCV_SHUTDOWN): the peer shut down its sending (FIN),
   * this side shut down reading, or the connection is gone.
   */
  _rdHup(): boolean {
    const c = this.conn;
    if (c !== null) return c.eof || c.readShut;
    // A connect that failed shut the socket down both ways (Linux's tcp_done).
    if (this.isStream && (this.connectFailed || (this.connectOutcome?.err ?? null) !== null)) return true;
    return this.dgram !== null ? this.dgram.readShut : !this.isStream && (this.shutBits & 1) !== 0;
  }

  /** @internal poll(): a stream socket that never connected (nor listens, nor connects, nor failed to). */
  _unconnected(): boolean {
    return (
      this.isStream &&
      this.conn === null &&
      this.accepting === null &&
      this.connecting === null &&
      !this.connectFailed &&
      (this.connectOutcome?.err ?? null) === null
    );
  }

  /**
   * @internal poll(): select() calls it readable, poll(2) does not say POLLIN: a stream socket
   * never connected (POLLHUP alone), a UDP socket with only an error (POLLERR alone).
   */
  _readableNotIn(): boolean {
    return (this._unconnected() && this._hangUp()) || (this.dgram?.errorOnly ?? false);
  }

  /** @internal poll(): an error SO_ERROR would report is pending (POLLERR). */
  _pollError(): boolean {
    return (this.connectOutcome?.err ?? null) !== null || (this.conn?.hasSoError ?? false) || (this.dgram?.hasError ?? false);
  }

  /** @internal for the listener's Keeper: an accept() waits. */
  hasWaiters(): boolean {
    return (this.accepting?.waiters.size ?? 0) > 0;
  }

  /** @internal socketpair(): both ends report no names (`''`), as Linux's pair does. */
  _unnamedPair(): void {
    this.unnamed = true;
  }

  /** @internal socketpair(): take `other`'s descriptor number and give it this one (neither handed out yet). */
  _swapFd(other: Socket): void {
    const fd = this._fd;
    this._fd = other._fd;
    other._fd = fd;
  }

  /** @internal socketpair(): its rendezvous listener's file goes with it. */
  _tempFile(): void {
    this.keepsFile = false;
  }

  /** @internal create_server(): IPV6_V6ONLY before bind. */
  _setV6Only(on: boolean): void {
    this.opts.force(C.IPPROTO_IPV6, C.IPV6_V6ONLY, on ? 1 : 0);
  }

  /**
   * Like `sock.makefile(mode="r", buffering=None, *, encoding=None, errors=None, newline=None)`:
   * a file over the socket sharing its receive buffer, so line reads and `recv` mix without
   * loss. Keyword arguments go in `options` (`makefile("rb", { buffering: 0 })` also works).
   * Closing the socket while the file is open keeps the connection for the file only if the
   * file is used right away (before the event loop's next turn): a handler that returns
   * without closing its file still ends the connection (docs/differences.md #28).
   * @throws ValueError `invalid mode 'x' (only r, w, b allowed)`.
   */
  makefile(mode = "r", buffering?: number | null | MakefileOptions, options: MakefileOptions = {}): SocketFile {
    const opts = typeof buffering === "object" && buffering !== null ? buffering : { ...options, buffering };
    return new SocketFile(this, mode, opts);
  }

  /**
   * The native object of the adapter (escape hatch; shape differs per runtime). Reading from it
   * competes with polysock for the bytes; on Node a connection's `net.Socket` reads through
   * `onread`, so it emits no `'data'` events.
   */
  get raw(): unknown {
    return this.conn?.t.raw ?? this.listener?.raw ?? this.dgram?.t.raw ?? null;
  }

  /** `console.log(sock)` prints Python's repr too (Node, Bun; Deno's console). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Python's repr: `<socket.socket fd=3, family=2, type=1, proto=0, laddr=('127.0.0.1', 5000)>`. */
  toString(): string {
    if (this._closed && !this.numberLost) return `<socket.socket [closed] fd=${this._fd}, family=${this._family}, type=${this._type}, proto=${this._proto}>`;
    let s = `<socket.socket fd=${this.fileno()}, family=${this._family}, type=${this._type}, proto=${this._proto}`;
    // As socket.py: each address with str(), left out when empty or not there.
    const str = (a: Address): string => (typeof a === "string" ? a : pyRepr(a));
    try {
      const laddr = this.getsockname();
      if (laddr !== "") s += `, laddr=${str(laddr)}`;
    } catch {
      /* not bound */
    }
    try {
      const raddr = this.getpeername();
      if (raddr !== "") s += `, raddr=${str(raddr)}`;
    } catch {
      /* not connected */
    }
    return s + ">";
  }
}

/**
 * The fields most sockets never set (`declare`d above), with their values until set: on the
 * prototype, so a socket carries only the fields it uses (an accepted connection: 7 instead of
 * 28, ~170 bytes less per connection). `_dup.ts` forwards these too (its for…in sees inherited fields).
 */
Object.assign(Socket.prototype, {
  fdShared: false,
  numberLost: false,
  lostWithFiles: false,
  inheritable: false,
  _opts: null,
  mc: null,
  listener: null,
  keepsFile: true,
  accepting: null,
  listenKeeper: null,
  unnamed: false,
  dgram: null,
  binding: null,
  boundWaiters: null,
  connecting: null,
  connectOutcome: null,
  connectCtl: null,
  connectAttempt: null,
  connectFailed: false,
  polledConnect: null,
  disconnecting: false,
  shutBits: 0,
  files: null,
  filesTouched: false,
  dropWatched: false,
});

/** A connection whose socket object saw EOF: what closing it takes, without the object itself. */
class Dropped {
  constructor(
    private readonly fd: number,
    private readonly conn: StreamConn,
  ) {}

  /** The object was collected unclosed: close as close() would (its number too). */
  collect(): void {
    if (sharing) return; // (another object may share the number or connection: dup(), fromfd)
    if (this.fd >= 0) closeFd(this.fd);
    void this.conn.close().catch(() => undefined);
  }
}

const dropped = new FinalizationRegistry<Dropped>((d) => d.collect());

const RESOLVED: Promise<void> = Promise.resolve();

/** The error pending calls get when their socket closes: `[Errno 9] Bad file descriptor`. */
const badFd = (): OSError => oserror(E.EBADF);

// sendto's result when the datagram went out at once: one settled Promise per size in a row.
let lastCount = -1;
let lastCountPromise: Promise<number> = Promise.resolve(0);
/** Linux's MSG_PROBE (no Python constant): a UDP send is checked and routed, and nothing is sent. */
const MSG_PROBE = 0x10;

/**
 * UDP has no urgent data: IPv4's udp_sendmsg refuses MSG_OOB (also for an IPv6 socket's
 * IPv4-mapped destination, which it handles); udpv6_sendmsg ignores the flag.
 */
/** Is `host` an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`)? */
function v4Mapped(host: string): boolean {
  return /^::ffff:\d/i.test(host);
}

/** The descriptor of a connection still in the listener's backlog (see onConnection). */
const UNACCEPTED = -2;

function oobRefused(family: number, to: { host: string } | null): boolean {
  return family === C.AF_INET || (to !== null && v4Mapped(to.host));
}

function resolvedCount(n: number): Promise<number> {
  if (n !== lastCount) {
    lastCount = n;
    lastCountPromise = Promise.resolve(n);
  }
  return lastCountPromise;
}

/** Stands in for the connection of a never-connected socket after shutdown(): reads give EOF. */
const SHUT_CONN = {
  size: 0,
  eof: true,
  readShut: true,
  takeError: () => null,
} as unknown as StreamConn;

/** CPython's TypeError for a one-argument method (METH_O) called with another count. */
function oneArgument(method: string, given: number): TypeError {
  return new TypeError(`socket.${method}() takes exactly one argument (${given} given)`);
}
