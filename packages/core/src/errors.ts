// Python's exception classes for socket code: OSError and its subclasses, chosen by errno.
import { STRERROR, errno as E } from "./errno.js";
import { pyRepr } from "./_repr.js";

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
  /** The file name given as third argument (`OSError(2, "No such file", "/tmp/x")`), or `null`. */
  declare filename: unknown;
  /** The second file name (fifth argument), or `null`. */
  declare filename2: unknown;
  /** `[errno, strerror]` or `[message]`, like Python's `e.args`. */
  args!: unknown[];

  /**
   * As CPython's `OSError(*args)`: two to five arguments are `(errno, strerror[, filename[, winerror[,
   * filename2]]])` and a numeric errno picks the subclass; other counts are only `args`
   * (`OSError(111)` is a plain OSError whose message is "111").
   */
  constructor(errnoOrMessage?: number | string | null, strerror?: string | null, ...more: unknown[]);
  constructor(...a: unknown[]) {
    const parsed = a.length >= 2 && a.length <= 5;
    if (new.target === OSError && parsed && typeof a[0] === "number") {
      const C = classForErrno(a[0]);
      if (C !== OSError) return new C(...(a as [number, string]));
    }
    let args = a;
    let filename: unknown = null;
    let filename2: unknown = null;
    let written: number | undefined;
    if (parsed && a.length >= 3) {
      // BlockingIOError's third argument is characters_written.
      if (new.target === BlockingIOError) written = Number(a[2]);
      else filename = a[2] ?? null;
      if (a.length === 5) filename2 = a[4] ?? null;
      if (filename !== null) args = a.slice(0, 2);
    }
    let message: string;
    if (!parsed) message = a.length === 0 ? "" : a.length === 1 ? String(a[0] ?? "None") : pyRepr(a);
    else {
      message = `[Errno ${pyStr(a[0])}] ${pyStr(a[1])}`;
      if (filename !== null) message += `: ${pyRepr(filename)}` + (filename2 !== null ? ` -> ${pyRepr(filename2)}` : "");
    }
    super(message);
    this.errno = parsed ? (a[0] as number) : null;
    this.strerror = parsed ? (a[1] as string) : null;
    // Own properties only when given (the prototype's null otherwise): errors print as before.
    if (filename !== null) this.filename = filename;
    if (filename2 !== null) this.filename2 = filename2;
    this.args = args;
    if (written !== undefined) (this as unknown as BlockingIOError).characters_written = written;
  }
}
setName(OSError, "OSError");
Object.defineProperties(OSError.prototype, {
  filename: { value: null, writable: true, configurable: true },
  filename2: { value: null, writable: true, configurable: true },
});

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
export class BlockingIOError extends OSError {
  /** `BlockingIOError(errno, strerror, characters_written)`'s third argument, else undefined. */
  declare characters_written?: number;
}
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
/** Python's `FileExistsError` (errno 17). */
export class FileExistsError extends OSError {}
setName(FileExistsError, "FileExistsError");
/** Python's `IsADirectoryError` (errno 21). */
export class IsADirectoryError extends OSError {}
setName(IsADirectoryError, "IsADirectoryError");
/** Python's `NotADirectoryError` (errno 20). */
export class NotADirectoryError extends OSError {}
setName(NotADirectoryError, "NotADirectoryError");
/** Python's `ChildProcessError` (errno 10). */
export class ChildProcessError extends OSError {}
setName(ChildProcessError, "ChildProcessError");
/** Python's `ProcessLookupError` (errno 3). */
export class ProcessLookupError extends OSError {}
setName(ProcessLookupError, "ProcessLookupError");
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
/** Python's `UnicodeError` (a `ValueError`; e.g. a `utf-16` text file's stream without a byte order mark). */
export class UnicodeError extends ValueError {}
setName(UnicodeError, "UnicodeError");
/** What a codec error tells, as Python's UnicodeDecodeError/UnicodeEncodeError attributes. */
class CodecError<T> extends UnicodeError {
  /** The codec's name (`"utf-8"`, `"charmap"`), or `null`. */
  encoding: string | null = null;
  /** What was being decoded (bytes) or encoded (text), or `null`. */
  object: T | null = null;
  /** The bad part is `object[start:end]` (bytes, or code points of text; `-1` when unknown). */
  start = -1;
  end = -1;
  /** Why (`"invalid start byte"`, `"surrogates not allowed"`), or `null`. */
  reason: string | null = null;

  /** `detail`: `[encoding, object, start, end, reason]`, also `args` then (as Python's). */
  constructor(message: string | undefined, detail?: [string, T, number, number, string]) {
    super(message);
    if (detail === undefined) return;
    [this.encoding, this.object, this.start, this.end, this.reason] = detail;
    this.args = [...detail];
  }
}

/**
 * Python's `UnicodeDecodeError` (a `UnicodeError`): `data.decode()` of bytes that are not valid in the
 * encoding. `args` is `[encoding, object, start, end, reason]`, as in Python, when the position is known.
 */
export class UnicodeDecodeError extends CodecError<Uint8Array> {
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
    super(`'${encodingOrMessage}' codec can't decode ${where}: ${reason}`, [encodingOrMessage!, object, start, end, reason]);
  }
}
setName(UnicodeDecodeError, "UnicodeDecodeError");
/**
 * Python's `UnicodeEncodeError` (a `UnicodeError`): text a file's encoding cannot represent.
 * `args` is `[encoding, object, start, end, reason]`, as in Python, when the position is known.
 */
export class UnicodeEncodeError extends CodecError<string> {
  /** `new UnicodeEncodeError(encoding, object, start, end, reason)` as Python, or a message. */
  constructor(encodingOrMessage?: string, object?: string, start?: number, end?: number, reason?: string) {
    if (object === undefined || start === undefined || end === undefined || reason === undefined) {
      super(encodingOrMessage);
      return;
    }
    const cp = Array.from(object)[start]!.codePointAt(0)!;
    const where = end - start > 1 ? `characters in position ${start}-${end - 1}` : `character ${charRepr(cp)} in position ${start}`;
    super(`'${encodingOrMessage}' codec can't encode ${where}: ${reason}`, [encodingOrMessage!, object, start, end, reason]);
  }
}

/** @internal Python's escape of one character: `\\xe9`, `\\u20ac`, `\\U0001f600` (backslashreplace, repr). */
export function charEscape(cp: number): string {
  const hex = cp.toString(16);
  return cp < 0x100 ? `\\x${hex.padStart(2, "0")}` : cp < 0x10000 ? `\\u${hex.padStart(4, "0")}` : `\\U${hex.padStart(8, "0")}`;
}

/** Python's repr of one character in an encode error: `'\\xe9'`, `'\\u20ac'`, `'\\U0001f600'`. */
function charRepr(cp: number): string {
  return `'${charEscape(cp)}'`;
}
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
/** Python's `KeyError`, a `LookupError` (e.g. `poller.unregister(sock)` of a socket never registered); `args` is `[key]`. */
export class KeyError extends LookupError {
  constructor(key?: unknown) {
    super(key === undefined ? undefined : pyRepr(key));
    if (key !== undefined) this.args = [key];
  }
}
setName(KeyError, "KeyError");
/** Python's `RuntimeError` (e.g. `sel.get_key(sock)` on a closed selector: `Selector is closed`). */
export class RuntimeError extends PyException {}
setName(RuntimeError, "RuntimeError");
/** Python's `OverflowError` (e.g. `bind(): port must be 0-65535.`); `args` is `[message]`. */
export class OverflowError extends PyException {}
setName(OverflowError, "OverflowError");

type OSErrorClass = new (e?: number | string | null, s?: string | null, ...more: unknown[]) => OSError;

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
  [E.EEXIST]: FileExistsError,
  [E.EISDIR]: IsADirectoryError,
  [E.ENOTDIR]: NotADirectoryError,
  [E.ECHILD]: ChildProcessError,
  [E.ESRCH]: ProcessLookupError,
};

/** The Python class CPython picks for `OSError(n, ...)` on Linux. */
export function classForErrno(n: number): OSErrorClass {
  return BY_ERRNO[n] ?? OSError;
}

/** `OSError(n, os.strerror(n))`: the right subclass with the OS text; keeps `cause`. */
export function oserror(n: number, cause?: unknown): OSError {
  const C = classForErrno(n);
  return withCause(new C(n, STRERROR[n] ?? `Unknown error ${n}`), cause);
}

/** `e` with `cause` (the native error it came from) set, as `new Error(msg, { cause })` would. */
export function withCause<T extends Error>(e: T, cause: unknown): T {
  if (cause !== undefined) Object.defineProperty(e, "cause", { value: cause, writable: true, configurable: true });
  return e;
}

/** Python's `str(x)` of an errno or strerror argument. */
const pyStr = (x: unknown): string => (typeof x === "string" ? x : pyRepr(x));

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
  return withCause(new gaierror(code, EAI_TEXT[code] ?? "Unknown error"), cause);
}

/**
 * Like Python's `os.strerror(code)`: glibc's message for an error number (`strerror(111)` is
 * `'Connection refused'`), `'Unknown error N'` for others.
 * @throws TypeError for what is not an int, as Python's.
 */
export function strerror(code: number): string {
  const n = typeof code === "boolean" ? Number(code) : code;
  if (typeof n !== "number" || !Number.isInteger(n))
    throw new TypeError(`'${n === null || n === undefined ? "NoneType" : typeof n === "string" ? "str" : typeof n === "number" ? "float" : typeof n}' object cannot be interpreted as an integer`);
  if (n === 0) return "Success";
  return STRERROR[n] ?? `Unknown error ${n}`;
}
