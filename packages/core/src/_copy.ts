// Bytes core keeps that are not yet its own: what an adapter read into memory it reuses
// (StreamHandlers.onData / DatagramHandlers.onMessage with `reused`), the app's buffer a send
// reports sent before the runtime is done with it, and strings sent as UTF-8. Copies share
// blocks, as Node's Buffer pool does: a fresh ArrayBuffer per copy (allocation, zero-fill, GC
// tracking) cost Deno's UDP echo 7%, Node's 1 KiB ping-pong 6% and Deno's 8 KiB ping-pong 13%
// in A/B runs.

/** A pool of blocks: copies up to `max` bytes are views into the current block. */
class Pool {
  /** The current block: none until the first copy (`used` says it is full). */
  private block = new Uint8Array(0);
  private used: number;

  constructor(
    private readonly size: number,
    readonly max: number,
  ) {
    this.used = size;
  }

  /** `s` as UTF-8 in the current block (at most `max` bytes: `s.length * 3 <= max`). */
  encode(s: string): Uint8Array {
    if (this.used + s.length * 3 > this.size) {
      this.block = new Uint8Array(this.size);
      this.used = 0;
    }
    const at = this.used;
    const n = encoder.encodeInto(s, this.block.subarray(at)).written;
    this.used += (n + 7) & ~7;
    return this.block.subarray(at, at + n);
  }

  copy(src: Uint8Array): Uint8Array {
    const n = src.length;
    if (this.used + n > this.size) {
      this.block = new Uint8Array(this.size);
      this.used = 0;
    }
    const at = this.used;
    this.block.set(src, at);
    this.used += (n + 7) & ~7; // 8-byte aligned, as typed-array views of any element size want
    return this.block.subarray(at, at + n);
  }
}

/** Up to 4 KiB in 8 KiB blocks (Node's Buffer pool)… */
const small = new Pool(8 * 1024, 4 * 1024);
/**
 * …up to 16 KiB in 64 KiB blocks: a kept copy keeps its block (at most 64 KiB), so larger
 * copies get an array of their own.
 */
const medium = new Pool(64 * 1024, 16 * 1024);

const encoder = new TextEncoder();
/**
 * Where a string's UTF-8 goes through the pool: V8's `TextEncoder.encode` allocates a fresh
 * array (~355 ns for 64 characters on Node and Deno; `encodeInto` a pooled block ~120). Bun's
 * own `encode` is quicker (~27 ns) than either.
 */
const encodePooled = !("Bun" in globalThis);

/**
 * `s` as UTF-8 bytes the caller owns: short strings (up to 1,365 characters, 4 KiB of UTF-8 at
 * most) as a view into a shared block, like {@link copyOut}'s copies.
 */
export function encodeOut(s: string): Uint8Array {
  return encodePooled && s.length * 3 <= small.max ? small.encode(s) : encoder.encode(s);
}

/**
 * A copy of `src` that the caller owns (never written again by the adapter). Copies of up to
 * 16 KiB are views into a shared block: keeping one alive keeps its block, like a Node Buffer.
 */
export function copyOut(src: Uint8Array): Uint8Array {
  const n = src.length;
  // (An empty datagram: no block needed, and the pool's first block does not exist yet.)
  if (n === 0) return new Uint8Array(0);
  if (n <= small.max) return small.copy(src);
  if (n <= medium.max) return medium.copy(src);
  return src.slice();
}
