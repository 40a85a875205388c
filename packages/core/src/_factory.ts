// `socket()` callable without `new`, with `s instanceof socket` true, as in Python.
import { Socket } from "./socket.js";
import { errno as E } from "./errno.js";
import { ValueError, oserror } from "./errors.js";
import { cIntValue, cLongArg } from "./_args.js";
import { claimNumber } from "./_dup.js";
import { getdefaulttimeout } from "./_timeout.js";

/** `socket.socket`: call it (`socket(AF_INET, SOCK_STREAM)`) or use it with `instanceof`. */
export interface SocketConstructor {
  (family?: number, type?: number, proto?: number, fileno?: number | null): Socket;
  new (family?: number, type?: number, proto?: number, fileno?: number | null): Socket;
  readonly prototype: Socket;
}

/**
 * Like `socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0)`.
 * @throws OSError `[Errno 97] Address family not supported by protocol`, `[Errno 22]` for a bad type;
 * With `fileno`: a socket object on the number `sock.detach()` or `socket.dup(fd)` returned, or on an open
 * socket's number (sharing it, as two Python objects on one descriptor do: closing either closes it); `[Errno 9]` for any
 * other (polysock's numbers are its sockets', not the OS's descriptors: differences #31), ValueError if negative.
 * @example An echo server
 * ```ts
 * import * as socket from "@polysock/core";
 * await using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * await s.bind(["127.0.0.1", 0]);
 * await s.listen();
 * console.log(`${s.getsockname()}`); // ('127.0.0.1', 43117)
 * ```
 */
export const socket = function socket(family?: number, type?: number, proto?: number, fileno?: number | null): Socket {
  // `class MySocket extends socket.socket` (Python: `class MySocket(socket.socket)`): its instances.
  const sub = new.target;
  if (fileno !== undefined && fileno !== null) {
    // CPython converts family, type and proto (C ints) first, then fileno (a C long, kept as an int).
    if (family !== undefined) cIntValue(family);
    if (type !== undefined) cIntValue(type);
    const p = proto === undefined ? -1 : cIntValue(proto);
    const s = onNumber(Number(BigInt.asIntN(32, BigInt(cLongArg(fileno)))), p);
    return sub === undefined || sub === socket ? s : Object.setPrototypeOf(s, sub.prototype);
  }
  return sub === undefined || sub === socket ? new Socket(family, type, proto) : Reflect.construct(Socket, [family, type, proto], sub);
} as unknown as SocketConstructor;
(socket as unknown as { prototype: Socket }).prototype = Socket.prototype;

/**
 * `socket(fileno=fd)`: a socket object on a number detach() or dup(fd) left, or on an open socket's.
 * Objects on one number share it, as in CPython: closing it through one closes it for all.
 */
function onNumber(fd: number, proto: number): Socket {
  if (fd < 0) throw new ValueError("negative file descriptor");
  const s = claimNumber<Socket>(fd, getdefaulttimeout(), proto);
  if (s === undefined) throw oserror(E.EBADF);
  return s;
}

export { Socket };
