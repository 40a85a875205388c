// The netdb lookups of Python's socket module: services and protocols.
import { OSError, OverflowError, ValueError } from "./errors.js";
import { argTypeName } from "./bytes.js";
import { utf8Arg } from "./_encode.js";
import { SERVICES_DATA } from "./_services.js";
import { cIntArg } from "./_args.js";

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

/** Debian's /etc/protocols (netbase), as glibc reads it: "name number aliases…", names case-sensitive. */
const PROTOCOL_TABLE =
  "ip 0 IP;hopopt 0 HOPOPT;icmp 1 ICMP;igmp 2 IGMP;ggp 3 GGP;ipencap 4 IP-ENCAP;st 5 ST;tcp 6 TCP;egp 8" +
  " EGP;igp 9 IGP;pup 12 PUP;udp 17 UDP;hmp 20 HMP;xns-idp 22 XNS-IDP;rdp 27 RDP;iso-tp4 29 ISO-TP4;dcc" +
  "p 33 DCCP;xtp 36 XTP;ddp 37 DDP;idpr-cmtp 38 IDPR-CMTP;ipv6 41 IPv6;ipv6-route 43 IPv6-Route;ipv6-fr" +
  "ag 44 IPv6-Frag;idrp 45 IDRP;rsvp 46 RSVP;gre 47 GRE;esp 50 IPSEC-ESP;ah 51 IPSEC-AH;skip 57 SKIP;ip" +
  "v6-icmp 58 IPv6-ICMP;ipv6-nonxt 59 IPv6-NoNxt;ipv6-opts 60 IPv6-Opts;rspf 73 RSPF CPHB;vmtp 81 VMTP;" +
  "eigrp 88 EIGRP;ospf 89 OSPFIGP;ax.25 93 AX.25;ipip 94 IPIP;etherip 97 ETHERIP;encap 98 ENCAP;pim 103" +
  " PIM;ipcomp 108 IPCOMP;vrrp 112 VRRP;l2tp 115 L2TP;isis 124 ISIS;sctp 132 SCTP;fc 133 FC;mobility-he" +
  "ader 135 Mobility-Header;udplite 136 UDPLite;mpls-in-ip 137 MPLS-in-IP;manet 138;hip 139 HIP;shim6 1" +
  "40 Shim6;wesp 141 WESP;rohc 142 ROHC;ethernet 143 Ethernet;mptcp 262 MPTCP";
let protocols: Map<string, number> | null = null;
function protocolNumber(name: string): number | undefined {
  if (protocols === null) {
    protocols = new Map();
    for (const entry of PROTOCOL_TABLE.split(";")) {
      const [proto, num, ...aliases] = entry.split(" ");
      for (const n of [proto!, ...aliases]) if (!protocols.has(n)) protocols.set(n, Number(num));
    }
  }
  return protocols.get(name);
}

/**
 * A str argument as CPython's `s` format parses it.
 * @throws TypeError for a non-str, ValueError `embedded null character`
 */
function strArg(v: unknown, fname: string, n: number): string {
  if (typeof v !== "string") throw new TypeError(`${fname}() argument ${n} must be str, not ${argTypeName(v)}`);
  utf8Arg(v);
  if (v.includes("\0")) throw new ValueError("embedded null character");
  return v;
}

function protoArg(proto: unknown, fname: string): string | undefined {
  return proto === undefined ? undefined : strArg(proto, fname, 2); // None is a TypeError, as in CPython
}

/**
 * Like `socket.getservbyname(servicename[, protocolname])`: the port of a service in /etc/services
 * (Debian's list, built in).
 * @throws OSError `service/proto not found`
 */
export function getservbyname(servicename: string, protocolname?: string): number {
  const port = servicePort(strArg(servicename, "getservbyname", 1), protoArg(protocolname, "getservbyname"));
  if (port === undefined) throw new OSError("service/proto not found");
  return port;
}

/**
 * Like `socket.getservbyport(port[, protocolname])`: the name of a service in /etc/services.
 * @throws OSError `port/proto not found`; OverflowError for a port outside 0-65535.
 */
export function getservbyport(port: number, protocolname?: string): string {
  port = cIntArg(port); // a C int (a bool is an int), as CPython parses it ("i|s"), then the range
  const proto = protoArg(protocolname, "getservbyport");
  if (port < 0 || port > 65535) throw new OverflowError("getservbyport: port must be 0-65535.");
  const name = serviceName(port, proto);
  if (name === undefined) throw new OSError("port/proto not found");
  return name;
}

/**
 * Like `socket.getprotobyname(protocolname)`: `"tcp"` → 6, `"udp"` → 17, `"icmp"` → 1 …
 * @throws OSError `protocol not found`
 */
export function getprotobyname(protocolname: string): number {
  const p = protocolNumber(strArg(protocolname, "getprotobyname", 1));
  if (p === undefined) throw new OSError("protocol not found");
  return p;
}
