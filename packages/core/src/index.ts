/**
 * `@polysock/core`: Python's `socket` module for Node.js, Bun and Deno.
 *
 * @example
 * ```ts
 * import * as socket from "@polysock/core";
 * await using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
 * await s.connect(["127.0.0.1", 65432]);
 * await s.sendall("Hello, world");
 * const data = await s.recv(1024);
 * console.log(`Received ${data}`); // Received b'Hello, world'
 * ```
 * @module
 */
export * from "./constants.js";
export { AddressFamily, SocketKind, MsgFlag, AddressInfo, type IntEnumClass } from "./enums.js";
export { errno, errorcode } from "./errno.js";
export {
  OSError,
  OSError as error,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  ConnectionAbortedError,
  BrokenPipeError,
  BlockingIOError,
  TimeoutError,
  TimeoutError as timeout,
  PermissionError,
  FileNotFoundError,
  InterruptedError,
  FileExistsError,
  IsADirectoryError,
  NotADirectoryError,
  ChildProcessError,
  ProcessLookupError,
  gaierror,
  herror,
  ValueError,
  UnicodeError,
  UnicodeDecodeError,
  UnsupportedOperation,
  UnicodeEncodeError,
  LookupError,
  OverflowError,
  AttributeError,
  KeyError,
  RuntimeError,
  ExceptionGroup,
  strerror,
} from "./errors.js";
export { PyBytes } from "./bytes.js";
export { PyTuple, PyList, type Address, type AddressInput, type InetAddress, type Inet6Address } from "./address.js";
export { Socket, Socket as SocketType, socket, type SocketConstructor } from "./_factory.js";
export type { WritableBuffer } from "./socket.js";
export { SocketFile, type MakefileOptions } from "./makefile.js";
export type { SendfileSource } from "./sendfile.js";
export {
  getaddrinfo,
  gethostbyname,
  gethostbyname_ex,
  gethostname,
  create_connection,
  create_server,
  has_dualstack_ipv6,
  socketpair,
  close,
  dup,
  fromfd,
  type AddrInfo,
  type CreateConnectionOptions,
  type CreateServerOptions,
} from "./functions.js";
export { getservbyname, getservbyport, getprotobyname } from "./netdb.js";
export { CMSG_LEN, CMSG_SPACE, send_fds, recv_fds, type RecvmsgResult, type RecvmsgIntoResult } from "./_msg.js";
export { getnameinfo, gethostbyaddr, getfqdn } from "./reverse.js";
export { if_nameindex, if_nametoindex, if_indextoname } from "./interfaces.js";
export { select } from "./select.js";
export { Poll, poll, POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND, POLLMSG, POLLRDHUP } from "./poll.js";
export { Epoll, epoll, EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLRDBAND, EPOLLWRNORM, EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP, EPOLLEXCLUSIVE, EPOLLONESHOT, EPOLLET, EPOLL_CLOEXEC } from "./epoll.js";
export * as selectors from "./selectors.js";
export { inet_aton, inet_ntoa, inet_pton, inet_ntop, htons, ntohs, htonl, ntohl } from "./inet.js";
export { getdefaulttimeout, setdefaulttimeout } from "./_timeout.js";
export { useAdapter, getAdapter } from "./runtime.js";
export { fromNative } from "./native-errors.js";
export type * from "./contract.js";
