// File descriptor numbers of polysock sockets, as `sock.fileno()` reports them, and which
// open socket has which: select(), poll() and selectors take an int fd or any object with a
// fileno() method, as Python's do. A socket is findable by its number once a program has
// asked for it (`fileno()`: the only way to learn it), so others cost nothing. Sockets are
// held weakly (one dropped without close() may be collected, as CPython's collector closes it).

const live = new Map<number, WeakRef<object>>();
let next = 3;
/** Numbers of closed sockets, a min-heap: the lowest is handed out again first, as the OS does. */
const free: number[] = [];
/** Sweep entries of collected sockets once the map reaches this size. */
let sweepAt = 1024;

/** A new descriptor number: the lowest one free (after 0–2, stdin/stdout/stderr). */
export function newFd(): number {
  const n = free.length;
  if (n === 0) return next++;
  const top = free[0]!;
  const last = free.pop()!;
  if (n > 1) {
    // sift `last` down from the root
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n - 1) break;
      const c = l + 1 < n - 1 && free[l + 1]! < free[l]! ? l + 1 : l;
      if (free[c]! >= last) break;
      free[i] = free[c]!;
      i = c;
    }
    free[i] = last;
  }
  return top;
}

/** `owner`'s descriptor `fd` was handed out: make it findable by {@link ownerOf}. */
export function shareFd(fd: number, owner: object): void {
  live.set(fd, new WeakRef(owner));
  if (live.size >= sweepAt) sweep();
}

/** `fd` is closed: its number may be handed out again. */
export function closeFd(fd: number): void {
  live.delete(fd);
  let i = free.length;
  free.push(fd);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (free[p]! <= fd) break;
    free[i] = free[p]!;
    i = p;
  }
  free[i] = fd;
}

/** The open socket with descriptor `fd`, if any. */
export function ownerOf<T extends object>(fd: number): T | undefined {
  return live.get(fd)?.deref() as T | undefined;
}

function sweep(): void {
  for (const [fd, ref] of live) if (ref.deref() === undefined) live.delete(fd);
  sweepAt = Math.max(1024, live.size * 2);
}
