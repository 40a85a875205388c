// IPv4 multicast on a UDP socket: IP_ADD/DROP_MEMBERSHIP checked as Linux checks them, and every
// multicast option handed to the runtime's socket (at once, or when bind() creates it).
import * as C from "./constants.js";
import type { DatagramTransport } from "./contract.js";
import { errno as E } from "./errno.js";
import { oserror } from "./errors.js";
import { fromNative } from "./native-errors.js";
import type { SocketOptions } from "./_options.js";
import { intArg } from "./bytes.js";

const ip4 = (b: Uint8Array, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/**
 * `struct ip_mreq` (group, interface address: `struct.pack("4s4s", …)`) or `struct ip_mreqn`
 * (group, address, interface index: 12 bytes or more, as `struct.pack("4sl", group, INADDR_ANY)`).
 * @returns [group, interface address]; "0.0.0.0" lets the route decide.
 * @throws OSError `[Errno 22]` for a short value or a group that is not multicast.
 */
function parseMreq(value: unknown, add: boolean): [string, string] {
  if (!(value instanceof Uint8Array)) {
    intArg(value); // TypeError for what is neither bytes nor an int
    throw oserror(E.EINVAL);
  }
  if (value.length < 8) throw oserror(E.EINVAL);
  // (Leaving a group that is not multicast is leaving one not joined: EADDRNOTAVAIL below.)
  if (add && (value[0]! < 224 || value[0]! > 239)) throw oserror(E.EINVAL);
  let iface = ip4(value, 4);
  // Interface index 1 is the loopback interface (the only index known without asking the OS).
  if (value.length >= 12 && iface === "0.0.0.0" && value[8] === 1 && !value[9] && !value[10] && !value[11]) iface = "127.0.0.1";
  return [ip4(value, 0), iface];
}

/** The multicast state of one UDP socket. */
export class Multicast {
  /** Joined groups: "group interface" → [group, interface]. */
  private readonly groups = new Map<string, [string, string]>();
  /** IP_MULTICAST_TTL/LOOP/IF: the options set (so bind() hands them to the runtime's socket). */
  readonly changed = new Set<number>();

  /**
   * setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP or IP_DROP_MEMBERSHIP, mreq).
   * @throws OSError `[Errno 98]` joining twice, `[Errno 99]` leaving a group not joined, the runtime's error.
   */
  membership(add: boolean, value: unknown, t: DatagramTransport | null): void {
    const [group, iface] = parseMreq(value, add);
    const k = `${group} ${iface}`;
    if (add === this.groups.has(k)) throw oserror(add ? E.EADDRINUSE : E.EADDRNOTAVAIL);
    if (t !== null) {
      try {
        t.setMembership!(add, group, iface);
      } catch (err) {
        throw fromNative(err);
      }
    }
    if (add) this.groups.set(k, [group, iface]);
    else this.groups.delete(k);
  }

  /** Hand IP_MULTICAST_TTL/LOOP/IF to the runtime's socket. @throws the runtime's error, translated. */
  static option(t: DatagramTransport, opt: number, opts: SocketOptions): void {
    try {
      if (opt === C.IP_MULTICAST_TTL) t.setMulticast!("ttl", opts.get(C.IPPROTO_IP, opt));
      else if (opt === C.IP_MULTICAST_LOOP) t.setMulticast!("loop", opts.get(C.IPPROTO_IP, opt));
      else t.setMulticast!("iface", opts.multicastIface());
    } catch (err) {
      throw fromNative(err);
    }
  }

  /**
   * bind() created the runtime's socket: what was set before goes to it now. The kernel would
   * have refused a bad interface at setsockopt(); here it cannot, so such a setting is dropped.
   */
  apply(t: DatagramTransport, opts: SocketOptions): void {
    for (const opt of this.changed) {
      try {
        Multicast.option(t, opt, opts);
      } catch {
        // see above
      }
    }
    for (const [k, [group, iface]] of this.groups) {
      try {
        t.setMembership!(true, group, iface);
      } catch {
        this.groups.delete(k);
      }
    }
  }
}
