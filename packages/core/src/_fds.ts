// File descriptor numbers of polysock sockets, as `sock.fileno()` reports them, and which
// open socket has which: select(), poll() and selectors take an int fd or any object with a
// fileno() method, as Python's do. A socket is findable by its number once a program has
// asked for it (`fileno()`: the only way to learn it), so others cost nothing. Sockets are
// held weakly (one dropped without close() may be collected, as CPython's collector closes it).

const live = new Map<number, WeakRef<object>>();
let next = 3;
/** Sweep entries of collected sockets once the map reaches this size. */
let sweepAt = 1024;

/** A new descriptor number. */
export function newFd(): number {
  return next++;
}

/** `owner`'s descriptor `fd` was handed out: make it findable by {@link ownerOf}. */
export function shareFd(fd: number, owner: object): void {
  live.set(fd, new WeakRef(owner));
  if (live.size >= sweepAt) sweep();
}

/** `fd` is closed. */
export function closeFd(fd: number): void {
  live.delete(fd);
}

/** The open socket with descriptor `fd`, if any. */
export function ownerOf<T extends object>(fd: number): T | undefined {
  return live.get(fd)?.deref() as T | undefined;
}

function sweep(): void {
  for (const [fd, ref] of live) if (ref.deref() === undefined) live.delete(fd);
  sweepAt = Math.max(1024, live.size * 2);
}
