// Maps a native runtime error (Node, Bun or Deno) to the Python error CPython raises on Linux.
import { errno as E } from "./errno.js";
import { EAI_TEXT, OSError, gaiError, oserror, withCause } from "./errors.js";

// Deno's error classes that carry no usable code.
const DENO_NAMES: Record<string, number> = {
  ConnectionRefused: E.ECONNREFUSED,
  ConnectionReset: E.ECONNRESET,
  ConnectionAborted: E.ECONNABORTED,
  BrokenPipe: E.EPIPE,
  AddrInUse: E.EADDRINUSE,
  AddrNotAvailable: E.EADDRNOTAVAIL,
  NotConnected: E.ENOTCONN,
  BadResource: E.EBADF,
  Interrupted: E.EBADF,
  TimedOut: E.ETIMEDOUT,
  NotFound: E.ENOENT,
  PermissionDenied: E.EACCES,
  NotCapable: E.EACCES,
  AlreadyExists: E.EEXIST,
};

// Node stream / dgram codes that stand for a socket that is gone.
const NODE_CODES: Record<string, number> = {
  ERR_STREAM_DESTROYED: E.EPIPE,
  ERR_STREAM_WRITE_AFTER_END: E.EPIPE,
  ERR_SOCKET_CLOSED: E.EBADF,
  ERR_SOCKET_DGRAM_NOT_RUNNING: E.EBADF,
  ERR_SOCKET_DGRAM_IS_CONNECTED: E.EISCONN,
  ERR_SOCKET_DGRAM_NOT_CONNECTED: E.EDESTADDRREQ,
};

const EAI_BY_CODE: Record<string, number> = {
  ENOTFOUND: -2,
  DNS_ENOTFOUND: -2,
  EAI_NONAME: -2,
  EAI_AGAIN: -3,
  DNS_ETIMEOUT: -3,
  ESERVFAIL: -3,
  EAI_FAIL: -4,
  EAI_NODATA: -5,
  ENODATA: -5,
  EAI_FAMILY: -6,
  EAI_SERVICE: -8,
  EAI_ADDRFAMILY: -9,
};

const TEXT_TO_EAI: [string, number][] = Object.entries(EAI_TEXT).map(([k, v]) => [v, Number(k)]);

/** Did the OS itself report `err` (Node's errno from libuv, Deno's "(os error N)"), not the runtime? */
export function fromKernel(err: unknown): boolean {
  const e = err as { errno?: unknown; message?: unknown } | null;
  return typeof e?.errno === "number" || (typeof e?.message === "string" && / \(os error \d+\)$/.test(e.message));
}

/**
 * Translate any error thrown by an adapter into the Python error class, errno and text.
 * Identity comes from the string `.code` (errno signs differ between runtimes), then Deno's
 * class name, then an `(os error N)` suffix; the native error is kept as `cause`.
 */
export function fromNative(err: unknown): OSError {
  if (err instanceof OSError) return err;
  let e = err as { code?: unknown; name?: unknown; message?: unknown; errors?: unknown[] } | null;
  // Node's happy-eyeballs AggregateError: Python raises the last attempt's error.
  if (e && Array.isArray(e.errors) && e.errors.length > 0 && typeof e.code !== "string") {
    e = e.errors[e.errors.length - 1] as typeof e;
  }
  const code = typeof e?.code === "string" ? e.code : "";
  const msg = typeof e?.message === "string" ? e.message : String(err);
  if (code in EAI_BY_CODE) return gaiError(EAI_BY_CODE[code]!, err);
  const lookup = /failed to lookup address information: (.*)$/.exec(msg);
  if (lookup) {
    const hit = TEXT_TO_EAI.find(([text]) => lookup[1]!.startsWith(text));
    return gaiError(hit ? hit[1] : -2, err);
  }
  if (code in E) return oserror(E[code as keyof typeof E], err);
  if (code in NODE_CODES) return oserror(NODE_CODES[code]!, err);
  const name = typeof e?.name === "string" ? e.name : "";
  if (name in DENO_NAMES) return oserror(DENO_NAMES[name]!, err);
  const os = /\(os error (\d+)\)/.exec(msg);
  if (os) return oserror(Number(os[1]), err);
  if (name === "TimeoutError") return oserror(E.ETIMEDOUT, err);
  if (/socket is closed|not running|bad resource/i.test(msg)) return oserror(E.EBADF, err);
  return withCause(new OSError(msg), err);
}
