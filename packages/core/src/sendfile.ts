// sock.sendfile(file, offset=0, count=None) for what a JavaScript program holds a file as:
// a Blob (Bun.file(), Node's fs.openAsBlob()), bytes, or an async iterable of chunks (a Node
// read stream, a Deno file's `readable`).
import * as C from "./constants.js";
import { ValueError, oserror } from "./errors.js";
import { errno as E } from "./errno.js";
import { intArg, pyTypeName } from "./bytes.js";
import { pyRepr } from "./_repr.js";

/** What `sendfile` can send: a Blob, bytes, or chunks as they are read. */
export type SendfileSource = Blob | ArrayBufferView | AsyncIterable<Uint8Array>;

/** The socket calls sendfile needs (kept small so this file stays independent of Socket). */
interface Sender {
  readonly type: number;
  fileno(): number;
  gettimeout(): number | null;
  sendall(data: Uint8Array): Promise<void>;
}

const CHUNK = 256 * 1024;

/** `count` as CPython's _check_sendfile_params takes it: None (no limit) or an int > 0. */
function sendCount(count: unknown): number {
  if (count === null || count === undefined) return Infinity;
  const n = typeof count === "boolean" ? Number(count) : count;
  if (typeof n !== "number" || !Number.isInteger(n)) throw new TypeError(`count must be a positive integer (got ${pyRepr(count)})`);
  if (n <= 0) throw new ValueError(`count must be a positive integer (got ${pyRepr(count)})`);
  return n;
}

/** Like `sock.sendfile(file, offset=0, count=None)` (see {@link Socket.sendfile}). */
export async function sendfile(s: Sender, file: SendfileSource, offset = 0, count: number | null = null): Promise<number> {
  if (s.type !== C.SOCK_STREAM) throw new ValueError("only SOCK_STREAM type sockets are supported");
  const limit = sendCount(count);
  if (s.gettimeout() === 0) throw new ValueError("non-blocking sockets are not supported");
  if (intArg(offset) < 0) throw oserror(E.EINVAL); // os.sendfile's (and seek's) EINVAL
  // A closed socket: CPython's selector refuses its descriptor (-1) before anything is sent.
  if (s.fileno() < 0) throw new ValueError("Invalid file descriptor: -1");
  let sent = 0;
  if (typeof Blob !== "undefined" && file instanceof Blob) {
    const end = Math.min(file.size, offset + limit);
    for (let at = offset; at < end; at += CHUNK) {
      const part = new Uint8Array(await file.slice(at, Math.min(end, at + CHUNK)).arrayBuffer());
      await s.sendall(part);
      sent += part.length;
    }
    return sent;
  }
  if (ArrayBuffer.isView(file)) {
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    const part = bytes.subarray(Math.min(offset, bytes.length), Math.min(bytes.length, offset + limit));
    await s.sendall(part);
    return part.length;
  }
  if (file !== null && typeof file === "object" && Symbol.asyncIterator in file) {
    let skip = offset;
    for await (const chunk of file) {
      let c = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk as ArrayBuffer);
      if (skip > 0) {
        const n = Math.min(skip, c.length);
        skip -= n;
        c = c.subarray(n);
      }
      if (c.length > limit - sent) c = c.subarray(0, limit - sent);
      if (c.length > 0) await s.sendall(c);
      sent += c.length;
      if (sent >= limit) break;
    }
    return sent;
  }
  throw new TypeError(`sendfile() needs a Blob, bytes or an async iterable of bytes, not ${pyTypeName(file)}`);
}
