// The soak's counters, shared by every client loop: commands run,
// unexpected errors and wrong replies (with a sample of each kind), and
// the expected outcomes counted on their own (pub/sub deliveries, blocking
// pops served or timed out, transactions committed or aborted).

/** Distinct error kinds kept (each printed when it first happens); later ones are lumped together. */
const MAX_KINDS = 50;

export class SoakStats {
  /** Commands that got a reply (or failed). */
  ops = 0;
  /** Unexpected errors plus wrong replies: 0 when healthy. */
  errors = 0;
  /** Error kind -> { count, sample }: the first occurrence's full text. */
  errorKinds = new Map();

  published = 0;
  /** Sum of PUBLISH replies: how many messages subscribers should receive. */
  deliveriesExpected = 0;
  received = 0;

  blockingServed = 0;
  blockingTimedOut = 0;

  transactions = 0;
  transactionsAborted = 0;
  /** WATCHed counter key -> how many transactions incremented it (checked against the store at the end). */
  committedIncrements = new Map();

  /** A rejected command (or a failure of the bench itself) that nothing expected. */
  unexpected(where, err) {
    // String(err): the message with the error's class (a TypeError is a bug of the bench).
    const message = String(err);
    this.#record(`${where}: ${message.slice(0, 160)}`, `${where}: ${message}`);
  }

  /** A reply that differs from the one we can tell it must be (the kind is `where`: values vary). */
  wrongReply(where, got, expected) {
    this.#record(`${where}: wrong reply`, `${where}: got ${JSON.stringify(got)}, expected ${expected}`);
  }

  #record(kind, sample) {
    this.errors++;
    if (!this.errorKinds.has(kind) && this.errorKinds.size >= MAX_KINDS) kind = 'other errors';
    const known = this.errorKinds.get(kind);
    if (known) {
      known.count++;
      return;
    }
    this.errorKinds.set(kind, { count: 1, sample });
    console.error(`ERROR ${sample}`);
  }
}
