// What the Deno bench servers share: the slice of Deno's API they use (typed here: the bench is
// type-checked without Deno's types), the TCP accept loop, and the UDP socket. The servers
// themselves (raw_deno_*.ts, floor_deno_*.ts) are only their per-connection or per-datagram loop.

export interface Conn {
  read(b: Uint8Array): Promise<number | null>;
  write(b: Uint8Array): Promise<number>;
  close(): void;
}
export interface Addr {
  transport: "udp";
  hostname: string;
  port: number;
}
export interface DatagramConn {
  addr: Addr;
  receive(b?: Uint8Array): Promise<[Uint8Array, Addr]>;
  send(b: Uint8Array, to: Addr): Promise<number>;
}
interface DenoApi {
  args: string[];
  pid: number;
  listen(o: { hostname: string; port: number }): { addr: { port: number }; accept(): Promise<Conn> };
  listenDatagram(o: { hostname: string; port: number; transport: "udp" }): DatagramConn;
}
const Deno = (globalThis as unknown as { Deno: DenoApi }).Deno;
const port = (): number => Number(Deno.args[0] ?? 0);

/**
 * Listen on 127.0.0.1 (port from argv, 0: any), print "READY <port> <pid>", and hand each
 * connection to `serve`, closed when it returns or throws (a reset by the peer ends it).
 */
export async function serveTcp(serve: (conn: Conn) => Promise<void>): Promise<never> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: port() });
  console.log(`READY ${listener.addr.port} ${Deno.pid}`);
  const run = async (conn: Conn): Promise<void> => {
    try {
      await serve(conn);
    } catch {
      // reset by peer
    } finally {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  };
  for (;;) {
    let conn: Conn;
    try {
      conn = await listener.accept();
    } catch {
      continue; // a client reset before accept (denoland/deno#8499): keep accepting
    }
    void run(conn);
  }
}

/** A UDP socket on 127.0.0.1 (port from argv; needs --unstable-net), after printing "READY <port> <pid>". */
export function udpSocket(): DatagramConn {
  const sock = Deno.listenDatagram({ hostname: "127.0.0.1", port: port(), transport: "udp" });
  console.log(`READY ${sock.addr.port} ${Deno.pid}`);
  return sock;
}
