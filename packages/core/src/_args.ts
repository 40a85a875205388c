// Argument checks of socket methods, with CPython's texts.
import * as C from "./constants.js";
import { OverflowError, ValueError } from "./errors.js";
import { PyBytes, argTypeName, intArg } from "./bytes.js";

/** A recv size: an int, not negative. @throws ValueError `negative buffersize in recv` */
export function bufsizeArg(n: unknown, fname: string): number {
  const v = intArg(n);
  if (v < 0) throw new ValueError(`negative buffersize in ${fname}`);
  return v;
}

/**
 * The bytes a `recv_into`-style call fills: any typed array or DataView, as bytes; not a
 * `PyBytes` (what recv returned: Python's immutable `bytes`).
 */
export function intoView(buf: unknown, fname: string): Uint8Array {
  if (buf instanceof PyBytes) throw new TypeError(`${fname}() argument 1 must be read-write bytes-like object, not bytes`);
  if (buf instanceof Uint8Array) return buf;
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  throw new TypeError(`${fname}() argument 1 must be read-write bytes-like object, not ${argTypeName(buf)}`);
}

/**
 * An `int` argument as CPython parses a C int (flags, a backlog …).
 * @throws TypeError for a non-int, OverflowError beyond 32 bits.
 */
export function cIntArg(v: unknown): number {
  const f = intArg(v);
  if (f > 0x7fffffff) throw new OverflowError("signed integer is greater than maximum");
  if (f < -0x80000000) throw new OverflowError("signed integer is less than minimum");
  return f;
}

/**
 * The wait of a call with MSG_DONTWAIT: none in blocking mode; with a timeout CPython first
 * waits (poll) for the socket to be ready, so the flag changes nothing there.
 */
export const dontWait = (flags: number, timeout: number | null): number | null =>
  flags & C.MSG_DONTWAIT && timeout === null ? 0 : timeout;

/** Broadcast destinations that need SO_BROADCAST (the limited one, and loopback's). */
export const isBroadcast = (host: string): boolean => host === "255.255.255.255" || host === "127.255.255.255";
