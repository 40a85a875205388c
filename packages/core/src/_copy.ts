// Bytes an adapter read into memory it reuses (StreamHandlers.onData / DatagramHandlers.onMessage
// with `reused`), copied out for core to keep. Small ones share blocks, as Node's Buffer pool
// does: a fresh ArrayBuffer per copy (allocation, zero-fill, GC tracking) cost Deno's UDP echo 7%
// and Node's 1 KiB ping-pong 6% in A/B runs.

/** Block size; copies up to half of it share a block. */
const BLOCK = 8 * 1024;
let block = new Uint8Array(BLOCK);
let used = 0;

/**
 * A copy of `src` that the caller owns (never written again by the adapter). Small copies
 * are views into a shared block: keeping one alive keeps its 8 KiB block, like a Node Buffer.
 */
export function copyOut(src: Uint8Array): Uint8Array {
  const n = src.length;
  if (n > BLOCK / 2) return src.slice();
  if (used + n > BLOCK) {
    block = new Uint8Array(BLOCK);
    used = 0;
  }
  block.set(src, used);
  const out = block.subarray(used, used + n);
  used += (n + 7) & ~7; // 8-byte aligned, as typed-array views of any element size want
  return out;
}
