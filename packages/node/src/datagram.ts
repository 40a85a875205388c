// --- Node `dgram.Socket` as a polysock DatagramTransport (also used by @polysock/deno) ---
import * as dgram from "node:dgram";
import process from "node:process";
import { getSystemErrorName } from "node:util";
import type { DatagramHandlers, DatagramTransport, Endpoint, NetAddress } from "@polysock/core";

/** Create a UDP socket bound to `ep`; rejects with the native error (EADDRINUSE …). */
export async function bindDatagram(
  ep: Endpoint,
  opts: { reuseAddr: boolean; reusePort: boolean },
): Promise<DatagramTransport> {
  if (ep.port !== 0) return new NodeDatagram(await bindSocket(ep, opts));
  // node:dgram must disconnect() before it connects again (or sends elsewhere while connected),
  // and the kernel gives a port it chose itself back on disconnect: the socket would move to a
  // new port (differences #70). So the port the kernel chose is bound again by number, which
  // makes it the socket's own for good — as it stays on Linux when CPython's socket reconnects.
  const first = await bindSocket(ep, opts);
  const port = first.address().port;
  first.close();
  try {
    return new NodeDatagram(await bindSocket({ ...ep, port }, opts));
  } catch {
    // Taken meanwhile by someone else: a port the kernel chooses, as before.
    return new NodeDatagram(await bindSocket(ep, opts));
  }
}

function bindSocket(ep: Endpoint, opts: { reuseAddr: boolean; reusePort: boolean }): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket({ type: ep.ipVersion === 6 ? "udp6" : "udp4", reuseAddr: opts.reuseAddr, lookup: literal });
    const onError = (err: Error): void => {
      sock.close();
      reject(err);
    };
    sock.once("error", onError);
    sock.bind({ address: ep.host, port: ep.port, exclusive: true }, () => {
      sock.off("error", onError);
      resolve(sock);
    });
  });
}

/**
 * Core hands over IP literals only: "resolving" one is the identity, done at once, so `send`
 * reaches the kernel synchronously (dns.lookup would defer every datagram by a tick).
 */
function literal(host: string, _family: unknown, cb: (err: null, address: string, family: number) => void): void {
  cb(null, host, host.includes(":") ? 6 : 4);
}

/** The UDP handle under a node:dgram socket (Node's udp_wrap). */
interface UdpHandle {
  send(req: SendReq, list: Uint8Array[], count: number, port: number, ip: string, hasCallback: boolean): number;
}
/** A send request (udp_wrap's SendWrap): the handle calls `oncomplete` on it for a send it finishes later. */
interface SendReq {
  list: Uint8Array[];
  to: NetAddress;
  done: (err: unknown) => void;
  oncomplete: (this: SendReq, status: number) => void;
}
/** The handle and SendWrap, found on first use; null: not Node's own (Bun's and Deno's node:dgram). */
let direct: { state: symbol; SendWrap: new () => SendReq } | null | undefined;

function directSend(sock: dgram.Socket): UdpHandle | null {
  if (direct === undefined) {
    direct = null;
    try {
      if ("Bun" in globalThis || "Deno" in globalThis) return null;
      // process.binding is deprecated (DEP0111): under --pending-deprecation it would warn.
      if (`${process.execArgv} ${process.env.NODE_OPTIONS ?? ""}`.includes("--pending-deprecation")) return null;
      const state = Object.getOwnPropertySymbols(sock).find((k) => k.description === "state symbol");
      const binding = (process as { binding?(name: string): { SendWrap?: unknown } }).binding?.("udp_wrap");
      if (state !== undefined && typeof binding?.SendWrap === "function") {
        direct = { state, SendWrap: binding.SendWrap as new () => SendReq };
      }
    } catch {
      // not available: node:dgram's send
    }
  }
  if (direct === null) return null;
  const h = (sock as unknown as Record<symbol, { handle?: UdpHandle | null } | undefined>)[direct.state]?.handle;
  return h && typeof h.send === "function" ? h : null;
}

/** Node's error for a failed send (as node:dgram's ExceptionWithHostPort carries it). */
function sendError(status: number, to: NetAddress): Error {
  const code = getSystemErrorName(status);
  return Object.assign(new Error(`send ${code} ${to.host}:${to.port}`), { errno: status, code, syscall: "send" });
}

/** SendWrap's completion for a send the kernel did not take at once (the socket's buffer was full). */
function sendDone(this: SendReq, status: number): void {
  this.done(status < 0 ? sendError(status, this.to) : null);
}

class NodeDatagram implements DatagramTransport {
  private buffered: [Uint8Array, NetAddress][] = [];
  private h: DatagramHandlers | null = null;
  private closed = false;
  /** The connected peer (node:dgram's connect), or null. */
  private peer: NetAddress | null = null;

  constructor(private readonly sock: dgram.Socket) {
    sock.on("message", (msg, rinfo) => {
      const from = { host: rinfo.address, port: rinfo.port };
      // Deno's node:dgram hands each datagram in its own 64 KiB buffer: keep a right-sized copy.
      const data = msg.buffer.byteLength > 2 * msg.length + 1024 ? new Uint8Array(msg) : msg;
      if (this.h) this.h.onMessage(data, from);
      else this.buffered.push([data, from]);
    });
    sock.on("error", (err) => this.h?.onError(err));
  }

  get raw(): unknown {
    return this.sock;
  }

  start(h: DatagramHandlers): void {
    this.h = h;
    for (const [m, f] of this.buffered.splice(0)) h.onMessage(m, f);
  }

  send(data: Uint8Array, to?: NetAddress): Promise<void> {
    return new Promise((resolve, reject) => {
      const cb = (err: Error | null): void => (err ? reject(err) : resolve());
      const peer = this.peer;
      if (!to) this.sock.send(data, cb);
      else if (peer === null) this.sock.send(data, to.port, to.host, cb);
      else {
        // Linux lets a connected UDP socket sendto() another address; node:dgram refuses:
        // leave the connection for this datagram (IP literals: each step reaches the kernel at once).
        this.sock.disconnect();
        this.sock.send(data, to.port, to.host, cb);
        this.sock.connect(peer.port, peer.host);
      }
    });
  }

  /**
   * On Node itself, straight through the socket's UDP handle, as node:dgram's own send ends up
   * doing, without its JavaScript (argument checks, a completion tick per datagram): UDP echo
   * ~9 % less CPU per datagram (A/B). The kernel's refusal (EMSGSIZE, EACCES …) is thrown here, as
   * Linux's sendto raises it; a send the kernel finishes later reports through `done`.
   */
  post(data: Uint8Array, to: NetAddress, done: (err: unknown) => void): void {
    const h = this.peer === null ? directSend(this.sock) : null;
    if (h === null) {
      this.sock.send(data, to.port, to.host, done);
      return;
    }
    const req = new direct!.SendWrap();
    const list = [data];
    req.list = list; // kept alive until the kernel has it
    req.to = to;
    req.done = done;
    req.oncomplete = sendDone;
    const status = h.send(req, list, 1, to.port, to.host, true); // udp6: the handle's send is send6
    if (status > 0) return done(null); // sent now (the datagram's length + 1)
    if (status < 0) throw sendError(status, to);
  }

  connect(to: NetAddress): Promise<void> {
    // connect() again changes the peer, as on Linux; node:dgram wants a disconnect first.
    if (this.peer !== null) this.sock.disconnect();
    this.peer = null;
    // Port 0 (node:dgram refuses it): unconnected; core filters by address, as Linux does then.
    if (to.port === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.sock.once("error", onError);
      this.sock.connect(to.port, to.host, () => {
        this.sock.off("error", onError);
        this.peer = to;
        resolve();
      });
    });
  }

  localAddress(): NetAddress {
    const a = this.sock.address();
    return { host: a.address, port: a.port };
  }

  setBroadcast(on: boolean): void {
    this.sock.setBroadcast(on);
  }

  setRecvBufferSize(bytes: number): void {
    // Deno's node:dgram then receives each datagram into a buffer that large: 5x fewer kept
    // under a flood (measured). Core's queue still applies the size there.
    if (!("Deno" in globalThis)) this.sock.setRecvBufferSize(bytes);
  }

  setMulticast(option: "ttl" | "loop" | "iface", value: number | string): void {
    if (option === "ttl") this.sock.setMulticastTTL(value as number);
    else if (option === "loop") this.sock.setMulticastLoopback(value === 1);
    else this.sock.setMulticastInterface(value as string);
  }

  setMembership(add: boolean, group: string, iface: string): void {
    if (add) this.sock.addMembership(group, iface);
    else this.sock.dropMembership(group, iface);
  }

  /** Hold the process open or not (core: only while a call waits on this). */
  setRef(on: boolean): void {
    const h = this.sock as { ref?(): unknown; unref?(): unknown };
    if (on) h.ref?.();
    else h.unref?.();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.sock.close(() => resolve()));
  }
}
