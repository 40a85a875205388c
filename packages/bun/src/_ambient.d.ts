// Minimal ambient types for what Bun provides beyond ES2023 and this adapter uses
// (packages/bun has neither @types/node nor @types/bun). Functions and interface
// methods only, so they merge as overloads, not clash, in a program that also loads
// @types/node or the DOM lib. Not referenced by the emitted index.d.ts.
declare module "node:dns/promises" {
  export function lookup(
    hostname: string,
    options: { all: true; family: number; verbatim: boolean },
  ): Promise<{ address: string; family: number }[]>;
  export function lookupService(address: string, port: number): Promise<{ hostname: string; service?: string }>;
}
declare module "node:os" {
  export function hostname(): string;
}
declare module "node:fs" {
  export function readdirSync(path: string): string[];
  export function readFileSync(path: string, encoding: "utf8"): string;
}
/** Used by core's contract (`ConnectOptions.signal`). */
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: any;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}
/** Bun's: runs `f` on the next turn of the event loop, after the I/O callbacks of this one. */
declare function setImmediate(f: () => void): unknown;
