// sock.makefile(): a file object over a socket that reads from the socket's own receive
// queue, so readline() and recv() can be mixed without losing a byte.
import {
  AttributeError,
  OverflowError,
  BlockingIOError,
  OSError,
  TimeoutError,
  UnicodeDecodeError,
  UnicodeError,
  UnsupportedOperation,
  ValueError,
  oserror,
} from "./errors.js";
import { errno as E } from "./errno.js";
import { PyBytes, asPyBytes, emptyBytes, intArg, join, pyTypeName, toBytes } from "./bytes.js";
import { afterPoll } from "./_timeout.js";
import { objectRepr, strRepr } from "./_repr.js";
import type { Socket } from "./socket.js";
import type { StreamConn } from "./_stream.js";
import { CR, LF, type Newline, type Wide, decodeText, isUtf8, newlineKinds, newlinesValue, translateNewlines, walk } from "./_text.js";
import { type DecodeErrors, byteOrderMark, checkEncoding, codecName, wideCodec } from "./_codec.js";
import { encodeText } from "./_encode.js";

/** Options of {@link Socket.makefile}, as Python's keyword arguments. */
export interface MakefileOptions {
  /**
   * `0`: unbuffered (binary only: writes go out at once, `read(n)` returns what one recv gets);
   * `n > 0`: a binary file's buffer size (1 too: socket.makefile has no line buffering); a text
   * file holds up to 8192 bytes or `n`, whichever is more. @default 8192
   */
  buffering?: number | null;
  /** Text encoding for `r`/`w` modes. @default "UTF-8" (what CPython reports for the UTF-8 locale) */
  encoding?: string;
  /**
   * Text modes' error handler: `"strict"` (UnicodeDecodeError / UnicodeEncodeError), `"replace"`, `"ignore"`,
   * `"surrogateescape"`, `"backslashreplace"`, and for writing also `"xmlcharrefreplace"`, `"surrogatepass"`,
   * `"namereplace"` (escaped as backslashreplace: differences #65). @default "strict"
   */
  errors?: DecodeErrors | null;
  /**
   * Text modes' line ends, as TextIOWrapper's: `null` (any of `\n`, `\r\n`, `\r`, read as `\n`), `""`
   * (any, untranslated), or `"\n"`, `"\r"`, `"\r\n"` (only that one; written for each `\n`).
   */
  newline?: Newline;
}

const NL = 10;

/** SocketIO's check of a closed file (readable(), writable(), seekable()). */
function closedSocket(): ValueError {
  return new ValueError("I/O operation on closed socket.");
}

/** BufferedWriter's error when a non-blocking send cannot proceed; `written`: how many of the call's bytes it took. */
function writeBlocked(written: number): BlockingIOError {
  return new BlockingIOError(E.EAGAIN, "write could not complete without blocking", written);
}

/** Characters as Python counts them (code points: an emoji is one). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
const NOTHING = new Uint8Array(0);
const UTF8_BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
/** Python's io.DEFAULT_BUFFER_SIZE: written data beyond it is sent without waiting for flush(). */
const BUFFER_SIZE = 8192;

/**
 * A size argument as io's methods take an optional one (`read(size)`, `readlines(hint)`): an
 * int, or `null` (Python's None) for no limit.
 * @throws TypeError `argument should be integer or None, not 'float'`
 */
function optionalSize(v: unknown): number {
  if (v === null || v === undefined) return -1;
  if (typeof v === "boolean") return Number(v);
  if (typeof v === "bigint") v = Number(v); // a Python int
  if (typeof v === "number" && Number.isInteger(v)) return ssize(v, "cannot fit 'int' into an index-sized integer");
  throw new TypeError(`argument should be integer or None, not '${pyTypeName(v)}'`);
}

/** A size as a C `Py_ssize_t`. @throws OverflowError `message` beyond 64 bits. */
function ssize(n: number, message = "Python int too large to convert to C ssize_t"): number {
  if (n >= 2 ** 63 || n < -(2 ** 63)) throw new OverflowError(message);
  return n;
}

/** The files' sends of one socket, one after another: the last one and how many have not finished. */
interface SendChain {
  last: Promise<void>;
  n: number;
}
const chains = new WeakMap<object, SendChain>();
function socketChain(sock: object): SendChain {
  let c = chains.get(sock);
  if (c === undefined) chains.set(sock, (c = { last: Promise.resolve(), n: 0 }));
  return c;
}

/**
 * What `sock.makefile(mode)` returns: `readline()`, `readlines()`, `read(n)`, `readinto(b)`
 * (binary), `write()`, `writelines()`, `flush()`, `close()`, and `for await (const line of f)`.
 * Binary modes (`rb`, `wb`, `rwb`) deal in bytes; text modes (`r`, `w`, `rw`) in strings. With a
 * socket timeout, each receive a read makes gets the whole timeout (as CPython's file).
 */
export class SocketFile {
  private readonly _mode: string;
  private readonly binary: boolean;
  private readonly canRead: boolean;
  private readonly canWrite: boolean;
  /** The text encoding (see {@link encoding}). */
  private readonly _encoding: string;
  private readonly _errors: DecodeErrors;
  private readonly newline: Newline;
  private readonly utf8: boolean;
  /** UTF-16/UTF-32 text: read in code units of this size and byte order (known once `bom` is read). */
  private wide: Wide | null = null;
  /** `utf-16`/`utf-32`: the unit size of the byte order mark the first read looks for (`utf-8-sig`: 3). */
  private readBom: 0 | 2 | 3 | 4 = 0;
  /** `utf-8-sig`: the first write starts with the byte order mark. */
  private writeBom = false;
  /** Line ends a universal-newline text file has read (see `newlines`). */
  private seenNewlines = 0;
  /** `newline=""`: the text read so far ended with a "\r" (a "\r\n" if the next text starts with "\n"). */
  private crPending = false;
  /** The codec text is decoded with (for `utf-16`, the byte order the mark chose). */
  private decodeAs: string;
  /** Written bytes beyond this are sent without waiting for flush() (0: unbuffered). */
  private readonly bufferSize: number;
  /** The BufferedWriter's size: written bytes beyond it go out at once (0: unbuffered). */
  private readonly writeSize: number;
  /** What the buffer holds (sent by flush(), or once more is written than fits). */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** A text file's encoded writes not yet given to the buffer: TextIOWrapper gathers 8 KiB first. */
  private textParts: Uint8Array[] = [];
  private textBytes = 0;
  /** Sends run one after another (flush() and the automatic ones of write()): the last one… */
  private sending: Promise<void> = Promise.resolve();
  /** …and how many have not finished. */
  private sends = 0;
  /** The failure of an automatic send, raised by the next write() or flush(). */
  private sendError: unknown = null;
  private _closed = false;
  private timedOut = false;

  constructor(private readonly sock: Socket, mode: string, opts: MakefileOptions) {
    // CPython: any mix of r, w and b (`""` and `"b"` read; `"rr"` is `"r"`).
    // (`set(mode) <= {"r", "w", "b"}`: a mode that is not a str is not iterable.)
    const m: unknown = mode;
    if (m instanceof Uint8Array && m.length > 0) throw new ValueError(`invalid mode ${asPyBytes(m).toString()} (only r, w, b allowed)`);
    if (typeof mode !== "string") throw new TypeError(`'${pyTypeName(mode)}' object is not iterable`);
    if (!/^[rwb]*$/.test(mode)) throw new ValueError(`invalid mode '${mode}' (only r, w, b allowed)`);
    this.binary = mode.includes("b");
    this.canWrite = mode.includes("w");
    this.canRead = mode.includes("r") || !this.canWrite;
    // A binary file's mode is its raw SocketIO's ("rb", "wb", "rwb"); a text file keeps the one given.
    this._mode = this.binary ? `${this.canRead ? "r" : ""}${this.canWrite ? "w" : ""}b` : mode;
    let buffering: unknown = opts.buffering ?? -1;
    if (typeof buffering === "boolean" || typeof buffering === "bigint") buffering = Number(buffering); // a Python int
    // (socket.makefile compares it with 0 first; io's classes then want an int.)
    if (typeof buffering !== "number") throw new TypeError(`'<' not supported between instances of '${pyTypeName(buffering)}' and 'int'`);
    if (!Number.isInteger(buffering)) throw new TypeError("'float' object cannot be interpreted as an integer");
    if (buffering >= 2 ** 63) throw new OverflowError("Python int too large to convert to C ssize_t"); // the buffer's size
    if (buffering === 0 && !this.binary) throw new ValueError("unbuffered streams must be binary");
    // socket.makefile's BufferedWriter(raw, buffering) takes the size as given (1 is no line
    // buffering); a text file's TextIOWrapper holds up to 8192 bytes before it writes through.
    this.bufferSize = buffering < 0 ? BUFFER_SIZE : this.binary ? buffering : Math.max(buffering, BUFFER_SIZE);
    this.writeSize = buffering < 0 ? BUFFER_SIZE : buffering;
    // A binary file is the buffer alone: CPython ignores encoding, errors and newline then.
    const text = !this.binary;
    for (const arg of ["encoding", "errors", "newline"] as const) {
      const v: unknown = text ? opts[arg] : null;
      if (v !== null && v !== undefined && typeof v !== "string")
        throw new TypeError(`TextIOWrapper() argument '${arg}' must be str or None, not ${pyTypeName(v)}`);
    }
    this._encoding = (text ? opts.encoding : null) ?? "UTF-8";
    if (text) checkEncoding(this._encoding, this.canWrite);
    this._errors = (text ? opts.errors : null) ?? "strict";
    const newline = (text ? opts.newline : null) ?? null;
    if (newline !== null && newline !== "" && newline !== "\n" && newline !== "\r" && newline !== "\r\n")
      throw new ValueError(`illegal newline value: ${String(newline)}`);
    this.newline = newline;
    this.utf8 = isUtf8(this._encoding);
    // (Every UTF-8 label decodes as "utf-8", the decoder's fast path: "UTF-8" is the default.)
    this.decodeAs = this.utf8 ? "utf-8" : this._encoding;
    const w = this.binary ? null : wideCodec(this._encoding);
    if (!this.binary && codecName(this._encoding) === "utf-8-sig") {
      this.utf8 = true;
      this.decodeAs = "utf-8";
      this.readBom = 3;
      this.writeBom = this.canWrite;
    } else if (w !== null && w.le === null) this.readBom = w.unit;
    else if (w !== null) this.wide = { unit: w.unit, le: w.le! };
    sock._fileOpened(this);
  }

  /**
   * Like `f.encoding` (text modes): the encoding given, else `"UTF-8"`.
   * @throws AttributeError for a binary file (CPython's has none)
   */
  get encoding(): string {
    if (this.binary) throw new AttributeError(`'${this.ioClass}' object has no attribute 'encoding'`);
    return this._encoding;
  }

  /**
   * Like `f.errors` (text modes): the error handler given, else `"strict"`.
   * @throws AttributeError for a binary file (CPython's has none)
   */
  get errors(): string {
    if (this.binary) throw this.noAttribute("errors");
    return this._errors;
  }

  /** The class of CPython's binary file object (for its AttributeError messages). */
  private get ioClass(): string {
    return this.unbuffered ? "SocketIO" : this.pair ? "_io.BufferedRWPair" : this.canRead ? "_io.BufferedReader" : "_io.BufferedWriter";
  }

  /**
   * Like `f.readable()`. Closed: ValueError from the socket's raw file, which a file that
   * reads (or an unbuffered one) asks; a buffered writer answers false without asking.
   */
  readable(): boolean {
    if (this._closed && (this.canRead || this.unbuffered)) throw closedSocket();
    return this.canRead;
  }

  /** Like `f.writable()` (closed: as {@link readable}). */
  writable(): boolean {
    if (this._closed && (this.canWrite || this.unbuffered)) throw closedSocket();
    return this.canWrite;
  }

  /** Like `f.seekable()`: a socket's file never is (closed: ValueError, except a read-write pair's). */
  seekable(): boolean {
    if (this._closed && !this.pair) throw closedSocket();
    return false;
  }

  /** Like `f.fileno()`: the socket's (a buffered read-write file, CPython's BufferedRWPair, has none). */
  fileno(): number {
    if (this.pair) throw new UnsupportedOperation("fileno");
    if (this._closed) throw new ValueError("I/O operation on closed file.");
    return this.sock.fileno();
  }

  /** CPython's raw SocketIO (`buffering=0`, binary): its checks and messages. */
  private get unbuffered(): boolean {
    return this.bufferSize === 0;
  }

  /** CPython's BufferedRWPair (buffered `rwb`, and under text `rw`): no `name`, `mode`, `fileno()`. */
  private get pair(): boolean {
    return this.canRead && this.canWrite && !this.unbuffered;
  }

  /** @internal the socket, for select(). */
  get _socket(): Socket {
    return this.sock;
  }

  /**
   * Like `f.mode`: the mode given to makefile() (binary: its SocketIO's, `"rb"`/`"wb"`).
   * @throws AttributeError for `"rwb"` (CPython's BufferedRWPair has none)
   */
  get mode(): string {
    if (this.binary && this.pair) throw this.noAttribute("mode");
    return this._mode;
  }

  /**
   * Like `f.name`: the socket's file descriptor number (-1 once the file is closed, as SocketIO's).
   * @throws AttributeError for a buffered file both read and written (CPython's BufferedRWPair has none)
   */
  get name(): number {
    if (this.pair) throw this.noAttribute("name");
    return this._closed ? -1 : this.sock.fileno();
  }

  private noAttribute(name: string): AttributeError {
    return new AttributeError(`'${this.ioClass}' object has no attribute '${name}'`);
  }

  /**
   * Like `repr(f)`: `<_io.TextIOWrapper name=3 mode='r' encoding='UTF-8'>`, `<_io.BufferedReader name=3>`,
   * `<_io.BufferedWriter name=3>`; a read-write binary file and an unbuffered one print as
   * CPython's BufferedRWPair and SocketIO objects (`<socket.SocketIO object at 0x…>`).
   */
  toString(): string {
    if (this.binary && (this.unbuffered || this.pair)) return objectRepr(this.unbuffered ? "socket.SocketIO" : this.ioClass, this);
    if (this.binary) return `<${this.ioClass} name=${this.name}>`;
    return `<_io.TextIOWrapper ${this.pair ? "" : `name=${this.name} `}mode=${strRepr(this._mode)} encoding=${strRepr(this._encoding)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** True after close(). */
  get closed(): boolean {
    return this._closed;
  }

  /** The connection to read from; `op` names the call in CPython's errors. */
  private conn(op: "read" | "readline"): StreamConn {
    if (!this.binary) {
      if (this._closed) throw new ValueError("I/O operation on closed file.");
      if (!this.canRead) throw new UnsupportedOperation("not readable");
    } else {
      // An unbuffered file is the raw SocketIO: closed first, and its check says more. (A
      // BufferedRWPair's readline peeks.)
      if (this.unbuffered && this._closed) throw new ValueError("I/O operation on closed file.");
      if (!this.canRead) throw new UnsupportedOperation(this.unbuffered ? "File or stream is not readable." : "read");
      if (this._closed) throw new ValueError(`${op === "readline" && this.pair ? "peek" : op} of closed file`);
    }
    this.sock._fileTouch();
    if (this.timedOut) throw new OSError("cannot read from timed out object");
    this.sock._fileCheck();
    return this.sock._stream();
  }

  private out(b: Uint8Array): PyBytes | string {
    const bytes = b.length ? asPyBytes(b) : emptyBytes();
    if (this.binary) this.readDone(b.length);
    return this.binary ? bytes : this.text(bytes);
  }

  private text(b: Uint8Array): string {
    this.readDone(b.length);
    if (this.newline !== null && this.newline !== "") return decodeText(b, this.decodeAs, this._errors, this.newline);
    // Universal newlines ("" or null): which line ends were read, for `newlines`.
    const s = decodeText(b, this.decodeAs, this._errors, "");
    if (this.newline === null) {
      this.seenNewlines |= newlineKinds(s);
      return translateNewlines(s);
    }
    // Untranslated (""): a read may end between "\r" and "\n"; as CPython's decoder, decide what
    // that "\r" was with the next text (or at EOF).
    let t = s;
    if (this.crPending && t.length > 0) {
      this.crPending = false;
      this.seenNewlines |= t.charCodeAt(0) === LF ? 4 : 1;
      if (t.charCodeAt(0) === LF) t = t.slice(1);
    }
    if (t.length > 0 && t.charCodeAt(t.length - 1) === CR) {
      this.crPending = true;
      t = t.slice(0, -1);
    }
    this.seenNewlines |= newlineKinds(t);
    return s;
  }

  /** Like a text file's `f.newlines`: the line ends read so far (`null`, one, or a tuple); `undefined` for binary files. */
  get newlines(): string | string[] | null | undefined {
    return this.binary ? undefined : newlinesValue(this.seenNewlines);
  }

  /** Like a text file's `f.line_buffering`: false (socket.makefile asks for none). */
  get line_buffering(): boolean | undefined {
    return this.binary ? undefined : false;
  }

  /** Like `f.isatty()`. */
  isatty(): boolean {
    if (this._closed) throw new ValueError("I/O operation on closed file.");
    return false;
  }

  /** Like `f.tell()`: a socket's file has no position (UnsupportedOperation). */
  tell(): never {
    return this.noSeek();
  }

  /** Like `f.seek(offset, whence)`: UnsupportedOperation, as for any socket file. */
  seek(_offset: number, _whence = 0): never {
    return this.noSeek(true);
  }

  /** Like `f.truncate([size])`: UnsupportedOperation, as for any socket file. */
  truncate(_size?: number | null): never {
    // A text file or buffered reader/writer checks closed first; SocketIO and BufferedRWPair refuse at once.
    if (this._closed && !this.unbuffered && !this.pair) throw new ValueError(this.binary ? "truncate of closed file" : "I/O operation on closed file.");
    throw new UnsupportedOperation("truncate");
  }

  private noSeek(seek = false): never {
    if (!this.binary) {
      if (this._closed) throw new ValueError("I/O operation on closed file.");
      throw new UnsupportedOperation("underlying stream is not seekable");
    }
    // A buffered reader or writer checks closed, then asks its raw file; SocketIO and BufferedRWPair refuse at once.
    if (!seek || this.unbuffered || this.pair) throw new UnsupportedOperation("seek");
    if (this._closed) throw new ValueError("seek of closed file");
    throw new UnsupportedOperation("File or stream is not seekable.");
  }

  /**
   * A read returns: CPython's buffered reader pulled what was there (up to its buffer size) out
   * of the kernel, so closing the socket now sends FIN, not a reset for unread bytes.
   */
  /**
   * After a read that returned `took` bytes: how many queued bytes CPython's buffered reader
   * would now hold in its buffer (pulled out of the kernel, so close() does not count them as
   * unread). It serves a read from its buffer first, then reads the socket `bufferSize` bytes at a time.
   */
  private readDone(took = -1): void {
    const c = this.sock._stream();
    if (took < 0) {
      // A read that timed out: it pulled what had arrived.
      c.fileHeld = Math.min(c.size, this.bufferSize);
      return;
    }
    const before = c.size + took;
    const had = Math.min(c.fileHeld, before);
    if (took <= had) {
      c.fileHeld = had - took;
      return;
    }
    const chunk = Math.max(1, this.bufferSize);
    c.fileHeld = Math.min(before, had + Math.ceil((took - had) / chunk) * chunk) - took;
  }

  /**
   * The first text read of a `utf-16`/`utf-32` file: a byte order mark that starts the stream
   * chooses the byte order and is dropped; without one, UnicodeError (Python's incremental
   * decoder's). `utf-8-sig`: a UTF-8 mark is dropped.
   */
  private async takeBom(c: StreamConn): Promise<void> {
    const unit = this.readBom;
    while (c.size < unit && !(c.eof || c.readShut)) await this.waitMore(c);
    if (unit === 3) {
      // utf-8-sig: a UTF-8 byte order mark that starts the stream is dropped — and so is the start
      // of one that EOF cut (CPython's decoder keeps it back, then has nothing to say for it).
      const sig = c.size > 0 ? c.take(Math.min(3, c.size), true) : null;
      if (sig !== null && sig[0] === 0xef && (sig.length < 2 || sig[1] === 0xbb) && (sig.length < 3 || sig[2] === 0xbf)) c.take(sig.length);
      this.readBom = 0;
      return;
    }
    const le = c.size >= unit ? byteOrderMark(c.take(unit, true), unit as 2 | 4) : null;
    // Python's incremental utf-16/utf-32 decoder (a text file's) insists on the mark.
    // (It raises on the chunk the file read, which is gone then.)
    if (le === null && c.size >= unit) {
      c.take(c.size);
      throw new UnicodeError(`UTF-${unit * 8} stream does not start with BOM`);
    }
    if (le !== null) c.take(unit);
    this.readBom = 0;
    this.wide = { unit: unit as 2 | 4, le: le ?? true };
    this.decodeAs = `utf-${unit * 8}-${le === false ? "be" : "le"}`;
  }

  /**
   * The length of the line that ends at `end` (what lineEnd found), or 0 if no line ends there
   * (`\r\n` mode: a `\n` alone) or whether it does is not known yet (universal modes: a `\r`
   * whose next byte has not come).
   */
  private lineLength(c: StreamConn, end: number, done: boolean): number {
    const nl = this.newline;
    if (nl === "\n" || nl === "\r") return end + 1;
    if (nl === "\r\n") return end > 0 && c.indexOf(CR, end, end - 1) === end - 1 ? end + 1 : 0;
    if (c.indexOf(LF, end + 1, end) === end) return end + 1; // universal: \n
    if (end + 1 < c.size) return c.indexOf(LF, end + 2, end + 1) === end + 1 ? end + 2 : end + 1; // \r\n or \r
    return done ? end + 1 : 0;
  }

  /** Where a line may end, from byte `from` on (the last byte of `\r\n`, in that mode): -1 if nowhere. */
  private lineEnd(c: StreamConn, from: number): number {
    const nl = this.newline;
    if (nl === "\r") return c.indexOf(CR, c.size, from);
    const lf = c.indexOf(LF, c.size, from);
    if (nl === "\n" || nl === "\r\n") return lf;
    const cr = c.indexOf(CR, lf < 0 ? c.size : lf, from);
    return cr >= 0 ? cr : lf;
  }

  /**
   * Wait for more bytes, with the socket's timeout for this wait alone: CPython's buffered file
   * calls `recv_into` until a line (or `n` bytes) is complete, each with the whole timeout.
   */
  private async waitMore(c: StreamConn): Promise<void> {
    const timeout = this.sock.gettimeout();
    try {
      await c.waitMore(timeout, Date.now() + (timeout ?? 0) * 1000);
    } catch (err) {
      if ((err as Error).name === "TimeoutError") {
        this.timedOut = true;
        // CPython's reader holds what it read before the timeout: closing then sends FIN, not a reset.
        this.readDone();
      }
      throw err;
    }
  }

  /**
   * Like `f.readline(limit=-1)`: through the next `\n`, or to EOF; `b''`/`''` at EOF. Text
   * modes read `\r\n` and `\r` as `\n` (universal newlines) and count `limit` in characters.
   * Binary files take `null` (Python's None) for no limit; text files raise TypeError for it, as CPython's.
   */
  async readline(limit: number | null = -1): Promise<PyBytes | string> {
    // (Text: a Py_ssize_t, None is a TypeError; binary: an int or None.)
    if (!this.binary) return this.readlineText(limit === undefined ? -1 : ssize(intArg(limit))).then(this.atEof);
    const n = optionalSize(limit);
    // Only a BufferedReader has its own readline; the others' (IOBase's) reads nothing for a limit of 0, open or closed.
    if (n === 0 && (this.unbuffered || this.pair || !this.canRead)) return emptyBytes();
    const c = this.conn("readline");
    const max = n < 0 ? Infinity : n;
    // Bytes already searched for the newline (a long line arrives in many chunks: search each
    // once), while no other reader took from the front meanwhile.
    let searched = 0;
    let front = c.front;
    for (;;) {
      const i = c.indexOf(NL, max, front === c.front ? searched : 0);
      searched = c.size;
      front = c.front;
      if (i >= 0) return this.out(c.take(i + 1));
      if (c.size >= max) return this.out(c.take(max));
      const err = c.takeError();
      if (err) throw this.dropLine(c, err);
      if (c.eof || c.readShut) return this.out(c.size ? c.take(c.size) : new Uint8Array(0));
      await this.waitMore(c);
    }
  }

  /**
   * After a text read: a `\r` held back (newline="": was it the start of `\r\n`?) that EOF
   * follows is a `\r` line end, as CPython's decoder says once it is final.
   */
  private readonly atEof = (t: string): string => {
    if (!this.crPending) return t;
    let c: StreamConn;
    try {
      c = this.sock._stream();
    } catch {
      return t; // (closed meanwhile: nothing more will be read)
    }
    if (c.size === 0 && (c.eof || c.readShut)) {
      this.crPending = false;
      this.seenNewlines |= 1;
    }
    return t;
  };

  private async readlineText(limit: number): Promise<string> {
    const c = this.conn("readline");
    let max = limit < 0 ? Infinity : limit;
    if (max === 0) return "";
    if (this.readBom) await this.takeBom(c);
    const wide = this.wide;
    // What a limit's worth of bytes decoded to when `errors="ignore"` dropped some: read on for the rest.
    let out = "";
    // Bytes that hold no line end (a long line arrives in many chunks: search each once, and
    // with no limit walk it only when its end is there).
    let scanned = 0;
    let front = c.front;
    outer: for (;;) {
      const err = c.size === 0 ? c.takeError() : null;
      if (err) throw err;
      const done = c.eof || c.readShut;
      // Up to a possible line end and the byte after it (a `\r` may be followed by `\n`);
      // in `\r\n` mode a `\n` without `\r` ends nothing: look on from the next one.
      // UTF-16/32 (a line end's byte may be part of any unit): all that is there.
      for (let from = front === c.front && scanned < c.size ? scanned : 0; ; ) {
        const end = wide === null ? this.lineEnd(c, from) : -1;
        if (max === Infinity && end >= 0) {
          // No limit: the line is the bytes through its end, no character needs counting.
          const n = this.lineLength(c, end, done);
          if (n > 0) return out + this.text(c.take(n));
        }
        if (end < 0 && wide === null) {
          scanned = c.size;
          front = c.front;
          if (max === Infinity && !done) break; // no line end to walk to yet: wait for more
        }
        const n = end < 0 ? c.size : Math.min(c.size, end + 2);
        const b = n === 0 ? NOTHING : c.take(n, true);
        const [i, m, ended] = walk(b, max, this.utf8, done && n === c.size, this.newline, true, wide);
        if (ended) return out + this.text(c.take(i));
        if (m === max && m > 0) {
          const t = this.text(c.take(i));
          const k = t.length < m ? codePoints(t) : m;
          if (k >= m) return out + t;
          out += t; // (a dropped sequence was counted as a character)
          max -= k;
          scanned = 0;
          continue outer;
        }
        if (end < 0 || n === c.size) break;
        from = end + 1;
      }
      if (done) {
        const e = c.size ? c.takeError() : null;
        if (e) throw this.dropLine(c, e);
        return out + this.lastLine(c.size ? c.take(c.size) : NOTHING);
      }
      await this.waitMore(c);
    }
  }

  /**
   * The text of a line EOF ended. A character cut off by EOF: CPython's incremental decoder had
   * decoded the line before it already, so its error's positions count from the cut character.
   */
  private lastLine(b: Uint8Array): string {
    try {
      return this.text(b);
    } catch (err) {
      if (!(err instanceof UnicodeDecodeError) || err.reason !== "unexpected end of data" || err.object === null || err.start <= 0) throw err;
      throw new UnicodeDecodeError(err.encoding ?? "utf-8", err.object.subarray(err.start), 0, err.end - err.start, err.reason);
    }
  }

  /**
   * A reset ended a line (or a text read that needed more): CPython raises it, and what it had
   * read is gone (the next call gives EOF), in both modes.
   */
  private dropLine(c: StreamConn, err: OSError): OSError {
    if (c.size) c.take(c.size);
    return err;
  }

  private async readText(size: number): Promise<string> {
    const c = this.conn("read");
    if (size === 0) return "";
    if (this.readBom) await this.takeBom(c);
    const wide = this.wide;
    // What `size` characters' bytes decoded to when `errors="ignore"` dropped some: read on for the rest
    // (a read that returns '' before EOF would end a `while (s = await f.read(1))` loop).
    let out = "";
    for (;;) {
      const err = c.size === 0 ? c.takeError() : null;
      if (err) throw err;
      const done = c.eof || c.readShut;
      if (size > 0 && c.size > 0) {
        // `size` characters take at most 4 bytes each (`\r\n`: 2 units), and one more unit for a `\r`'s `\n`.
        const unit = wide?.unit ?? 1;
        const b = c.take(Math.min(c.size, size * 4 * unit + unit), true);
        const [i, m] = walk(b, size, this.utf8, done && b.length === c.size, this.newline, false, wide);
        if (m === size) {
          const t = this.text(c.take(i));
          const k = t.length < m ? codePoints(t) : m;
          if (k >= m) return out + t;
          out += t; // (a dropped sequence was counted as a character)
          size -= k;
          continue;
        }
      }
      if (done) {
        // More was needed and a reset came: CPython's next read raises it, and the text so far is gone.
        const e = c.size ? c.takeError() : null;
        if (e) throw this.dropLine(c, e);
        return out + this.text(c.size ? c.take(c.size) : NOTHING);
      }
      await this.waitMore(c);
    }
  }

  /**
   * Like `f.read(size=-1)`: `size` bytes (fewer only at EOF), or everything up to EOF. Text
   * modes count characters and read `\r\n` and `\r` as `\n`. `null` (Python's None) reads to EOF
   * (unbuffered binary files: TypeError); a buffered binary file raises ValueError below -1.
   */
  async read(size: number | null = -1): Promise<PyBytes | string> {
    if (!this.binary) return this.readText(optionalSize(size)).then(this.atEof);
    // Buffered: an int or None, not below -1; unbuffered (SocketIO): a Py_ssize_t, any negative reads all.
    const n = this.unbuffered ? (size === undefined ? -1 : ssize(intArg(size))) : optionalSize(size);
    if (n < -1 && this.bufferSize !== 0) throw new ValueError("read length must be non-negative or -1");
    const c = this.conn("read");
    const want = n < 0 ? Infinity : n;
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < want) {
      if (c.size > 0) {
        const p = c.take(Math.min(want - got, c.size));
        parts.push(p);
        got += p.length;
        // Unbuffered: read(n) is one recv (what is there, at most n), as SocketIO's.
        if (this.unbuffered && want !== Infinity) break;
        continue;
      }
      const err = c.takeError();
      if (err) throw err;
      if (c.eof || c.readShut) break;
      try {
        await this.waitMore(c);
      } catch (e) {
        for (let i = parts.length - 1; i >= 0; i--) c.unshift(parts[i]!);
        // CPython's reader had pulled all of them out of the kernel: closing now sends FIN.
        if (this.timedOut) c.fileHeld = c.size;
        throw e;
      }
    }
    if (parts.length === 1) return this.out(parts[0]!);
    const all = new Uint8Array(got);
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    return this.out(all);
  }

  /**
   * Like `f.readinto(b)` (binary files): bytes into `b` as `f.read(len(b))` reads them (buffered:
   * until `b` is full or EOF; `buffering=0`: one receive); returns how many.
   * @throws AttributeError on a text file (TextIOWrapper has no readinto), TypeError for `bytes`.
   */
  async readinto(b: Uint8Array | ArrayBufferView): Promise<number> {
    if (!this.binary) throw new AttributeError("'_io.TextIOWrapper' object has no attribute 'readinto'");
    if (this.canRead && this._closed)
      throw new ValueError(this.unbuffered ? "I/O operation on closed file." : "readinto of closed file");
    if (b instanceof PyBytes || !ArrayBuffer.isView(b))
      throw new TypeError(`readinto() argument must be read-write bytes-like object, not ${b instanceof PyBytes ? "bytes" : pyTypeName(b)}`);
    const view = b instanceof Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (view.length === 0) {
      this.conn("read");
      return 0;
    }
    const data = (await this.read(view.length)) as Uint8Array;
    view.set(data);
    return data.length;
  }

  /**
   * Like `f.write(data)`: buffered (8192 bytes, or `buffering`) until `flush()` or `close()`;
   * a write that would overflow the buffer sends it first, as Python's BufferedWriter does. What
   * goes out is handed to the connection at once, and the socket's own `send`/`sendall`/`shutdown`
   * wait until file writes still in flight are done: the peer gets the bytes in program order.
   * On a non-blocking socket (`setblocking(false)`, timeout 0) each send is made at once, as
   * CPython's: an unbuffered file's write() is one send (the bytes taken, or `null` — Python's None
   * — when none could be); a buffered one keeps what fits in its buffer and raises BlockingIOError
   * (`characters_written`: how many of these bytes it took) when it cannot send the rest.
   * @returns the number of bytes (binary) or characters (text) written.
   */
  write(data: Uint8Array | ArrayBufferView | string): number | null {
    // CPython's order: TextIOWrapper takes a str, then checks closed, then writable; SocketIO
    // checks closed, writable, then sends bytes; BufferedWriter takes bytes, then checks closed.
    if (!this.binary && typeof data !== "string") throw new TypeError(`write() argument must be str, not ${pyTypeName(data)}`);
    if (this._closed && !this.buffered) throw new ValueError("I/O operation on closed file.");
    if (!this.canWrite) throw new UnsupportedOperation(!this.binary ? "not writable" : this.unbuffered ? "File or stream is not writable." : "write");
    if (typeof data === "string" && this.binary) throw new TypeError("a bytes-like object is required, not 'str'");
    const bytes = typeof data === "string" ? null : toBytes(data);
    if (this._closed) throw new ValueError("write to closed file");
    this.sock._fileTouch();
    this.raiseSendError();
    const nl = this.newline;
    // utf-8-sig's mark goes before the first text; a first write that fails to encode uses it up
    // (CPython's encoder has already emitted it into nothing).
    const bom = this.writeBom;
    this.writeBom = false;
    // `utf-16`/`utf-32`: little-endian, no byte order mark (TextIOWrapper writes one only at the
    // start of a seekable file).
    let b =
      bytes ??
      encodeText(nl === "\r" || nl === "\r\n" ? (data as string).replaceAll("\n", nl) : (data as string), this._encoding, this._errors);
    if (this.binary) {
      // Unbuffered, non-blocking: SocketIO.write, one send (None for EAGAIN).
      if (this.writeSize === 0 && this.sock._sendsNow) {
        const n = this.sendNow(b);
        return n > 0 || b.length === 0 ? n : null;
      }
      // Unbuffered: SocketIO.write is a send on the descriptor, which must still be there.
      if (this.unbuffered) this.sock._fileCheck();
      // (Only what the buffer keeps is copied: the caller may reuse `data`.)
      this.bufferWrite(b, true);
      return b.length;
    }
    if (bom) b = join([UTF8_BOM, b]);
    // TextIOWrapper: encoded text gathers until its chunk size (8 KiB), then goes to the buffer;
    // text that would make the gathered part larger than that sends it along first.
    if (this.textBytes + b.length > BUFFER_SIZE) this.textToBuffer();
    this.textParts.push(b);
    this.textBytes += b.length;
    if (this.textBytes >= BUFFER_SIZE) this.textToBuffer();
    return codePoints(data as string);
  }

  /** A text file's gathered writes go to the buffer (dropped if that raises, as CPython's). */
  private textToBuffer(): void {
    if (this.textBytes === 0) return;
    const parts = this.textParts;
    this.textParts = [];
    this.textBytes = 0;
    this.bufferWrite(join(parts));
  }

  /**
   * BufferedWriter.write: what would overflow the buffer sends the buffer first; data larger
   * than the buffer goes out at once, the rest waits for flush(). A send refused at once (after
   * shutdown(SHUT_WR)) raises here, as CPython's write() does, and keeps nothing.
   */
  private bufferWrite(b: Uint8Array, borrowed = false): void {
    if (this.sock._sendsNow) return this.bufferNow(b);
    if (borrowed) b = b.slice();
    if (this.pendingBytes + b.length > this.writeSize && this.writeShut()) throw oserror(E.EPIPE);
    if (this.pendingBytes > 0 && this.pendingBytes + b.length > this.writeSize) this.sendInBackground();
    this.pending.push(b);
    this.pendingBytes += b.length;
    // Larger than the buffer: BufferedWriter writes it itself, not as buffered bytes.
    if (this.pendingBytes > this.writeSize) this.sendInBackground(this.pending.length === 1);
  }

  /**
   * BufferedWriter.write on a non-blocking socket: what fits joins the buffer; else the buffer is
   * sent, then `b` itself while more than a buffer's worth is left, and the rest buffered. A send
   * that cannot proceed raises BlockingIOError at once, with how many of `b`'s bytes were taken
   * (sent, or kept in the buffer: they go out with a later flush()).
   */
  private bufferNow(b: Uint8Array): void {
    const size = this.writeSize;
    if (this.pendingBytes + b.length <= size) return this.keep(b);
    try {
      this.flushNow();
    } catch (err) {
      if (!(err instanceof BlockingIOError)) throw err;
      const room = size - this.pendingBytes;
      if (b.length <= room) return this.keep(b);
      this.keep(b.subarray(0, room));
      throw writeBlocked(room);
    }
    let done = 0;
    while (b.length - done > size) {
      const n = this.sendNow(b.subarray(done));
      if (n === 0) {
        this.keep(b.subarray(done, done + size));
        throw writeBlocked(done + size);
      }
      done += n;
    }
    if (done < b.length) this.keep(b.subarray(done));
  }

  /** Into the buffer (a copy: the caller may reuse its bytes). */
  private keep(b: Uint8Array): void {
    if (b.length === 0) return;
    this.pending.push(b.slice());
    this.pendingBytes += b.length;
  }

  /**
   * BufferedWriter's flush on a non-blocking socket: send the buffer until a send cannot proceed
   * (BlockingIOError, none of the call's bytes written; what is left stays buffered).
   */
  private flushNow(): void {
    if (this.pendingBytes === 0) return;
    let rest = this.pending.length === 1 ? this.pending[0]! : join(this.pending);
    this.pending = [rest];
    while (rest.length > 0) {
      const n = this.sendNow(rest);
      if (n === 0) throw writeBlocked(0);
      rest = rest.subarray(n);
      this.pending = rest.length ? [rest] : [];
      this.pendingBytes = rest.length;
    }
  }

  /** One non-blocking send of (the start of) `b`, after the files' sends still in flight: bytes taken, 0 for EAGAIN. */
  private sendNow(b: Uint8Array): number {
    this.sock._fileCheck();
    return socketChain(this.sock).n > 0 ? 0 : this.sock._sendNow(b);
  }

  /** Like `f.writelines(lines)`: each written in turn (no line ends added). */
  writelines(lines: Iterable<Uint8Array | ArrayBufferView | string>): void {
    if (this._closed) throw new ValueError("I/O operation on closed file.");
    for (const line of lines) this.write(line);
  }

  /** Like `f.flush()`: `sendall` of everything written so far. */
  async flush(): Promise<void> {
    // (A BufferedReader's flush is its raw file's: IOBase's message.)
    if (this._closed) throw new ValueError(this.buffered && this.canWrite ? "flush of closed file" : "I/O operation on closed file.");
    return this.flushOpen();
  }

  private async flushOpen(): Promise<void> {
    this.sock._fileTouch();
    this.textToBuffer();
    if (this.sock._sendsNow) return this.flushNow();
    try {
      await this.sendQueued();
    } catch (err) {
      // An earlier write's send failed first (a reset, then EPIPE for the sends after it):
      // CPython's write() raised that one, so it is the one reported.
      this.raiseSendError();
      throw err;
    }
    this.raiseSendError();
  }

  /**
   * A write's automatic send: its failure is raised by the next write() or flush(). `direct`: one
   * write larger than the buffer, which a failed send drops (not kept as buffered bytes).
   */
  private sendInBackground(direct = false): void {
    this.sendQueued(direct).catch((e: unknown) => (this.sendError ??= e));
  }

  /** A binary file with a buffer (BufferedWriter's messages); unbuffered and text files say IOBase's. */
  private get buffered(): boolean {
    return this.binary && this.bufferSize !== 0;
  }

  /**
   * Send what is buffered now, after the sends before it. With none in flight the bytes are
   * handed to the connection at once, so the socket's own calls made after this write (a
   * sendall, a shutdown) go after them, as CPython sends inside write().
   */
  private sendQueued(direct = false): Promise<void> {
    const parts = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.sends++;
    // After every file's earlier sends on this socket (two files' writes reach the peer in the
    // order they were made, as CPython's write() sends at once).
    const chain = socketChain(this.sock);
    chain.n++;
    // In the socket's mode now: CPython's write() sent them before a later setblocking(False).
    const timeout = this.sock.gettimeout();
    const run = chain.n === 1 ? this.sendParts(parts, timeout, direct) : chain.last.then(() => this.sendParts(parts, timeout, direct));
    const done = (): void => {
      chain.n--;
      this.sends--;
    };
    this.sending = chain.last = run.then(done, done);
    return run;
  }

  /** @internal Settles when the sends of written data are done (the socket's own sends and shutdown wait), or null if none is. */
  _sendsInFlight(): Promise<void> | null {
    return this.sends > 0 ? this.sending : null;
  }

  private async sendParts(parts: Uint8Array[], timeout: number | null, direct: boolean): Promise<void> {
    if (parts.length === 0) return;
    // One write for what was buffered, as Python's BufferedWriter sends it.
    const all = join(parts);
    try {
      this.sock._fileCheck();
      await this.sock._sendall(all, 0, timeout);
    } catch (err) {
      // The connection refused them (EPIPE, a reset): a buffered file keeps its buffer, as CPython's
      // BufferedWriter does, so the next flush() or close() raises again; a write larger than the
      // buffer went out on its own, and is dropped with its error as CPython's. (Not after a
      // timeout: part may have gone, and sending it again would duplicate it.)
      if (this.bufferSize !== 0 && !direct && err instanceof OSError && !(err instanceof TimeoutError) && !(err instanceof BlockingIOError)) {
        this.pending.unshift(all);
        this.pendingBytes += all.length;
      }
      throw err;
    }
  }

  /** The socket's sending side is shut down (`shutdown(SHUT_WR)`): sends fail with EPIPE. */
  private writeShut(): boolean {
    try {
      return this.sock._stream().writeShut;
    } catch {
      return false; // not connected: the send reports it
    }
  }

  private raiseSendError(): void {
    const e = this.sendError;
    this.sendError = null;
    if (e !== null) throw e;
  }

  /** Like `f.close()`: flushes; the socket stays open (closing both closes it). */
  async close(): Promise<void> {
    if (this._closed) return;
    try {
      if (this.canWrite) await this.flushOpen();
    } finally {
      this._closed = true;
      this.sock._fileClosed(this);
    }
  }

  /**
   * @internal The socket was closed and this file is no longer used: what CPython's finalizer
   * does when a handler returns without closing it. Written data is sent (a binary read-write
   * file drops it, as CPython's does); read-ahead is dropped.
   */
  async _finalize(): Promise<void> {
    if (this.canWrite && !(this.binary && this.canRead)) {
      // What is buffered is handed to the connection; a send the peer does not take gets one
      // I/O poll, then the socket is released (its pending call fails, what is in the runtime
      // lingers at most 10 s, docs/differences.md #25), as a script's end ends a blocked writer.
      const flushed = this.close().catch(() => undefined);
      await Promise.race([flushed, afterPoll(() => false)]);
    }
    this._closed = true;
  }

  /**
   * Like `f.readlines(hint=-1)`: the lines up to EOF, or stop once they total more than `hint`
   * bytes (binary) or characters (text).
   */
  async readlines(hint: number | null = -1): Promise<(PyBytes | string)[]> {
    const most = optionalSize(hint);
    if (this._closed) throw new ValueError("I/O operation on closed file.");
    const lines: (PyBytes | string)[] = [];
    let total = 0;
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return lines;
      lines.push(line);
      total += typeof line === "string" ? codePoints(line) : line.length;
      if (most > 0 && total > most) return lines;
    }
  }

  /** `for await (const line of f)`: lines until EOF. */
  [Symbol.asyncIterator](): AsyncIterableIterator<PyBytes | string> {
    // (By hand, not an async generator: one promise per line instead of four.)
    let started = false;
    let finished = false;
    const end = (): IteratorReturnResult<undefined> => {
      finished = true;
      return { done: true, value: undefined };
    };
    const it: AsyncIterableIterator<PyBytes | string> = {
      next: (): Promise<IteratorResult<PyBytes | string>> => {
        if (finished) return Promise.resolve(end());
        if (!started) {
          started = true;
          if (this._closed) {
            finished = true;
            return Promise.reject(new ValueError("I/O operation on closed file."));
          }
        }
        return this.readline().then(
          (line) => (line.length === 0 ? end() : { done: false, value: line }),
          (err: unknown) => {
            finished = true;
            throw err;
          },
        );
      },
      return: () => Promise.resolve(end()),
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
