// `socket()` callable without `new`, with `s instanceof socket` true, as in Python.
import { Socket } from "./socket.js";
import { errno as E } from "./errno.js";
import { ValueError, oserror } from "./errors.js";
import { cIntValue } from "./_args.js";

/** `socket.socket`: call it (`socket(AF_INET, SOCK_STREAM)`) or use it with `instanceof`. */
export interface SocketConstructor {
  (family?: number, type?: number, proto?: number, fileno?: number | null): Socket;
  new (family?: number, type?: number, proto?: number, fileno?: number | null): Socket;
  readonly prototype: Socket;
}

/**
 * Like `socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0)`.
 * @throws OSError `[Errno 97] Address family not supported by protocol`, `[Errno 22]` for a bad type;
 * `[Errno 9]` for a `fileno` (ValueError if negative; polysock's descriptors are not the OS's: no socket can be made from one, differences #31).
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
  if (fileno !== undefined && fileno !== null) {
    if (cIntValue(fileno) < 0) throw new ValueError("negative file descriptor");
    throw oserror(E.EBADF);
  }
  // `class MySocket extends socket.socket` (Python: `class MySocket(socket.socket)`): its instances.
  const sub = new.target;
  return sub === undefined || sub === socket ? new Socket(family, type, proto) : Reflect.construct(Socket, [family, type, proto], sub);
} as unknown as SocketConstructor;
(socket as unknown as { prototype: Socket }).prototype = Socket.prototype;

export { Socket };
