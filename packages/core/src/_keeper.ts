// Which sockets hold the process open. A Python script ends when its last line runs, open
// sockets or not; a runtime's event loop stays alive while any handle is referenced. So a
// handle is referenced only while a call waits on it (recv, accept, sendall's drain …):
// `busy()` at once, and the release (`idle()`) by a sweep a few milliseconds later, so a
// connection waiting again right away (an echo loop) costs no runtime call per message.

/** The runtime object (a transport or listener) that can be referenced or not. */
interface Referable {
  setRef?(on: boolean): void;
}

let idleQueue: Keeper[] = [];
/** The other queue, swapped in at each sweep (no array allocated per turn). */
let spare: Keeper[] = [];
let sweepScheduled = false;
/**
 * Releases are swept this long after a wait ends: one timer per period however many waits
 * end meanwhile (one per round trip of an echo loop; Deno's setImmediate alone cost ~9,000
 * instructions, a fifth of polysock's whole round trip). A program exits this much later at most.
 */
const SWEEP_MS = 5;

function sweep(): void {
  sweepScheduled = false;
  const list = idleQueue;
  idleQueue = spare;
  for (let i = 0; i < list.length; i++) list[i]!.settle();
  list.length = 0;
  spare = list;
}

/** Keeps one runtime handle referenced while `waiting()` holds. */
export class Keeper {
  /** Runtime handles start referenced. */
  private held = true;
  private queued = false;

  constructor(
    private readonly target: Referable,
    private readonly owner: { hasWaiters(): boolean },
  ) {
    if (target.setRef !== undefined) this.idle();
  }

  /** A call waits on the handle: reference it. */
  busy(): void {
    if (this.held) return;
    this.held = true;
    try {
      this.target.setRef?.(true);
    } catch {
      // closed meanwhile
    }
  }

  /** A wait ended: release the handle at the next sweep (SWEEP_MS) unless a call waits again. */
  idle(): void {
    if (this.queued || !this.held || this.target.setRef === undefined) return;
    this.queued = true;
    idleQueue.push(this);
    if (!sweepScheduled) {
      sweepScheduled = true;
      setTimeout(sweep, SWEEP_MS);
    }
  }

  /** @internal the sweep */
  settle(): void {
    this.queued = false;
    if (!this.held || this.owner.hasWaiters()) return;
    this.held = false;
    try {
      this.target.setRef?.(false);
    } catch {
      // closed meanwhile
    }
  }
}
