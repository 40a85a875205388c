// The waiting forms of recv and recvfrom: one object and one Promise per call (no closures),
// woken by the connection's wait list until there is something to return, or failed
// (close, timeout).
import type { Address } from "./address.js";
import { type PyBytes, emptyBytes } from "./bytes.js";
import type { DgramConn } from "./_datagram.js";
import type { StreamConn } from "./_stream.js";
import type { Socket } from "./socket.js";
import { PromiseWaiter } from "./_timeout.js";

/** A recv waiting for bytes: woken by the connection's readers list, or failed (close, timeout). */
export class RecvWaiter extends PromiseWaiter<PyBytes> {
  constructor(
    private readonly s: Socket,
    private readonly c: StreamConn,
    private readonly n: number,
    timeout: number | null,
  ) {
    super(timeout);
  }

  wake(): void {
    let r: PyBytes | undefined;
    try {
      this.s._check();
      r = this.s._readNow(this.c, this.n);
      if (r === undefined) this.c.readers.addWaiter(this, this.left());
    } catch (err) {
      return this.reject(err);
    }
    if (r !== undefined) this.resolve(r);
  }
}

/** A recvfrom waiting for a datagram (`dataOnly`: a recv, which resolves with the bytes alone). */
export class DatagramWaiter extends PromiseWaiter<[PyBytes, Address] | PyBytes> {
  constructor(
    private readonly s: Socket,
    private readonly d: DgramConn,
    private readonly n: number,
    timeout: number | null,
    private readonly dataOnly = false,
  ) {
    super(timeout);
  }

  wake(): void {
    let r: [PyBytes, Address] | PyBytes;
    try {
      this.s._check();
      const err = this.d.takeError();
      if (err) throw err;
      const item = this.d.take(false);
      if (item === undefined) {
        // shutdown(SHUT_RD): a blocking recvfrom returns (b'', None), as Linux's.
        if (this.d.readShut && this.timeout === null) return this.resolve(this.dataOnly ? emptyBytes() : [emptyBytes(), null as unknown as Address]);
        this.d.readers.addWaiter(this, this.left());
        return;
      }
      r = this.dataOnly ? this.s._datagramData(item.data, this.n) : this.s._datagramResult(item.data, item.from, this.n, false);
    } catch (err) {
      return this.reject(err);
    }
    this.resolve(r);
  }
}
