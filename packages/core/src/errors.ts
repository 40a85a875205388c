// Python's exception classes for socket code: OSError and its subclasses, chosen by errno.
import { STRERROR, errno as E } from "./errno.js";

const setName = (C: { prototype: Error }, name: string): void => {
  Object.defineProperty(C.prototype, "name", { value: name, writable: true, configurable: true });
};

/**
 * Python's `OSError` (also exported as `error`). `new OSError(errno, strerror)` returns the
 * Python subclass for that errno, as CPython does (`OSError(111, "x")` is a `ConnectionRefusedError`).
 *
 * @example Catching "address already in use" (Python: `except OSError as e: e.errno == errno.EADDRINUSE`)
 * ```ts
 * try { await s.bind(["127.0.0.1", port]); }
 * catch (e) { if (e instanceof socket.OSError && e.errno === socket.errno.EADDRINUSE) console.log(String(e)); }
 * // OSError: [Errno 98] Address already in use
 * ```
 */
export class OSError extends Error {
  /** The error number (`errno.ECONNREFUSED` …), or `null` (e.g. for `timeout`). */
  errno!: number | null;
  /** The OS text for `errno` (`"Connection refused"`), or `null`. */
  strerror!: string | null;
  /** `[errno, strerror]` or `[message]`, like Python's `e.args`. */
  args!: unknown[];

  /**
   * @param errnoOrMessage an errno number (with `strerror`), or a plain message.
   * @param strerror the text; without it a number is only a message, as in CPython (`OSError(111)`: errno `null`).
   */
  constructor(errnoOrMessage?: number | string | null, strerror?: string, options?: { cause?: unknown }) {
    // As CPython: errno and strerror only when both are given (`OSError(111)` alone is a plain
    // OSError whose message is "111"); then the errno picks the subclass.
    const pair = typeof errnoOrMessage === "number" && strerror !== undefined;
    if (new.target === OSError && pair) {
      const C = classForErrno(errnoOrMessage as number);
      if (C !== OSError) return new C(errnoOrMessage, strerror, options);
    }
    if (pair) {
      super(`[Errno ${errnoOrMessage}] ${strerror}`, options);
      this.errno = errnoOrMessage as number;
      this.strerror = strerror!;
      this.args = [errnoOrMessage, strerror];
    } else if (typeof errnoOrMessage === "number") {
      super(String(errnoOrMessage), options);
      this.errno = null;
      this.strerror = null;
      this.args = [errnoOrMessage];
    } else {
      super(errnoOrMessage ?? "", options);
      this.errno = null;
      this.strerror = null;
      this.args = errnoOrMessage == null ? [] : [errnoOrMessage];
    }
  }
}
setName(OSError, "OSError");

/** Python's `ConnectionError`: base of refused/reset/aborted/broken pipe. */
export class ConnectionError extends OSError {}
setName(ConnectionError, "ConnectionError");
/** Python's `ConnectionRefusedError` (errno 111). */
export class ConnectionRefusedError extends ConnectionError {}
setName(ConnectionRefusedError, "ConnectionRefusedError");
/** Python's `ConnectionResetError` (errno 104). */
export class ConnectionResetError extends ConnectionError {}
setName(ConnectionResetError, "ConnectionResetError");
/** Python's `ConnectionAbortedError` (errno 103). */
export class ConnectionAbortedError extends ConnectionError {}
setName(ConnectionAbortedError, "ConnectionAbortedError");
/** Python's `BrokenPipeError` (errno 32, 108). */
export class BrokenPipeError extends ConnectionError {}
setName(BrokenPipeError, "BrokenPipeError");
/** Python's `BlockingIOError` (errno 11, 114, 115): non-blocking call could not complete. */
export class BlockingIOError extends OSError {}
setName(BlockingIOError, "BlockingIOError");
/** Python's `TimeoutError`, also `socket.timeout`; `String(e)` is `TimeoutError: timed out`. */
export class TimeoutError extends OSError {}
setName(TimeoutError, "TimeoutError");
/** Python's `PermissionError` (errno 1, 13). */
export class PermissionError extends OSError {}
setName(PermissionError, "PermissionError");
/** Python's `FileNotFoundError` (errno 2). */
export class FileNotFoundError extends OSError {}
setName(FileNotFoundError, "FileNotFoundError");
/** Python's `InterruptedError` (errno 4). */
export class InterruptedError extends OSError {}
setName(InterruptedError, "InterruptedError");
/**
 * Python's `io.UnsupportedOperation` (a file used against its mode: `read` on a `"wb"` file).
 * In Python it is both an `OSError` and a `ValueError`; here an `OSError`.
 */
export class UnsupportedOperation extends OSError {}
setName(UnsupportedOperation, "UnsupportedOperation");
/** Python's `socket.gaierror`: a name lookup failed (`[Errno -2] Name or service not known`). */
export class gaierror extends OSError {
  override toString(): string {
    return `socket.gaierror: ${this.message}`;
  }
}
setName(gaierror, "gaierror");
/** Python's `socket.herror`: an address lookup failed. */
export class herror extends OSError {
  override toString(): string {
    return `socket.herror: ${this.message}`;
  }
}
setName(herror, "herror");

/** An exception with Python's `args` (`[message]`), for the non-OSError classes. */
export class PyException extends Error {
  /** `[message]`, like Python's `e.args`. */
  args: unknown[];
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.args = message === undefined ? [] : [message];
  }
}

/** Python's `ValueError` (e.g. `negative buffersize in recv`); `args` is `[message]` as in Python. */
export class ValueError extends PyException {}
setName(ValueError, "ValueError");
/**
 * Python's `UnicodeDecodeError` (a `ValueError`): `data.decode()` of bytes that are not valid in the
 * encoding. `args` is `[encoding, object, start, end, reason]`, as in Python, when the position is known.
 */
export class UnicodeDecodeError extends ValueError {
  /** The codec's name (`"utf-8"`), or `null`. */
  encoding: string | null = null;
  /** The bytes being decoded, or `null`. */
  object: Uint8Array | null = null;
  /** The bad bytes are `object[start:end]` (`-1` when unknown). */
  start = -1;
  end = -1;
  /** Why (`"invalid start byte"`), or `null`. */
  reason: string | null = null;

  /** `new UnicodeDecodeError(encoding, object, start, end, reason)` as Python, or a message. */
  constructor(encodingOrMessage?: string, object?: Uint8Array, start?: number, end?: number, reason?: string) {
    if (object === undefined || start === undefined || end === undefined || reason === undefined) {
      super(encodingOrMessage);
      return;
    }
    const where =
      end - start > 1
        ? `bytes in position ${start}-${end - 1}`
        : `byte 0x${object[start]!.toString(16).padStart(2, "0")} in position ${start}`;
    super(`'${encodingOrMessage}' codec can't decode ${where}: ${reason}`);
    this.encoding = encodingOrMessage!;
    this.object = object;
    this.start = start;
    this.end = end;
    this.reason = reason;
    this.args = [encodingOrMessage, object, start, end, reason];
  }
}
setName(UnicodeDecodeError, "UnicodeDecodeError");
/** Python's `UnicodeEncodeError` (a `ValueError`): text a file's encoding cannot represent. */
export class UnicodeEncodeError extends ValueError {}
setName(UnicodeEncodeError, "UnicodeEncodeError");
/**
 * Python's `ExceptionGroup` (3.11+), e.g. from `create_connection(address, { all_errors: true })`:
 * `exceptions` lists them (also `errors`, as a JavaScript `AggregateError`).
 */
export class ExceptionGroup extends AggregateError {
  /** The sub-exceptions, as Python's `eg.exceptions`. */
  readonly exceptions: readonly unknown[];
  /** `[message, exceptions]`, like Python's `e.args`. */
  args: unknown[];
  constructor(message: string, exceptions: unknown[]) {
    const n = exceptions.length;
    super(exceptions, `${message} (${n} sub-exception${n === 1 ? "" : "s"})`);
    this.exceptions = exceptions;
    this.args = [message, exceptions];
  }
}
setName(ExceptionGroup, "ExceptionGroup");
/** Python's `AttributeError` (e.g. `getfqdn(None)`: `'NoneType' object has no attribute 'strip'`). */
export class AttributeError extends PyException {}
setName(AttributeError, "AttributeError");
/** Python's `LookupError` (e.g. `unknown encoding: x`). */
export class LookupError extends PyException {}
setName(LookupError, "LookupError");
/** Python's `OverflowError` (e.g. `bind(): port must be 0-65535.`); `args` is `[message]`. */
export class OverflowError extends PyException {}
setName(OverflowError, "OverflowError");

type OSErrorClass = new (e?: number | string | null, s?: string, o?: { cause?: unknown }) => OSError;

const BY_ERRNO: Record<number, OSErrorClass> = {
  [E.EAGAIN]: BlockingIOError,
  [E.EALREADY]: BlockingIOError,
  [E.EINPROGRESS]: BlockingIOError,
  [E.ECONNREFUSED]: ConnectionRefusedError,
  [E.ECONNRESET]: ConnectionResetError,
  [E.ECONNABORTED]: ConnectionAbortedError,
  [E.EPIPE]: BrokenPipeError,
  [E.ESHUTDOWN]: BrokenPipeError,
  [E.ETIMEDOUT]: TimeoutError,
  [E.EACCES]: PermissionError,
  [E.EPERM]: PermissionError,
  [E.ENOENT]: FileNotFoundError,
  [E.EINTR]: InterruptedError,
};

/** The Python class CPython picks for `OSError(n, ...)` on Linux. */
export function classForErrno(n: number): OSErrorClass {
  return BY_ERRNO[n] ?? OSError;
}

/** `OSError(n, os.strerror(n))`: the right subclass with the OS text; keeps `cause`. */
export function oserror(n: number, cause?: unknown): OSError {
  const C = classForErrno(n);
  return new C(n, STRERROR[n] ?? `Unknown error ${n}`, cause === undefined ? undefined : { cause });
}

/** `socket.timeout("timed out")`. */
export function timedOut(): TimeoutError {
  return new TimeoutError("timed out");
}

/** EAI codes → glibc texts, for `gaierror`. */
export const EAI_TEXT: Readonly<Record<number, string>> = {
  [-1]: "Bad value for ai_flags",
  [-2]: "Name or service not known",
  [-3]: "Temporary failure in name resolution",
  [-4]: "Non-recoverable failure in name resolution",
  [-5]: "No address associated with hostname",
  [-6]: "ai_family not supported",
  [-7]: "ai_socktype not supported",
  [-8]: "Servname not supported for ai_socktype",
  [-9]: "Address family for hostname not supported",
  [-10]: "Memory allocation failure",
  [-11]: "System error",
};

/** `gaierror(code, text)` with glibc's text. */
export function gaiError(code: number, cause?: unknown): gaierror {
  return new gaierror(code, EAI_TEXT[code] ?? "Unknown error", cause === undefined ? undefined : { cause });
}
