// dup(), detach(), socket(fileno=…) and fromfd(): several descriptor numbers (and socket objects)
// sharing one connection, as dup(2) makes them share one open file. The socket first created
// ("holder") keeps the shared state in its fields; a socket made by dup() is an alias whose
// fields read and write the holder's, except those each socket object has for itself (its
// number, timeout, closed flag, makefile files). The connection is released when the last
// number sharing it is closed.
//
// A number is one descriptor, as in CPython: several objects may hold it (socket(fileno=n) on an
// open one), or none (detach()'s, socket.dup(fd)'s). Closing it through any of them (or
// socket.close(n)) closes it for all: the others keep the number, and raise EBADF when used or
// closed. detach() only forgets the number.
import { ownerOf } from "./_fds.js";
import { getdefaulttimeout } from "./_timeout.js";

/** A socket's fields that are its own, not the connection's (Python keeps them per object too). */
const PER_OBJECT: ReadonlySet<string> = new Set(["_fd", "fdShared", "_timeout", "_closed", "numberLost", "lostWithFiles", "inheritable", "files", "filesTouched", "_proto"]);

/** What this file needs of a socket: its number, and a new object on a number sharing its connection. */
export interface Numbered<T> {
  fileno(): number;
  _alias(fd: number, timeout: number | null, proto: number): T;
}

/** Set once any socket was shared: until then closing a socket checks nothing here. */
export let sharing = false;

/** Alias → holder. Only dup()'d sockets are here: ordinary sockets cost nothing. */
const holders = new WeakMap<object, object>();
/** Holder → how many numbers share its state, when more than one ever did. */
const shares = new WeakMap<object, { n: number }>();

/** An open number held by no object or by several: its connection (holder) and the objects holding it. */
interface NumberEntry {
  holder: object;
  objects: object[];
}
/** Numbers detach() or socket.dup(fd) left, or that socket(fileno=n) made several objects hold. */
const numbers = new Map<number, NumberEntry>();

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

/** `s` lets go of its number `fd` (detach()), which stays open: kept by the other objects on it, or by none. */
export function keepDetached(fd: number, s: object): void {
  sharing = true;
  const e = numbers.get(fd);
  if (e === undefined) numbers.set(fd, { holder: holderOf(s), objects: [] });
  else e.objects = e.objects.filter((o) => o !== s);
}

/** The one open socket object holding number `n` (it handed the number out by fileno()), or undefined. */
function soleOwner<T extends object>(n: number): T | undefined {
  const s = n >= 0 && n <= 0x7fffffff ? ownerOf<T & { fileno(): number }>(n) : undefined;
  return s !== undefined && s.fileno() === n ? s : undefined;
}

/** Open number `n`'s entry; one made for it if a single socket holds it. */
function entryAt(n: number): NumberEntry | undefined {
  const e = numbers.get(n);
  if (e !== undefined) return e;
  const s = soleOwner(n);
  if (s === undefined) return undefined;
  const made = { holder: holderOf(s), objects: [s] };
  numbers.set(n, made);
  return made;
}

/**
 * A new socket object on open number `n` that holds it with the others, as `socket(fileno=n)`
 * (`timeout` and `proto` its own), or undefined if `n` is no open number.
 */
export function claimNumber<T extends Numbered<T>>(n: number, timeout: number | null, proto: number): T | undefined {
  const e = entryAt(n);
  if (e === undefined) return undefined;
  sharing = true;
  const s = (e.holder as T)._alias(n, timeout, proto);
  e.objects.push(s);
  return s;
}

/**
 * A socket object on open number `n` (one no other object knows: closing it closes the number
 * for all, as `socket.close(n)` does), or undefined if `n` is no open number.
 */
export function openSocketAt<T extends Numbered<T>>(n: number): T | undefined {
  const e = numbers.get(n);
  const h = e !== undefined ? (e.holder as T) : soleOwner<T>(n);
  if (h === undefined) return undefined;
  sharing = true;
  return h._alias(n, getdefaulttimeout(), -1);
}

/**
 * Number `fd` is closed through `s`: the other objects holding it, which keep the number but
 * lose the descriptor (the caller marks them).
 */
export function closeNumber<T extends object>(fd: number, s: T): T[] {
  const e = numbers.get(fd);
  if (e !== undefined) {
    numbers.delete(fd);
    return e.objects.filter((o) => o !== s) as T[];
  }
  const o = soleOwner<T>(fd);
  return o !== undefined && o !== s ? [o] : [];
}
