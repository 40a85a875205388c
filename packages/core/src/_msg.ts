// sendmsg / recvmsg / recvmsg_into over a socket's send/sendto and recv/recvfrom: scatter and
// gather, and MSG_TRUNC for a truncated datagram. No ancillary data (no runtime passes any).
import * as C from "./constants.js";
import { errno as E } from "./errno.js";
import { OverflowError, ValueError, oserror } from "./errors.js";
import { type Address, parseAddress, tuple } from "./address.js";
import { PyBytes, asPyBytes, join, pyTypeName, toBytes } from "./bytes.js";
import { cIntArg, ssizeArg } from "./_args.js";
import type { Socket } from "./socket.js";
import { pyList } from "./_repr.js";

/** The largest datagram any family carries: recvmsg asks for it all, to see truncation. */
const WHOLE_DATAGRAM = 65536;

/** `recvmsg`'s result: `(data, ancdata, msg_flags, address)`. */
export type RecvmsgResult = [PyBytes, [], number, Address | null];
/** `recvmsg_into`'s result: `(nbytes, ancdata, msg_flags, address)`. */
export type RecvmsgIntoResult = [number, [], number, Address | null];

function items(v: unknown, fname: string, arg = 1): unknown[] {
  if (v === null || v === undefined || typeof v === "string" || typeof (v as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`${fname}() argument ${arg} must be an iterable`);
  }
  return Array.from(v as Iterable<unknown>);
}

const ANC_ITEM = "[sendmsg() ancillary data items]()";

/** One ancillary item checked as CPython's `(iiy*)` format: (level, type, bytes-like data). */
function ancItem(v: unknown): void {
  const seq = Array.isArray(v) || typeof v === "string" || v instanceof Uint8Array;
  if (!seq) throw new TypeError(`${ANC_ITEM} argument must be 3-item sequence, not ${pyTypeName(v)}`);
  const item = v as ArrayLike<unknown>;
  if (item.length !== 3) throw new TypeError(`${ANC_ITEM} argument must be sequence of length 3, not ${item.length}`);
  cIntArg(item[0]);
  cIntArg(item[1]);
  const data = item[2];
  if (!ArrayBuffer.isView(data) && !(data instanceof ArrayBuffer)) throw new TypeError(`a bytes-like object is required, not '${pyTypeName(data)}'`);
}

/** Linux's `struct cmsghdr` on 64-bit machines, and CPython's limit for a control message's length. */
const CMSG_HDR = 16;
const SOCKLEN_MAX = 0x7fffffff;

function ancBufsize(n: number): void {
  if (n < 0 || n > SOCKLEN_MAX) throw new ValueError("invalid ancillary data buffer length");
}

/** Gather `buffers` into one and send it as `send` / `sendto` would. */
/** Linux's limit on the buffers of one sendmsg/recvmsg (UIO_MAXIOV). */
const UIO_MAXIOV = 1024;

export async function sendmsg(s: Socket, buffers: unknown, ancdata: unknown, flags: unknown, address: unknown): Promise<number> {
  // CPython's order: the flags (an int), the address (getsockaddrarg), the buffers, the ancillary
  // items, and only then the socket (EBADF).
  const f = cIntArg(flags);
  const to = address === undefined || address === null ? null : address;
  if (to !== null) parseAddress(s.family, to, "sendmsg");
  const parts = items(buffers, "sendmsg").map(toBytes);
  const anc = ancdata === undefined ? [] : items(ancdata, "sendmsg", 2); // (None too is not an iterable)
  anc.forEach(ancItem);
  if (anc.length > 0) {
    // Control messages (SCM_RIGHTS …): no runtime can pass them (differences #31).
    s._check();
    throw oserror(E.EOPNOTSUPP);
  }
  if (parts.length > UIO_MAXIOV) {
    s._check();
    throw oserror(E.EMSGSIZE); // Linux: at most 1024 buffers per call (sendmsg(2)'s iovec)
  }
  const data = join(parts);
  return to === null ? s.send(data, f) : s._sendtoAs(data, f, to, "sendmsg");
}

/** `recv` / `recvfrom` as a message: a datagram longer than `bufsize` sets MSG_TRUNC. */
export async function recvmsg(s: Socket, bufsize: unknown, ancbufsize: unknown, flags: number): Promise<RecvmsgResult> {
  // CPython parses all three ("n|ni"), checks the sizes, then uses the socket (EBADF).
  const n = ssizeArg(bufsize);
  const anc = ssizeArg(ancbufsize);
  flags = cIntArg(flags);
  if (n < 0) throw new ValueError("negative buffer size in recvmsg()");
  ancBufsize(anc);
  s._check();
  // msg_flags starts as the flags' MSG_CMSG_CLOEXEC (Linux's ___sys_recvmsg), then the protocol's.
  const cloexec = flags & C.MSG_CMSG_CLOEXEC;
  if (s.type === C.SOCK_STREAM) {
    const [data, from] = await s._recvStream(n, flags);
    return tuple(data, pyList([]), cloexec, from) as RecvmsgResult;
  }
  const [whole, from] = await s.recvfrom(WHOLE_DATAGRAM, flags);
  const cut = whole.length > n;
  return tuple(cut ? asPyBytes(whole.subarray(0, n)) : whole, pyList([]), cloexec | (cut ? C.MSG_TRUNC : 0), from) as RecvmsgResult;
}

/** `recvmsg` scattered into `buffers` (filled in order). */
export async function recvmsgInto(s: Socket, buffers: unknown, ancbufsize: unknown, flags: number): Promise<RecvmsgIntoResult> {
  const views = items(buffers, "recvmsg_into").map((b) => {
    if (b instanceof PyBytes || !ArrayBuffer.isView(b))
      throw new TypeError("recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers");
    return b instanceof Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  });
  if (views.length > UIO_MAXIOV) {
    s._check();
    throw oserror(E.EMSGSIZE); // Linux: at most 1024 buffers per call; nothing is read
  }
  const [data, , msgFlags, from] = await recvmsg(s, views.reduce((n, v) => n + v.length, 0), ancbufsize, flags);
  let at = s._truncDiscards(cIntArg(flags)) ? data.length : 0; // (TCP's MSG_TRUNC copies nothing)
  for (const v of views) {
    if (at >= data.length) break;
    const part = data.subarray(at, at + v.length);
    v.set(part);
    at += part.length;
  }
  return tuple(data.length, pyList([]), msgFlags, from) as RecvmsgIntoResult;
}

function cmsgLength(length: unknown, fname: string, space: boolean): number {
  const n = ssizeArg(length); // "n": a C ssize_t
  // CPython's limits: SOCKLEN_MAX - CMSG_LEN(0) for a length, SOCKLEN_MAX - CMSG_SPACE(1) for a space.
  if (n < 0 || n > SOCKLEN_MAX - (space ? CMSG_HDR + 8 : CMSG_HDR)) throw new OverflowError(`${fname}() argument out of range`);
  return CMSG_HDR + (space ? Math.ceil(n / 8) * 8 : n);
}

/**
 * Like `socket.CMSG_LEN(length)`: the size of a control message carrying `length` bytes
 * (`CMSG_LEN(4)` is 20). polysock sends no control messages (differences #31).
 * @throws OverflowError `CMSG_LEN() argument out of range`
 */
export function CMSG_LEN(length: number): number {
  return cmsgLength(length, "CMSG_LEN", false);
}

/**
 * Like `socket.CMSG_SPACE(length)`: the buffer space a control message carrying `length`
 * bytes takes, padding included (`CMSG_SPACE(4)` is 24).
 * @throws OverflowError `CMSG_SPACE() argument out of range`
 */
export function CMSG_SPACE(length: number): number {
  return cmsgLength(length, "CMSG_SPACE", true);
}

/**
 * Like `socket.send_fds(sock, buffers, fds[, flags[, address]])`: `sendmsg()` with the descriptors
 * as SCM_RIGHTS. No runtime passes descriptors: with none it sends the buffers (as Linux does
 * for an empty SCM_RIGHTS), with any it raises `OSError [Errno 95]` (differences #31).
 * @returns the bytes sent.
 */
export async function send_fds(
  sock: Socket,
  buffers: Iterable<Uint8Array | ArrayBufferView | string>,
  fds: Iterable<number>,
  flags = 0,
  address: unknown = null,
): Promise<number> {
  const list = Int32Array.from([...fds].map(cIntArg)); // array("i", fds)
  const anc = list.length > 0 ? [tuple(C.SOL_SOCKET, C.SCM_RIGHTS, new Uint8Array(list.buffer))] : [];
  return sendmsg(sock, buffers, anc, flags, address);
}

/**
 * Like `msg, fds, flags, addr = socket.recv_fds(sock, bufsize, maxfds[, flags])`: `recvmsg()` with
 * room for `maxfds` descriptors. None ever come (differences #31): `fds` is `[]`.
 * @throws OverflowError `CMSG_LEN() argument out of range` for a negative `maxfds`.
 */
export async function recv_fds(sock: Socket, bufsize: number, maxfds: number, flags = 0): Promise<[PyBytes, number[], number, Address | null]> {
  const [msg, , msgFlags, address] = await recvmsg(sock, bufsize, CMSG_LEN(cIntArg(maxfds) * 4), flags);
  return tuple(msg, pyList<number>([]), msgFlags, address) as unknown as [PyBytes, number[], number, Address | null];
}
