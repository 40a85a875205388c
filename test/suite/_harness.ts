// A tiny test registry that runs unchanged on Node, Bun and Deno (node:assert works on all
// three). The same cases run on every runtime through test/run-suite.ts.
import * as assert from "node:assert/strict";
import * as socket from "@polysock/core";

export { assert, socket };

export interface Case {
  name: string;
  fn: () => Promise<void>;
  timeoutMs: number;
}

export const cases: Case[] = [];

/** Register a case. */
export function test(name: string, fn: () => Promise<void>, timeoutMs = 15000): void {
  cases.push({ name, fn, timeoutMs });
}

/** Which runtime runs this process. Deno and Bun first: both also report process.versions.node. */
export const runtime: "deno" | "bun" | "node" =
  "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

/** "runtime/adapter" of this run, e.g. "deno/node". */
export const setup = (): string => `${runtime}/${socket.getAdapter().name}`;

/** A listening TCP socket on 127.0.0.1 and its port. */
export async function listener(family: number = socket.AF_INET): Promise<[socket.Socket, number]> {
  const s = socket.socket(family, socket.SOCK_STREAM);
  await s.bind([family === socket.AF_INET6 ? "::1" : "127.0.0.1", 0]);
  await s.listen();
  return [s, (s.getsockname() as [string, number])[1]];
}

/** A connected pair: [client, accepted server side, listener]. */
export async function pair(): Promise<[socket.Socket, socket.Socket, socket.Socket]> {
  const [l, port] = await listener();
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await c.connect(["127.0.0.1", port]);
  const [s] = await l.accept();
  return [c, s, l];
}

/** Close all, ignoring errors. */
export async function closeAll(...socks: socket.Socket[]): Promise<void> {
  await Promise.all(socks.map((s) => s.close()));
}

/** Assert that `p` rejects with exactly this Python class, errno and message. */
export async function rejects(
  p: Promise<unknown> | (() => unknown),
  cls: new (...a: never[]) => Error,
  errno?: number | null,
  message?: string | RegExp,
): Promise<Error> {
  let err: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `expected ${cls.name} but nothing was raised`);
  assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`);
  assert.equal(err.constructor, cls, `expected ${cls.name}, got ${err.constructor.name}: ${err.message}`);
  if (errno !== undefined) assert.equal((err as socket.OSError).errno, errno, `errno of ${err.message}`);
  if (typeof message === "string") assert.equal(err.message, message);
  else if (message) assert.match(err.message, message);
  return err;
}

/** Resolve after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `n` bytes of a known pattern. */
export function pattern(n: number, seed = 7): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >> 16;
  }
  return b;
}

/** Read until EOF. */
export async function recvAll(s: socket.Socket, chunk = 65536): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const d = await s.recv(chunk);
    if (!d.length) break;
    parts.push(d.slice());
    n += d.length;
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytes as a latin1 string (for short assertions). */
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
