// SIGINT/SIGTERM on all three runtimes: `process.on` on Node and Bun, `Deno.addSignalListener` on Deno.

type Signal = "SIGINT" | "SIGTERM";

interface DenoSignals {
  addSignalListener(signal: Signal, handler: () => void): void;
  removeSignalListener(signal: Signal, handler: () => void): void;
}

/**
 * Call `handler` once, on the first SIGINT or SIGTERM; a later signal does nothing more.
 * Installing it replaces the runtime's default "die at once", so the program must exit itself.
 * @param handler what to do: typically close the listening socket, so the pending
 *   `accept()` / `recvfrom()` rejects and the main loop ends
 * @returns a function that removes the listeners again (Deno keeps none alive, Node and Bun neither)
 */
export function onShutdown(handler: (signal: Signal) => void): () => void {
  const deno = (globalThis as { Deno?: DenoSignals }).Deno;
  let fired = false;
  const listeners = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const listener = (): void => {
      if (fired) return;
      fired = true;
      handler(signal);
    };
    if (deno) deno.addSignalListener(signal, listener);
    else process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) {
      if (deno) deno.removeSignalListener(signal, listener);
      else process.off(signal, listener);
    }
  };
}

/** End the process with `code`, at once (like Python's `os._exit` after cleanup). */
export function exit(code: number): never {
  const deno = (globalThis as { Deno?: { exit(code: number): never } }).Deno;
  if (deno) deno.exit(code);
  process.exit(code);
}
