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

/** 2**63: a C long holds less. */
const LONG_LIMIT = 2 ** 63;

/**
 * An `int` argument as CPython reads a C long (`PyLong_AsLong`: setblocking's flag).
 * @throws TypeError for a non-int, OverflowError beyond 64 bits.
 */
export function cLongArg(v: unknown): number {
  const n = intArg(v);
  if (n >= LONG_LIMIT || n < -LONG_LIMIT) throw new OverflowError("Python int too large to convert to C long");
  return n;
}

/**
 * An `int` argument as CPython parses a C int with the `i` format (flags, a backlog, option
 * levels and names …): read as a C long first.
 * @throws TypeError for a non-int, OverflowError beyond 32 bits.
 */
export function cIntArg(v: unknown): number {
  const f = cLongArg(v);
  if (f > 0x7fffffff) throw new OverflowError("signed integer is greater than maximum");
  if (f < -0x80000000) throw new OverflowError("signed integer is less than minimum");
  return f;
}

/**
 * An `int` argument as CPython converts it with `_PyLong_AsInt` (socket()'s family, type and
 * proto, shutdown's how).
 * @throws TypeError for a non-int, OverflowError beyond 32 bits.
 */
export function cIntValue(v: unknown): number {
  const n = intArg(v);
  if (n > 0x7fffffff || n < -0x80000000) throw new OverflowError("Python int too large to convert to C int");
  return n;
}

/**
 * The wait of a call with MSG_DONTWAIT: none in blocking mode; with a timeout CPython first
 * waits (poll) for the socket to be ready, so the flag changes nothing there.
 */
export const dontWait = (flags: number, timeout: number | null): number | null =>
  flags & C.MSG_DONTWAIT && timeout === null ? 0 : timeout;

/** Broadcast destinations that need SO_BROADCAST (the limited one, and loopback's). */
export const isBroadcast = (host: string): boolean => host === "255.255.255.255" || host === "127.255.255.255";
