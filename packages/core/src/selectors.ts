// Python's `selectors` module over polysock sockets: register sockets with the events to
// wait for, then `select()` which of them are ready — as the DefaultSelector of a Python
// multi-connection server uses it.
import { PyTuple, pyRepr, tuple } from "./address.js";
import { pyTypeName } from "./bytes.js";
import { PyException, ValueError } from "./errors.js";
import { Socket } from "./socket.js";
import { select as selectSockets } from "./select.js";

// Node 20 has Symbol.dispose; older engines get the well-known fallback tsx/esbuild use.
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for("Symbol.dispose");

/** `selectors.EVENT_READ`: the socket has something for recv/accept. */
export const EVENT_READ = 1;
/** `selectors.EVENT_WRITE`: the socket can be written. */
export const EVENT_WRITE = 2;

/** Python's `KeyError` (a socket registered twice, or not registered). */
export class KeyError extends PyException {}
Object.defineProperty(KeyError.prototype, "name", { value: "KeyError", writable: true, configurable: true });

/**
 * `selectors.SelectorKey(fileobj, fd, events, data)`: a tuple with those names as fields.
 * `data` is whatever was registered with the socket (Python's `key.data`).
 */
export interface SelectorKey<T = unknown> extends ReadonlyArray<unknown> {
  readonly fileobj: Socket;
  readonly fd: number;
  readonly events: number;
  readonly data: T;
}

function makeKey<T>(fileobj: Socket, fd: number, events: number, data: T): SelectorKey<T> {
  const key = tuple(fileobj, fd, events, data) as unknown as PyTuple & Record<string, unknown>;
  Object.defineProperties(key, {
    fileobj: { value: fileobj, enumerable: false },
    fd: { value: fd, enumerable: false },
    events: { value: events, enumerable: false },
    data: { value: data, enumerable: false },
    toString: {
      value: () => `SelectorKey(fileobj=${String(fileobj)}, fd=${fd}, events=${events}, data=${pyRepr(data)})`,
      enumerable: false,
    },
  });
  return key as unknown as SelectorKey<T>;
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
/**
 * What `sel.get_map()` returns: the registered keys, looked up by socket or by fd (Python's
 * `m[sock]`, `sock in m`); iterating gives the fds, as Python's mapping does.
 */
export class SelectorMapping<T = unknown> implements Iterable<number> {
  /** @internal */
  constructor(private readonly map: Map<number, SelectorKey<T>>) {}

  private fdOf(x: Socket | number): number | undefined {
    if (typeof x === "number") return x;
    for (const [fd, key] of this.map) if (key.fileobj === x) return fd;
    return undefined;
  }

  /** Like `m.get(fileobj)`: the key, or `undefined`. */
  get(x: Socket | number): SelectorKey<T> | undefined {
    const fd = this.fdOf(x);
    return fd === undefined ? undefined : this.map.get(fd);
  }

  /** Like `fileobj in m`. */
  has(x: Socket | number): boolean {
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

export class Selector<T = unknown> {
  private readonly keys = new Map<number, SelectorKey<T>>();
  private closed = false;

  private checkOpen(): void {
    if (this.closed) throw new ValueError("I/O operation on closed epoll object");
  }

  /** The fd a socket was registered with (a closed socket's is looked up by identity). */
  private fdOf(fileobj: unknown): number {
    if (!(fileobj instanceof Socket)) throw new ValueError(`Invalid file object: ${pyRepr(fileobj)}`);
    const fd = fileobj.fileno();
    if (fd >= 0) return fd;
    for (const [k, key] of this.keys) if (key.fileobj === fileobj) return k;
    throw new ValueError(`Invalid file descriptor: ${fd}`);
  }

  /**
   * Like `key = sel.register(fileobj, events, data=None)`.
   * @throws ValueError `Invalid events: 0`; KeyError if already registered.
   */
  register(fileobj: Socket, events: number, data: T = null as T): SelectorKey<T> {
    if (typeof events !== "number" || !Number.isInteger(events))
      throw new TypeError(`unsupported operand type(s) for &: '${pyTypeName(events)}' and 'int'`);
    if (!events || events & ~(EVENT_READ | EVENT_WRITE)) throw new ValueError(`Invalid events: ${pyRepr(events)}`);
    this.checkOpen();
    const fd = this.fdOf(fileobj);
    if (this.keys.has(fd)) throw new KeyError(`${String(fileobj)} (FD ${fd}) is already registered`);
    const key = makeKey(fileobj, fd, events, data);
    this.keys.set(fd, key);
    return key;
  }

  /**
   * Like `key = sel.unregister(fileobj)` (also for a socket closed since).
   * @throws KeyError if not registered.
   */
  unregister(fileobj: Socket): SelectorKey<T> {
    let fd: number;
    try {
      fd = this.fdOf(fileobj);
    } catch {
      fd = -1;
    }
    const key = this.keys.get(fd);
    if (key === undefined) throw new KeyError(`${String(fileobj)} is not registered`);
    this.keys.delete(fd);
    return key;
  }

  /** Like `key = sel.modify(fileobj, events, data=None)` (events `0`: kept, never ready, as epoll's). */
  modify(fileobj: Socket, events: number, data: T = null as T): SelectorKey<T> {
    const old = this.get_key(fileobj);
    if (events === old.events && data === old.data) return old;
    this.checkOpen();
    const key = makeKey(old.fileobj, old.fd, events, data);
    this.keys.set(old.fd, key);
    return key;
  }

  /**
   * Like `events = sel.select(timeout=None)`: `[key, mask]` pairs of the registered sockets
   * that are ready (`mask` is what of `key.events` is). `null` waits with no limit; `0` or
   * less only looks.
   */
  async select(timeout: number | null = null): Promise<[SelectorKey<T>, number][]> {
    if (timeout !== null && timeout !== undefined && typeof timeout !== "number")
      throw new TypeError("timeout must be a float or None");
    this.checkOpen();
    const t = timeout === null || timeout === undefined ? null : Math.max(timeout, 0);
    const deadline = t === null ? 0 : Date.now() + t * 1000;
    for (;;) {
      const r: Socket[] = [];
      const w: Socket[] = [];
      for (const key of this.keys.values()) {
        if (key.fileobj.fileno() < 0) continue; // closed: the kernel forgot it, so does select
        if (key.events & EVENT_READ) r.push(key.fileobj);
        if (key.events & EVENT_WRITE) w.push(key.fileobj);
      }
      const left = t === null ? null : Math.max(0, (deadline - Date.now()) / 1000);
      const [rr, ww] = await selectSockets(r, w, [], left);
      const out: [SelectorKey<T>, number][] = [];
      for (const key of this.keys.values()) {
        if (key.fileobj.fileno() < 0) continue; // closed during the wait: epoll forgets it
        const mask = (rr.includes(key.fileobj) ? EVENT_READ : 0) | (ww.includes(key.fileobj) ? EVENT_WRITE : 0);
        if (mask !== 0) out.push(tuple(key, mask) as [SelectorKey<T>, number]);
      }
      // Only a socket closed meanwhile woke the wait: wait on for the rest of the timeout.
      if (out.length > 0 || (rr.length === 0 && ww.length === 0) || (t !== null && Date.now() >= deadline)) return out;
    }
  }

  /**
   * Like `sel.get_key(fileobj)`.
   * @throws KeyError if not registered.
   */
  get_key(fileobj: Socket): SelectorKey<T> {
    let key: SelectorKey<T> | undefined;
    try {
      key = this.keys.get(this.fdOf(fileobj));
    } catch {
      key = undefined;
    }
    if (key === undefined) throw new KeyError(`${String(fileobj)} is not registered`);
    return key;
  }

  /** Like `sel.get_map()`: the registered keys by socket or fd; `null` once closed. */
  get_map(): SelectorMapping<T> | null {
    return this.closed ? null : new SelectorMapping(this.keys);
  }

  /** Like `sel.close()`: forgets every socket (it does not close them). */
  close(): void {
    this.keys.clear();
    this.closed = true;
  }

  /** `with selectors.DefaultSelector() as sel:` → `using sel = selectors.DefaultSelector()`. */
  [Symbol.dispose](): void {
    this.close();
  }
}


/** `selectors.DefaultSelector` (also `SelectSelector`, `PollSelector`, `EpollSelector`): call it with or without `new`. */
export interface SelectorConstructor {
  <T = unknown>(): Selector<T>;
  new <T = unknown>(): Selector<T>;
  readonly prototype: Selector;
}

export const DefaultSelector = function DefaultSelector<T>(): Selector<T> {
  return new Selector<T>();
} as unknown as SelectorConstructor;
(DefaultSelector as unknown as { prototype: Selector }).prototype = Selector.prototype;
export { DefaultSelector as SelectSelector, DefaultSelector as PollSelector, DefaultSelector as EpollSelector };
