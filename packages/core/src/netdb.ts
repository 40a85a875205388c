// The netdb lookups of Python's socket module: services and protocols.
import { OSError, OverflowError } from "./errors.js";
import { pyTypeName } from "./bytes.js";

/** Well-known services (tcp and udp), as /etc/services lists them. */
export const SERVICES: Record<string, number> = {
  echo: 7, discard: 9, daytime: 13, ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53,
  http: 80, pop3: 110, ntp: 123, imap: 143, snmp: 161, ldap: 389, https: 443, imaps: 993, pop3s: 995,
};

const PROTOCOLS: Record<string, number> = { ip: 0, icmp: 1, tcp: 6, udp: 17, ipv6: 41, "ipv6-icmp": 58 };

function protoOk(proto: unknown, fname: string): boolean {
  if (proto === undefined || proto === null) return true;
  if (typeof proto !== "string") throw new TypeError(`${fname}() argument 2 must be str, not ${pyTypeName(proto)}`);
  return proto === "tcp" || proto === "udp";
}

/**
 * Like `socket.getservbyname(servicename[, protocolname])`: the port of a well-known service.
 * @throws OSError `service/proto not found`
 */
export function getservbyname(servicename: string, protocolname?: string): number {
  if (typeof servicename !== "string")
    throw new TypeError(`getservbyname() argument 1 must be str, not ${pyTypeName(servicename)}`);
  const port = SERVICES[servicename.toLowerCase()];
  if (port === undefined || !protoOk(protocolname, "getservbyname")) throw new OSError("service/proto not found");
  return port;
}

/**
 * Like `socket.getservbyport(port[, protocolname])`: the name of a well-known service.
 * @throws OSError `port/proto not found`; OverflowError for a port outside 0-65535.
 */
export function getservbyport(port: number, protocolname?: string): string {
  if (typeof port !== "number" || !Number.isInteger(port))
    throw new TypeError(`'${pyTypeName(port)}' object cannot be interpreted as an integer`);
  if (port < 0 || port > 65535) throw new OverflowError("getservbyport: port must be 0-65535.");
  const name = Object.keys(SERVICES).find((k) => SERVICES[k] === port);
  if (name === undefined || !protoOk(protocolname, "getservbyport")) throw new OSError("port/proto not found");
  return name;
}

/**
 * Like `socket.getprotobyname(protocolname)`: `"tcp"` → 6, `"udp"` → 17, `"icmp"` → 1 …
 * @throws OSError `protocol not found`
 */
export function getprotobyname(protocolname: string): number {
  if (typeof protocolname !== "string")
    throw new TypeError(`getprotobyname() argument 1 must be str, not ${pyTypeName(protocolname)}`);
  const p = PROTOCOLS[protocolname.toLowerCase()];
  if (p === undefined) throw new OSError("protocol not found");
  return p;
}
