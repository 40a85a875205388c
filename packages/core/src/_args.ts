// Argument checks of socket methods, with CPython's texts.
import * as C from "./constants.js";
import { OverflowError, ValueError } from "./errors.js";
import { PyBytes, argTypeName, intArg } from "./bytes.js";

/** 2**63: a C long (and ssize_t) holds less. */
const LONG_LIMIT = 2 ** 63;

/**
 * An `int` argument as CPython parses a C `ssize_t` with the `n` format (recv sizes).
 * @throws TypeError for a non-int, OverflowError beyond 64 bits.
 */
export function ssizeArg(v: unknown): number {
  // Hot path: one typeof and range compares for a size in range.
  if (typeof v === "number" && v >= 0 && v < LONG_LIMIT && Number.isInteger(v)) return v;
  const n = intArg(v);
  if (n >= LONG_LIMIT || n < -LONG_LIMIT) throw new OverflowError("Python int too large to convert to C ssize_t");
  return n;
}

/** A recv size converted (ssizeArg), checked non-negative after the other arguments were parsed. @throws ValueError `negative buffersize in recv` */
export function bufsizeArg(n: number, fname: string): number {
  if (n < 0) throw new ValueError(`negative buffersize in ${fname}`);
  return n;
}

/** A flags argument (C int): 0, the common value, costs one compare. */
export const flagsArg = (flags: unknown): number => (flags === 0 ? 0 : cIntArg(flags));

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
 * A Python int (a bool and a bigint are ints), or CPython's `TypeError: an integer is required`
 * (the unsigned converters' text: poll's masks, if_indextoname's index).
 */
export function uintArgValue(v: unknown): bigint {
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw new TypeError("an integer is required");
}

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
