// Which adapter sockets use: the runtime's own (picked by package.json conditions on
// `#runtime`), or one the app chose with useAdapter().
import { adapter as runtimeAdapter } from "#runtime";
import type { Adapter } from "./contract.js";

let current: Adapter | null = null;

/**
 * Choose the adapter for sockets created from now on (e.g. the Node adapter under Bun).
 * @example
 * ```ts
 * import { useAdapter } from "@polysock/core";
 * import { adapter } from "@polysock/node";
 * useAdapter(adapter);
 * ```
 */
export function useAdapter(adapter: Adapter): void {
  current = adapter;
}

/** The adapter in use: the one from `useAdapter`, else the runtime's own. */
export function getAdapter(): Adapter {
  return (current ??= runtimeAdapter as Adapter);
}
