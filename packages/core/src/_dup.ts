// dup(), detach(), socket(fileno=…) and fromfd(): several descriptor numbers (and socket objects)
// sharing one connection, as dup(2) makes them share one open file. The socket first created
// ("holder") keeps the shared state in its fields; a socket made by dup() is an alias whose
// fields read and write the holder's, except those each socket object has for itself (its
// number, timeout, closed flag, makefile files). The connection is released when the last
// number sharing it is closed.
import { ownerOf } from "./_fds.js";

/** A socket's fields that are its own, not the connection's (Python keeps them per object too). */
const PER_OBJECT: ReadonlySet<string> = new Set(["_fd", "fdShared", "_timeout", "_closed", "inheritable", "files", "filesTouched", "_proto"]);

/** Set once any socket was shared: until then closing a socket checks nothing here. */
export let sharing = false;

/** Alias → holder. Only dup()'d sockets are here: ordinary sockets cost nothing. */
const holders = new WeakMap<object, object>();
/** Holder → how many numbers (open sockets and detached numbers) share its state, when more than one ever did. */
const shares = new WeakMap<object, { n: number }>();
/** Numbers that hold a connection without a socket object: detach()'s, socket.dup(fd)'s. */
const detached = new Map<number, object>();

/** The socket whose fields hold `s`'s connection. */
function holderOf<T extends object>(s: T): T {
  return (holders.get(s) as T | undefined) ?? s;
}

/** A new socket object sharing `s`'s connection (the caller sets its own fields, {@link PER_OBJECT}). */
export function alias<T extends object>(s: T): T {
  const h = holderOf(s);
  const a = Object.create(Object.getPrototypeOf(h)) as T;
  const fields = h as Record<string, unknown>;
  // Own fields and the defaults on the prototype (fields not set yet: see the end of socket.ts).
  for (const k in h) {
    if (PER_OBJECT.has(k)) continue;
    Object.defineProperty(a, k, {
      get: () => fields[k],
      set: (v: unknown) => {
        fields[k] = v;
      },
      configurable: true,
    });
  }
  holders.set(a, h);
  return a;
}

/** One more number shares `s`'s connection. */
export function addShare(s: object): void {
  sharing = true;
  const h = holderOf(s);
  const c = shares.get(h);
  if (c === undefined) shares.set(h, { n: 2 });
  else c.n++;
}

/** A number sharing `s`'s connection is closed: true when it was the last (release the connection). */
export function dropShare(s: object): boolean {
  const c = shares.get(holderOf(s));
  return c === undefined || --c.n === 0;
}

/** Some number still shares `s`'s connection (after `s` itself was closed: another one). */
export function stillShared(s: object): boolean {
  const c = shares.get(holderOf(s));
  return c !== undefined && c.n > 0;
}

/** `fd` keeps `s`'s connection without a socket object (until adopted or closed). */
export function keepDetached(fd: number, s: object): void {
  sharing = true;
  detached.set(fd, holderOf(s));
}

/** The connection (its holder) a detached number keeps, removed from the table if `take`. */
export function detachedHolder<T extends object>(fd: number, take: boolean): T | undefined {
  const h = detached.get(fd) as T | undefined;
  if (take) detached.delete(fd);
  return h;
}

/** Numbers two socket objects hold at once (`socket.socket(fileno=s.fileno())`): how many objects beyond the first. */
const numberRefs = new Map<number, number>();

/** Another socket object takes number `fd` while its socket stays open. */
export function shareNumber(fd: number): void {
  sharing = true;
  numberRefs.set(fd, (numberRefs.get(fd) ?? 0) + 1);
}

/** A socket object with number `fd` closed: true when no other object holds the number (it is free). */
export function dropNumber(fd: number): boolean {
  const n = numberRefs.get(fd);
  if (n === undefined) return true;
  if (n === 1) numberRefs.delete(fd);
  else numberRefs.set(fd, n - 1);
  return false;
}

/** The open socket whose number is `n` (one that handed it out by fileno()), or undefined. */
export function openSocketAt<T extends { fileno(): number }>(n: number): T | undefined {
  const s = n >= 0 && n <= 0x7fffffff ? ownerOf<T>(n) : undefined;
  return s !== undefined && s.fileno() === n ? s : undefined;
}
