// Linux's checks of socket(2)'s and socketpair(2)'s family, type and protocol, in its order.
import * as C from "./constants.js";
import { errno as E } from "./errno.js";
import { oserror } from "./errors.js";

/** Linux's IPPROTO_MAX (the kernel's; glibc's header says 256): inet protocols are below it. */
const LINUX_IPPROTO_MAX = 263;

/**
 * Check a socket's family, type and protocol as Linux's socket(2) does (flags or-ed into the
 * type first, then the family, the type, the protocol), and return the type without its flags.
 * @throws OSError as socket(2): EINVAL, EAFNOSUPPORT, ESOCKTNOSUPPORT, EPROTONOSUPPORT, EPERM, EACCES
 */
export function socketKind(family: number, type: number, proto: number): number {
  // Only SOCK_NONBLOCK and SOCK_CLOEXEC may be or-ed into the type (__sys_socket): EINVAL before the family.
  if ((type & ~0xf & ~(C.SOCK_NONBLOCK | C.SOCK_CLOEXEC)) !== 0) throw oserror(E.EINVAL);
  type &= 0xf;
  if (family !== C.AF_INET && family !== C.AF_INET6 && family !== C.AF_UNIX) throw oserror(E.EAFNOSUPPORT);
  if (type > 10) throw oserror(E.EINVAL); // beyond Linux's socket types (SOCK_MAX)
  // Linux's inet sockets: a protocol number beyond IPPROTO_MAX is EINVAL; a unix socket takes 0 or PF_UNIX.
  if (family !== C.AF_UNIX && (proto < 0 || proto >= LINUX_IPPROTO_MAX)) throw oserror(E.EINVAL);
  if (family === C.AF_UNIX && proto !== 0 && proto !== C.AF_UNIX) throw oserror(E.EPROTONOSUPPORT);
  // Raw sockets need a protocol (proto 0: EPROTONOSUPPORT) and privileges no runtime has. (A
  // unix SOCK_RAW is a datagram socket, #22.)
  if (type === C.SOCK_RAW && family !== C.AF_UNIX) throw oserror(proto === 0 ? E.EPROTONOSUPPORT : E.EPERM);
  if (type !== C.SOCK_STREAM && type !== C.SOCK_DGRAM && !(family === C.AF_UNIX && type === C.SOCK_RAW)) {
    // Linux: a type the family lacks is ESOCKTNOSUPPORT.
    throw oserror(family === C.AF_UNIX && type === C.SOCK_SEQPACKET ? E.EAFNOSUPPORT : E.ESOCKTNOSUPPORT);
  }
  // No runtime offers unix datagram or seqpacket sockets (differences #22).
  if (family === C.AF_UNIX && type !== C.SOCK_STREAM) throw oserror(E.EAFNOSUPPORT);
  // ICMP "ping" sockets: Linux lets only the groups in net.ipv4.ping_group_range have them
  // (EACCES otherwise, as for root on this kind of machine); no runtime offers them.
  const ping = family === C.AF_INET ? C.IPPROTO_ICMP : C.IPPROTO_ICMPV6;
  if (type === C.SOCK_DGRAM && family !== C.AF_UNIX && proto === ping) throw oserror(E.EACCES);
  const expect = type === C.SOCK_STREAM ? C.IPPROTO_TCP : C.IPPROTO_UDP;
  // (UDP-Lite and MPTCP sockets are not offered: differences #72.)
  if (family !== C.AF_UNIX && proto !== 0 && proto !== expect) throw oserror(E.EPROTONOSUPPORT);
  return type;
}
