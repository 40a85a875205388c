// The few web globals Deno provides that this package (and core's contract) name; the
// ES2023 lib has none of them, and the DOM lib would bring far more. Declared exactly as
// lib.dom.d.ts does, so the two merge if a project also loads DOM types.
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: any;
  throwIfAborted(): void;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}
declare function setTimeout(handler: () => void, timeout?: number): number;
