// A connection the peer reset before the runtime reported it connected. Linux's connect(2)
// succeeds once the handshake is done, whatever comes next; a runtime that polls for the
// connect later sees the reset first and fails the connect with ECONNRESET. This transport
// stands in for that connection, so connect() succeeds and recv raises the reset, as in CPython.
import type { NetAddress, StreamHandlers, StreamTransport } from "./contract.js";
import { errno as E } from "./errno.js";
import { oserror } from "./errors.js";

export class ResetConnection implements StreamTransport {
  readonly raw = null;
  readonly writePending = false;

  /** `err`: the runtime's connect error (ECONNRESET); `peer`: the address connected to. */
  constructor(
    private readonly err: unknown,
    private readonly peer: NetAddress,
  ) {}

  start(h: StreamHandlers): void {
    h.onError(this.err);
    h.onClose();
  }

  pause(): void {}
  resume(): void {}

  write(): number {
    throw oserror(E.EPIPE);
  }

  shutdownWrite(): void {}

  close(): Promise<void> {
    return Promise.resolve();
  }

  abort(): void {}

  localAddress(): NetAddress {
    return { host: "", port: 0 };
  }

  remoteAddress(): NetAddress {
    return this.peer;
  }

  setNoDelay(): void {}
  setKeepAlive(): void {}
}
