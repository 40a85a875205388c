// Reverse lookups of Python's socket module: getnameinfo, gethostbyaddr and getfqdn, through the
// system resolver (/etc/hosts, then DNS) as glibc does them.
import * as C from "./constants.js";
import { pyList, tuple } from "./address.js";
import { hostArg, intArg, pyTypeName } from "./bytes.js";
import { AttributeError, OSError, OverflowError, ValueError, gaiError, herror } from "./errors.js";
import { getaddrinfo, gethostname } from "./functions.js";
import { inet_ntop, inet_pton, ipVersion, numericIPv4, scopedIPv6 } from "./inet.js";
import { serviceName } from "./netdb.js";
import { getAdapter } from "./runtime.js";
import { cIntArg } from "./_args.js";

/** The host name of `ip` from the adapter's reverse lookup, or `null`. */
async function nameOf(ip: string): Promise<string | null> {
  const reverse = getAdapter().reverse;
  // An IPv4-mapped IPv6 address (what a dual-stack server's accept() gives for an IPv4 client)
  // has no name: /etc/hosts lists the IPv4 form, and no PTR record names ::ffff:a.b.c.d (Bun's
  // lookupService answers with the IPv4 address's name; glibc's resolver does not).
  if (reverse === undefined || /^::ffff:\d+\.\d+\.\d+\.\d+$/.test(ip)) return null;
  try {
    return await reverse(ip);
  } catch {
    return null;
  }
}

/** An IP literal (IPv4 short forms like `127.1` too) in its canonical form, or `null`. */
function canonicalIp(host: string): string | null {
  // An IPv6 scope (`::1%1`) is checked, not part of the address (getnameinfo takes the sockaddr's scope_id).
  const bare = scopedIPv6(host)?.bare ?? host;
  const v = ipVersion(bare);
  if (v === 6) return inet_ntop(C.AF_INET6, inet_pton(C.AF_INET6, bare));
  return v === 4 ? host : numericIPv4(host);
}

/**
 * Like `host, port = socket.getnameinfo(sockaddr, flags)`: the host name and service name of
 * an address (`sockaddr`'s host must be an IP literal). Flags: `NI_NUMERICHOST`,
 * `NI_NUMERICSERV`, `NI_NAMEREQD` (no name → gaierror), `NI_DGRAM` (UDP service names).
 * @example `await socket.getnameinfo(["127.0.0.1", 80], 0)` → `('localhost', 'http')`
 * @throws gaierror `[Errno -2] Name or service not known`; TypeError for a malformed sockaddr.
 */
export async function getnameinfo(sockaddr: readonly unknown[], flags: number): Promise<[string, string]> {
  const f = cIntArg(flags); // "Oi": flags are a C int, converted before the tuple is looked at
  if (!Array.isArray(sockaddr)) throw new TypeError("getnameinfo() argument 1 must be a tuple");
  const [host, port, flowinfo = 0, scope = 0] = sockaddr as unknown[];
  if (sockaddr.length < 2 || sockaddr.length > 4 || typeof host !== "string")
    throw new TypeError("getnameinfo(): illegal sockaddr argument");
  if (host.includes("\0")) throw new ValueError("embedded null character"); // "s"
  const p = cIntArg(port); // "si|II": the port is a C int
  // C unsigned ints, as CPython parses them ("I": wrapped modulo 2**32, not checked).
  const flow = u32(intArg(flowinfo));
  const scopeId = u32(intArg(scope));
  if (flow > 0xfffff) throw new OverflowError("getnameinfo(): flowinfo must be 0-1048575.");
  // CPython resolves the sockaddr numerically first (getaddrinfo with AI_NUMERICHOST).
  if (p < 0) throw gaiError(-8);
  const ip = canonicalIp(host);
  if (ip === null) throw gaiError(-2);
  const v6 = ipVersion(ip) === 6;
  if (!v6 && sockaddr.length !== 2) throw new OSError("IPv4 sockaddr must be 2 tuple");
  if (f & ~0xff) throw gaiError(-1); // glibc knows the NI_* bits only
  const numeric = v6 && scopeId !== 0 ? `${ip}%${scopeId}` : ip;
  let name: string | null = null;
  if (!(f & C.NI_NUMERICHOST)) name = await nameOf(ip);
  if (name === null && f & C.NI_NAMEREQD) throw gaiError(-2);
  const port16 = p & 0xffff;
  let service = String(port16);
  if (!(f & C.NI_NUMERICSERV)) {
    service = serviceName(port16, f & C.NI_DGRAM ? "udp" : "tcp") ?? service;
  }
  return tuple(name ?? numeric, service);
}

/**
 * Like `hostname, aliaslist, ipaddrlist = socket.gethostbyaddr(ip_address)`: the host name of
 * an address (a name is resolved first). Aliases are not known to the runtimes' resolvers:
 * the list is empty.
 * @example `await socket.gethostbyaddr("127.0.0.1")` → `('localhost', [], ['127.0.0.1'])`
 * @throws herror `[Errno 1] Unknown host`; gaierror for a name that does not resolve.
 */
export async function gethostbyaddr(ip_address: string | Uint8Array): Promise<[string, string[], string[]]> {
  const host = hostArg(ip_address, "gethostbyaddr");
  if (host === "") throw new OSError("wildcard resolved to multiple address");
  let ip = canonicalIp(host);
  if (ip === null) {
    const res = await getaddrinfo(host, null, 0, C.SOCK_DGRAM);
    ip = (res[0]![4] as [string, number])[0];
  }
  const name = await nameOf(ip);
  if (name === null) throw new herror(1, "Unknown host");
  return tuple(name, pyList<string>([]), pyList([ip]));
}

/**
 * Like `socket.getfqdn(name='')`: the first name with a dot among the host name and aliases
 * `gethostbyaddr(name)` gives, else that host name; `name` as given when it has none. An
 * empty name (or `0.0.0.0`, `::`) means this host. Asynchronous: it is a lookup.
 * @example `await socket.getfqdn("127.0.0.1")` → `'localhost'`
 */
export async function getfqdn(name: string | Uint8Array = ""): Promise<string> {
  if (typeof name !== "string" && !(name instanceof Uint8Array))
    throw new AttributeError(`'${pyTypeName(name)}' object has no attribute 'strip'`);
  let n = hostArg(name, "gethostbyaddr").trim(); // (its errors are gethostbyaddr's, which CPython's getfqdn calls)
  if (n === "" || n === "0.0.0.0" || n === "::") n = gethostname();
  try {
    const [hostname, aliases] = await gethostbyaddr(n);
    return [hostname, ...aliases].find((a) => a.includes(".")) ?? hostname;
  } catch (e) {
    if (e instanceof OSError) return n;
    throw e;
  }
}

/** `n` modulo 2**32, as C's conversion to `unsigned int`. */
function u32(n: number): number {
  const m = n % 2 ** 32;
  return m < 0 ? m + 2 ** 32 : m;
}
