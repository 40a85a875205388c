/**
 * `@polysock/deno`: the polysock adapter over `Deno.listen`, `Deno.connect` and
 * `Deno.listenDatagram`. `@polysock/core` picks it by itself on Deno (through the `deno`
 * export condition); import it explicitly only to choose it by hand.
 *
 * Runtime support:
 * - TCP and unix stream sockets need only `--allow-net`.
 * - UDP uses `Deno.listenDatagram` under `--unstable-net`, else `node:dgram` (no flag).
 * - SO_REUSEPORT works only under `--unstable-net` (`capabilities.reusePort`).
 * - `gethostname()` needs `--allow-sys=hostname`; `if_nameindex()` and friends `--allow-read=/sys/class/net`.
 *
 * @example Choosing the Deno adapter explicitly
 * ```ts
 * import { useAdapter } from "@polysock/core";
 * import { adapter } from "@polysock/deno";
 * useAdapter(adapter);
 * ```
 * @module
 */
import type { Adapter } from "@polysock/core";
import { deno, unstableNet } from "./_deno-types.js";
import { connect } from "./connect.js";
import { bindDatagram } from "./datagram.js";
import { listen } from "./listener.js";

export { bindDatagram, connect, listen };

/** The Deno adapter. */
export const adapter: Adapter = {
  name: "deno",
  // Multicast through node:dgram, which Deno uses for UDP unless --unstable-net.
  capabilities: { connectFromLocalAddress: false, reusePort: unstableNet, unix: true, multicast: !unstableNet },
  listen,
  connect,
  bindDatagram,
  // node:dns works in Deno; Deno.resolveDns is no getaddrinfo (no /etc/hosts). Loaded on
  // first use (with the rest of @polysock/node): it costs Deno ~8 MiB of RSS.
  lookup: (host, family) => import("@polysock/node").then((m) => m.lookup(host, family)),
  reverse: (ip) => import("@polysock/node").then((m) => m.reverse(ip)),
  hostname: () => deno().hostname(),
  files: {
    listDir: (p) => Array.from(deno().readDirSync(p), (e) => e.name),
    readText: (p) => deno().readTextFileSync(p),
  },
};
