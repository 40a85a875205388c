// The netdb lookups of Python's socket module: services and protocols.
import { OSError, OverflowError } from "./errors.js";
import { argTypeName, pyTypeName } from "./bytes.js";
import { SERVICES_DATA } from "./_services.js";

/** One service of /etc/services. */
interface Service {
  name: string;
  port: number;
  /** Its protocols: t (tcp), u (udp), s (sctp), d (ddp). */
  protos: string;
  aliases: string[];
}

let table: Service[] | null = null;
function services(): Service[] {
  return (table ??= SERVICES_DATA.split(";").map((r) => {
    const [name, port, protos, ...aliases] = r.split(" ");
    return { name: name!, port: Number(port), protos: protos!, aliases };
  }));
}

const LETTERS: Record<string, string> = { tcp: "t", udp: "u", sctp: "s", ddp: "d" };
const protoLetter = (proto: string | undefined): string | undefined => (proto === undefined ? undefined : LETTERS[proto] ?? "-");

/** The port of service `name` (or an alias; case matters, as in glibc) for `proto` ("tcp"/"udp", any if omitted). */
export function servicePort(name: string, proto?: string): number | undefined {
  const p = protoLetter(proto);
  const s = services().find((x) => (x.name === name || x.aliases.includes(name)) && (p === undefined || x.protos.includes(p)));
  return s?.port;
}

/** The name of the service on `port` for `proto` ("tcp"/"udp", any if omitted). */
export function serviceName(port: number, proto?: string): string | undefined {
  const p = protoLetter(proto);
  return services().find((x) => x.port === port && (p === undefined || x.protos.includes(p)))?.name;
}

const PROTOCOLS: Record<string, number> = { ip: 0, icmp: 1, tcp: 6, udp: 17, ipv6: 41, "ipv6-icmp": 58 };

function protoArg(proto: unknown, fname: string): string | undefined {
  if (proto === undefined || proto === null) return undefined;
  if (typeof proto !== "string") throw new TypeError(`${fname}() argument 2 must be str, not ${argTypeName(proto)}`);
  return proto;
}

/**
 * Like `socket.getservbyname(servicename[, protocolname])`: the port of a service in /etc/services
 * (Debian's list, built in).
 * @throws OSError `service/proto not found`
 */
export function getservbyname(servicename: string, protocolname?: string): number {
  if (typeof servicename !== "string")
    throw new TypeError(`getservbyname() argument 1 must be str, not ${argTypeName(servicename)}`);
  const port = servicePort(servicename, protoArg(protocolname, "getservbyname"));
  if (port === undefined) throw new OSError("service/proto not found");
  return port;
}

/**
 * Like `socket.getservbyport(port[, protocolname])`: the name of a service in /etc/services.
 * @throws OSError `port/proto not found`; OverflowError for a port outside 0-65535.
 */
export function getservbyport(port: number, protocolname?: string): string {
  if (typeof port !== "number" || !Number.isInteger(port))
    throw new TypeError(`'${pyTypeName(port)}' object cannot be interpreted as an integer`);
  if (port < 0 || port > 65535) throw new OverflowError("getservbyport: port must be 0-65535.");
  const name = serviceName(port, protoArg(protocolname, "getservbyport"));
  if (name === undefined) throw new OSError("port/proto not found");
  return name;
}

/**
 * Like `socket.getprotobyname(protocolname)`: `"tcp"` → 6, `"udp"` → 17, `"icmp"` → 1 …
 * @throws OSError `protocol not found`
 */
export function getprotobyname(protocolname: string): number {
  if (typeof protocolname !== "string")
    throw new TypeError(`getprotobyname() argument 1 must be str, not ${argTypeName(protocolname)}`);
  const p = PROTOCOLS[protocolname.toLowerCase()];
  if (p === undefined) throw new OSError("protocol not found");
  return p;
}
