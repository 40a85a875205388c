// Steady memory for bulk transfers on V8 runtimes that allocate ArrayBuffers with glibc's
// malloc (Node, Deno). Every read hands over a fresh 64 KiB buffer; they die together at
// the next scavenge (~25 MiB at a time at 1 GB/s). With glibc's initial trim threshold
// (128 KiB) those frees often return the top of the heap to the OS, and the next reads
// fault every page back in: measured 30–120 page faults per MiB and half the throughput,
// in raw Node servers too, by luck of the heap layout. glibc raises its thresholds by
// itself once a large mmapped block is freed (mmap threshold = its size, trim threshold
// = twice that); one short-lived block just under its 32 MiB ceiling does that at once.
// The block is never touched (calloc'd pages stay unmapped), so it costs no memory.
// Other allocators (musl, macOS) ignore it; Bun's engine has its own allocator, so the block
// would only cost it RSS (1.3 MiB measured): skipped there.

const BLOCK = 32 * 1024 * 1024 - 64 * 1024;
let done = false;

/** Once per process, when the first connection starts. */
export function tuneAllocator(): void {
  if (done) return;
  done = true;
  if ("Bun" in globalThis) return;
  try {
    void new ArrayBuffer(BLOCK);
  } catch {
    // no memory for it: nothing to tune
  }
}
