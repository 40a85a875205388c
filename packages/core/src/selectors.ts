// Python's `selectors` module over polysock sockets: register sockets with the events to
// wait for, then `select()` which of them are ready — as the DefaultSelector of a Python
// multi-connection server uses it.
import { PyList, PyTuple, pyRepr, tuple } from "./address.js";
import { objectRepr } from "./_repr.js";
import { pyTypeName } from "./bytes.js";
import { errno as E } from "./errno.js";
import { AttributeError, KeyError, OverflowError, RuntimeError, ValueError, oserror } from "./errors.js";
import { closeFd, newFd } from "./_fds.js";
import { Socket } from "./socket.js";
import { SetChanges, readySockets, socketAt } from "./select.js";

// Node 20 has Symbol.dispose; older engines get the well-known fallback tsx/esbuild use.
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for("Symbol.dispose");

/** `selectors.EVENT_READ`: the socket has something for recv/accept. */
export const EVENT_READ = 1;
/** `selectors.EVENT_WRITE`: the socket can be written. */
export const EVENT_WRITE = 2;

/** `events` as Python's selectors check them (`events & ~(EVENT_READ | EVENT_WRITE)`). */
function checkEvents(events: unknown): void {
  // CPython: `if (not events) or (events & ~(EVENT_READ | EVENT_WRITE))` (a bool is an int).
  if (!events) throw new ValueError(`Invalid events: ${pyRepr(events)}`);
  if (!isInt(events)) throw new TypeError(`unsupported operand type(s) for &: '${pyTypeName(events)}' and 'int'`);
  const n = Number(events);
  if (n < 0 || n > (EVENT_READ | EVENT_WRITE)) throw new ValueError(`Invalid events: ${pyRepr(events)}`); // (a negative int has every bit)
}

/** A Python int (a bool is one). */
const isInt = (v: unknown): v is number | boolean => typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v));

/** Python's builtin `KeyError` (also `socket.KeyError`): a socket registered twice, or not registered. */
export { KeyError };

/** What a selector registers, as Python's: a socket, its fd, or an object with `fileno()`. */
export type FileObject = Socket | number | { fileno(): number };

/**
 * `selectors.SelectorKey(fileobj, fd, events, data)`: a tuple with those names as fields.
 * `data` is whatever was registered with the socket (Python's `key.data`); `fileobj` is what
 * was registered (typed as a socket, the common case).
 */
export interface SelectorKey<T = unknown> extends ReadonlyArray<unknown> {
  readonly fileobj: Socket;
  readonly fd: number;
  readonly events: number;
  readonly data: T;
}

function makeKey<T>(fileobj: unknown, fd: number, events: number, data: T): SelectorKey<T> {
  const key = tuple(fileobj, fd, events, data) as unknown as PyTuple & Record<string, unknown>;
  const print = (): string => `SelectorKey(fileobj=${String(fileobj)}, fd=${fd}, events=${pyRepr(events)}, data=${pyRepr(data)})`;
  Object.defineProperties(key, {
    fileobj: { value: fileobj, enumerable: false },
    fd: { value: fd, enumerable: false },
    events: { value: events, enumerable: false },
    data: { value: data, enumerable: false },
    toString: { value: print, enumerable: false },
    [Symbol.for("nodejs.util.inspect.custom")]: { value: print, enumerable: false },
  });
  return key as unknown as SelectorKey<T>;
}

/**
 * What `sel.get_map()` returns: the registered keys, looked up by socket or by fd (Python's
 * `m[sock]`, `sock in m`); iterating gives the fds, as Python's mapping does.
 */
export class SelectorMapping<T = unknown> implements Iterable<number> {
  /** @internal `fdOf`: the selector's own lookup (Python's `_fileobj_lookup`), `undefined` for an invalid object. */
  constructor(
    private readonly map: Map<number, SelectorKey<T>>,
    private readonly fdOf: (x: FileObject) => number | undefined,
  ) {}

  /** Like `m.get(fileobj)`: the key, or `undefined`. */
  get(x: FileObject): SelectorKey<T> | undefined {
    const fd = this.fdOf(x);
    return fd === undefined ? undefined : this.map.get(fd);
  }

  /** Like `fileobj in m`. */
  has(x: FileObject): boolean {
    return this.get(x) !== undefined;
  }

  /** Like `len(m)`. */
  get size(): number {
    return this.map.size;
  }

  /** The registered fds. */
  keys(): IterableIterator<number> {
    return this.map.keys();
  }

  /** The registered keys. */
  values(): IterableIterator<SelectorKey<T>> {
    return this.map.values();
  }

  /** `[fd, key]` pairs. */
  entries(): IterableIterator<[number, SelectorKey<T>]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<number> {
    return this.map.keys();
  }
}

/** A selector, as `selectors.DefaultSelector()` makes it (Python's `BaseSelector` methods). */
export class Selector<T = unknown> {
  /**
   * @param kind which of Python's selectors this is: they differ only for a socket closed while
   * registered (epoll forgets it; poll reports it ready; select raises EBADF, or reports it
   * ready if it was closed while select waited).
   */
  constructor(private readonly kind: "epoll" | "poll" | "select" = "epoll") {
    // An EpollSelector opens an epoll object: a descriptor, which numbers the sockets made after it.
    this.fd = kind === "epoll" ? newFd() : -1;
    // An epoll set sees sockets registered while it waits; poll(2) and select(2) watch the sets they were given.
    this.changes = kind === "epoll" ? new SetChanges() : null;
  }

  private readonly changes: SetChanges | null;

  /** The epoll object's descriptor (EpollSelector); -1 once closed, and for the other kinds. */
  private fd: number;

  private readonly keys = new Map<number, SelectorKey<T>>();
  /** The socket each registered fd had when registered. */
  private readonly socks = new Map<number, Socket>();
  private closed = false;
  /** What a closed PollSelector or SelectSelector still watches (see close()). */
  private ghosts: Map<number, { sock: Socket; events: number }> | null = null;

  /** A closed EpollSelector has closed its epoll object; CPython's poll and select ones go on working (get_map() is None). */
  private checkOpen(): void {
    if (this.closed && this.kind === "epoll") throw new ValueError("I/O operation on closed epoll object");
  }

  /**
   * The fd of `fileobj` as Python's `_fileobj_lookup`: an int, or what `fileno()` returns;
   * a closed socket's (or an object's whose fileno() fails) is looked up by identity.
   */
  private fdOf(fileobj: unknown): number {
    let fd: unknown;
    if (typeof fileobj === "number" && Number.isInteger(fileobj)) fd = fileobj;
    else if (fileobj !== null && typeof fileobj === "object" && typeof (fileobj as { fileno?: unknown }).fileno === "function") {
      try {
        fd = (fileobj as { fileno(): unknown }).fileno();
      } catch (e) {
        // A closed file's ValueError makes it an invalid file object; an OSError goes on (as Python's).
        if (!(e instanceof ValueError || e instanceof TypeError)) throw e;
        fd = undefined;
      }
      if (typeof fd !== "number" || !Number.isInteger(fd)) fd = this.registeredAs(fileobj) ?? fd;
      if (typeof fd !== "number" || !Number.isInteger(fd)) throw new ValueError(`Invalid file object: ${pyRepr(fileobj)}`);
    } else throw new ValueError(`Invalid file object: ${pyRepr(fileobj)}`);
    const n = fd as number;
    if (n >= 0) return n;
    const k = this.registeredAs(fileobj);
    if (k !== undefined) return k;
    throw new ValueError(`Invalid file descriptor: ${n}`);
  }

  /** {@link fdOf}, or `undefined` where it says the object is no file object (get_map()'s lookups). */
  private lookup(fileobj: unknown): number | undefined {
    try {
      return this.fdOf(fileobj);
    } catch (e) {
      if (e instanceof ValueError) return undefined;
      throw e;
    }
  }

  private registeredAs(fileobj: unknown): number | undefined {
    for (const [k, key] of this.keys) if (key.fileobj === fileobj) return k;
    return undefined;
  }

  /**
   * Like `key = sel.register(fileobj, events, data=None)`: a socket, its fd, or an object with `fileno()`.
   * @throws ValueError `Invalid events: 0` or an invalid file object; KeyError if already registered;
   * OSError `[Errno 9]` for an fd of no open socket.
   */
  register(fileobj: FileObject, events: number, data: T = null as T): SelectorKey<T> {
    checkEvents(events);
    this.checkOpen();
    const fd = this.fdOf(fileobj);
    if (this.keys.has(fd)) throw new KeyError(`${pyRepr(fileobj)} (FD ${fd}) is already registered`);
    // epoll_ctl(2) refuses an fd that is not open.
    const sock = socketAt(fd);
    if (sock === undefined) throw oserror(E.EBADF);
    const key = makeKey(fileobj, fd, events, data);
    this.keys.set(fd, key);
    this.socks.set(fd, sock);
    this.ghosts?.delete(fd); // (poll.register of the fd again, after close)
    this.changes?.changed();
    return key;
  }

  /**
   * Like `key = sel.unregister(fileobj)` (also for a socket closed since).
   * @throws KeyError if not registered; ValueError for what is neither registered nor a file object; RuntimeError once closed.
   */
  unregister(fileobj: FileObject): SelectorKey<T> {
    const fd = this.fdOf(fileobj); // ValueError for what is neither registered nor a file object
    const key = this.keys.get(fd);
    if (key === undefined) throw new KeyError(`${pyRepr(fileobj)} is not registered`);
    this.keys.delete(fd);
    this.socks.delete(fd);
    return key;
  }

  /**
   * Like `key = sel.modify(fileobj, events, data=None)` (events `0`: kept, never ready, as epoll's).
   * @throws KeyError if not registered; TypeError for non-int events; OSError `[Errno 9]` (and the key is
   * dropped) for new events on a socket closed since.
   */
  modify(fileobj: FileObject, events: number, data: T = null as T): SelectorKey<T> {
    const old = this.keys.get(this.fdOf(fileobj)); // ValueError for what is neither registered nor a file object
    if (old === undefined) throw new KeyError(`${pyRepr(fileobj)} is not registered`);
    if (events !== old.events) {
      if (!isInt(events)) throw new TypeError(`unsupported operand type(s) for &: '${pyTypeName(events)}' and 'int'`);
      if (this.socks.get(old.fd)?.fileno() !== old.fd) {
        // epoll_ctl(2) fails on a closed descriptor; Python's selector then forgets it.
        this.keys.delete(old.fd);
        this.socks.delete(old.fd);
        throw oserror(E.EBADF);
      }
    }
    if (events === old.events && data === old.data) return old;
    this.checkOpen();
    const key = makeKey(old.fileobj, old.fd, events, data);
    this.keys.set(old.fd, key);
    if (events !== old.events) this.changes?.changed();
    return key;
  }

  /**
   * Like `events = sel.select(timeout=None)`: `[key, mask]` pairs of the registered sockets
   * that are ready (`mask` is what of `key.events` is), in an array that prints as Python's list.
   * `null` waits with no limit; `0` or less only looks.
   */
  async select(timeout: number | null = null): Promise<[SelectorKey<T>, number][]> {
    const t = selectTimeout(this.kind, timeout);
    this.checkOpen();
    const deadline = t === null ? 0 : Date.now() + t * 1000;
    for (;;) {
      const r: Socket[] = [];
      const w: Socket[] = [];
      let closed = false;
      const watch = (fd: number, sock: Socket, events: number): void => {
        if (sock.fileno() !== fd) {
          // Closed since registered: epoll forgot it; select(2) raises EBADF; poll(2) reports POLLNVAL at once.
          if (this.kind === "select") throw oserror(E.EBADF);
          closed = true;
          return;
        }
        if (events & EVENT_READ) r.push(sock);
        if (events & EVENT_WRITE) w.push(sock);
      };
      for (const [fd, key] of this.keys) watch(fd, this.socks.get(fd)!, key.events);
      if (this.ghosts !== null) for (const [fd, g] of this.ghosts) watch(fd, g.sock, g.events);
      const left = closed && this.kind === "poll" ? 0 : t === null ? null : Math.max(0, (deadline - Date.now()) / 1000);
      const gen = this.changes?.gen ?? 0;
      const [rl, wl] = await readySockets(r, r, w, w, left, this.changes);
      const rr = new Set(rl);
      const ww = new Set(wl);
      // A socket of a closed selector's poll set is ready (or closed): CPython's select returns, finding no key for it.
      if (this.ghosts !== null) for (const g of this.ghosts.values()) if (rr.has(g.sock) || ww.has(g.sock) || g.sock.fileno() < 0) closed = true;
      const out = new PyList<[SelectorKey<T>, number]>(); // prints as Python's list
      for (const [fd, key] of this.keys) {
        const sock = this.socks.get(fd)!;
        let mask = (rr.has(sock) ? EVENT_READ : 0) | (ww.has(sock) ? EVENT_WRITE : 0);
        // Closed (before or during the wait): poll and select report it as ready for what was asked; epoll forgets it.
        if (sock.fileno() !== fd) mask = this.kind === "epoll" ? 0 : key.events & (EVENT_READ | EVENT_WRITE);
        if (mask !== 0) out.push(tuple(key, mask) as [SelectorKey<T>, number]);
      }
      // Only a socket closed meanwhile woke the wait: wait on for the rest of the timeout.
      const changed = this.changes !== null && this.changes.gen !== gen; // a socket registered meanwhile: look again
      if (out.length > 0 || (closed && this.ghosts !== null) || (rr.size === 0 && ww.size === 0 && !changed) || (t !== null && Date.now() >= deadline)) return out;
    }
  }

  /**
   * Like `sel.get_key(fileobj)`.
   * @throws KeyError if not registered; ValueError for what is neither registered nor a file object.
   */
  get_key(fileobj: FileObject): SelectorKey<T> {
    if (this.closed) throw new RuntimeError("Selector is closed");
    const key = this.keys.get(this.fdOf(fileobj)); // ValueError for what is neither registered nor a file object
    if (key === undefined) throw new KeyError(`${pyRepr(fileobj)} is not registered`);
    return key;
  }

  /** Like `sel.get_map()`: the registered keys by socket or fd; `null` once closed. */
  get_map(): SelectorMapping<T> | null {
    return this.closed ? null : new SelectorMapping(this.keys, (x) => this.lookup(x));
  }

  /**
   * Like `sel.close()`: forgets every socket (it does not close them). CPython's PollSelector and
   * SelectSelector keep their poll set: select() on a closed one returns `[]` as soon as one of
   * the sockets registered at close is ready (their keys are gone), and waits only if none is.
   */
  close(): void {
    if (this.fd >= 0) closeFd(this.fd);
    this.fd = -1;
    if (this.kind !== "epoll")
      for (const [fd, key] of this.keys) (this.ghosts ??= new Map()).set(fd, { sock: this.socks.get(fd)!, events: key.events });
    this.keys.clear();
    this.socks.clear();
    this.closed = true;
  }

  /**
   * Like `sel.fileno()` of an EpollSelector: its epoll object's descriptor.
   * @throws ValueError once closed; AttributeError for a PollSelector or SelectSelector (they have none).
   */
  fileno(): number {
    if (this.kind !== "epoll") throw new AttributeError(`'${KIND_NAMES[this.kind]}' object has no attribute 'fileno'`);
    this.checkOpen();
    return this.fd;
  }

  /** `with selectors.DefaultSelector() as sel:` → `using sel = selectors.DefaultSelector()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Like `repr(sel)`: `<selectors.EpollSelector object at 0x7f…>`. */
  toString(): string {
    return objectRepr(`selectors.${KIND_NAMES[this.kind]}`, this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** The CPython class of each kind of selector. */
const KIND_NAMES = { epoll: "EpollSelector", poll: "PollSelector", select: "SelectSelector" } as const;


/** `selectors.DefaultSelector` (also `SelectSelector`, `PollSelector`, `EpollSelector`): call it with or without `new`. */
export interface SelectorConstructor {
  <T = unknown>(): Selector<T>;
  new <T = unknown>(): Selector<T>;
  readonly prototype: Selector;
}

/**
 * Like `sel = selectors.DefaultSelector()`: call it with or without `new`.
 * @example The multi-connection server of Python's socket tutorials
 * ```ts
 * const sel = selectors.DefaultSelector();
 * lsock.setblocking(false);
 * sel.register(lsock, selectors.EVENT_READ, null);
 * for (;;) {
 *   for (const [key, mask] of await sel.select(null)) {
 *     if (key.data === null) acceptWrapper(key.fileobj);
 *     else await serviceConnection(key, mask);
 *   }
 * }
 * ```
 */
export const DefaultSelector = selectorKind("epoll"); // named EpollSelector, as CPython's
export { DefaultSelector as EpollSelector };

/** Like `selectors.PollSelector()`: as DefaultSelector, but a socket closed while registered is reported ready. */
export const PollSelector = selectorKind("poll");

/**
 * Like `selectors.SelectSelector()`: as DefaultSelector, but select() raises `[Errno 9]` for a
 * socket closed while registered (one closed while select waits is reported ready).
 */
export const SelectSelector = selectorKind("select");

/**
 * A selector's `select(timeout)` in seconds (`null`: no limit), converted as each of CPython's
 * selectors does before its system call, with their errors: epoll and poll round up to
 * milliseconds (`timeout <= 0`, then math.ceil), select takes `max(timeout, 0)`.
 */
function selectTimeout(kind: "epoll" | "poll" | "select", timeout: unknown): number | null {
  if (timeout === null || timeout === undefined) return null;
  const v = typeof timeout === "boolean" ? Number(timeout) : timeout;
  if (typeof v !== "number") {
    const name = pyTypeName(timeout);
    throw new TypeError(kind === "select" ? `'>' not supported between instances of 'int' and '${name}'` : `'<=' not supported between instances of '${name}' and 'int'`);
  }
  if (kind === "select") {
    if (Number.isNaN(v)) throw new ValueError("Invalid value NaN (not a number)");
  } else if (Number.isNaN(v)) throw new ValueError("cannot convert float NaN to integer");
  if (v <= 0) return 0;
  if (kind !== "select") {
    // math.ceil(timeout * 1e3), then poll(2)'s or epoll_wait(2)'s C int of milliseconds (through int64 nanoseconds).
    if (v === Infinity) throw new OverflowError("cannot convert float infinity to integer");
    const ms = Math.ceil(v * 1000);
    if (kind === "poll" && ms > 9223372036854.775) throw new OverflowError("timestamp too large to convert to C _PyTime_t");
    if (kind === "epoll" && v > 9223372036.854775) throw new OverflowError("timestamp out of range for platform time_t");
    if (ms > 2147483647) throw new OverflowError("timeout is too large");
    return ms / 1000;
  }
  if (v > 9223372036.854775) throw new OverflowError("timestamp out of range for platform time_t");
  return v;
}

/** A selector class of one kind, callable with or without `new` (`instanceof` works for all kinds). */
function selectorKind(kind: "epoll" | "poll" | "select"): SelectorConstructor {
  const make = function <T>(): Selector<T> {
    return new Selector<T>(kind);
  } as unknown as SelectorConstructor;
  (make as unknown as { prototype: Selector }).prototype = Selector.prototype;
  Object.defineProperty(make, "name", { value: KIND_NAMES[kind] });
  return make;
}
