/**
 * A reference model of emberkv's keyspace in plain JavaScript, written from
 * Redis 7.0's source, for the property suite to compare emberkv against
 * (and checked itself against redis-server by the differential suite).
 *
 * The pieces live in model/: the keyspace (typed entries, lazy expiry, an
 * explicit clock), one module per command family, and the exact
 * arithmetic and matching helpers they share. This file assembles the
 * command table and runs commands: arity first, then the family's `run`,
 * with a key of the wrong type turned into the WRONGTYPE reply.
 *
 * Replies come back normalized (see test/support/reply.mjs). Replies Redis
 * leaves to chance are returned in one fixed valid form, and the caller
 * compares them by meaning: KEYS (any order), SCAN and the *SCAN commands
 * (the whole iteration as one page with cursor "0"), RANDOMKEY (the first
 * live key). The random picks (SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER)
 * also have `pick(args, actual)`: it accepts any reply Redis could have
 * given and moves the model to the state that reply implies.
 *
 * Inputs the model cannot mirror honestly throw UnmodeledInput instead of
 * guessing: subnormal long doubles, COPY to another database, SCAN/SSCAN
 * from a non-zero cursor, ZSCAN from one over a skiplist (the order is
 * Redis's hash seed's), and lex ranges over a skiplist whose members are
 * not in lex order (Redis's answer then depends on its random node
 * levels). The generators rarely reach the last two; the suites end a
 * sequence there, everything before it having matched.
 */
import { Keyspace } from './model/keyspace.mjs';
import { keyCommands } from './model/keys.mjs';
import { hashFamily } from './model/hashes.mjs';
import { listFamily } from './model/lists.mjs';
import { setFamily } from './model/sets.mjs';
import { stringCommands } from './model/strings.mjs';
import { zsetFamily } from './model/zsets.mjs';
import { cstr, toBuf } from './model/parse.mjs';
import { WRONGTYPE, WrongTypeError, arityError, userErr } from './model/replies.mjs';

export { UnmodeledInput } from './model/replies.mjs';

const FAMILIES = [listFamily, hashFamily, setFamily, zsetFamily];

/** name (lower case) -> { arity, run(ks, args, name), pick?(ks, args, actual) } */
const COMMANDS = Object.assign({}, stringCommands, keyCommands, ...FAMILIES.map((f) => f.commands));

/** Arity as Redis declares it: n exact, -n at least n (the name counts). */
export const ARITY = Object.fromEntries(Object.entries(COMMANDS).map(([name, c]) => [name, c.arity]));

/** Upper-case names of the commands the model implements (for generators). */
export const MODEL_COMMANDS = new Set(Object.keys(COMMANDS).map((n) => n.toUpperCase()));

/** "ERR unknown command 'x', with args beginning with: 'a' 'b' " */
function unknownCommand(args) {
  let list = '';
  for (let i = 1; i < args.length && list.length < 128; i++) {
    list += `'${cstr(args[i]).slice(0, 128 - list.length)}' `;
  }
  return userErr(`ERR unknown command '${cstr(args[0]).slice(0, 128)}', with args beginning with: ${list}`);
}

export class Model {
  #ks;

  constructor({ now = 0 } = {}) {
    const cloners = Object.fromEntries(FAMILIES.map((f) => [f.type, f.clone]));
    this.#ks = new Keyspace({ now: BigInt(now), cloners });
  }

  /** Sets the clock (ms since the epoch). */
  setTime(ms) {
    this.#ks.now = BigInt(ms);
  }

  /** Does this command's reply depend on chance (so it should be checked with pick())? */
  isRandomPick(argv) {
    return this.#command(argv.map(toBuf))?.command.pick !== undefined;
  }

  /** Runs one command ([name, ...args], strings or Buffers); returns its normalized reply. */
  exec(argv) {
    return this.#dispatch(argv, (command, args, name) => command.run(this.#ks, args, name));
  }

  /**
   * For a random pick: null if `actual` (emberkv's normalized reply) is a
   * reply Redis could have given, the model then holding the state it
   * implies; otherwise why not.
   */
  pick(argv, actual) {
    return this.#dispatch(argv, (command, args, name) => command.pick(this.#ks, args, actual, name), actual);
  }

  #command(args) {
    const name = args[0].toString('latin1').toLowerCase();
    return Object.hasOwn(COMMANDS, name) ? { name, command: COMMANDS[name] } : undefined;
  }

  /** Arity and type errors around `body`; with `actual`, errors are compared to it (pick). */
  #dispatch(argv, body, ...actual) {
    const args = argv.map(toBuf);
    const found = this.#command(args);
    const early = (reply) => (actual.length === 0 ? reply
      : reply === actual[0] ? null : `expected ${reply}`);
    if (!found) return early(unknownCommand(args));
    const { name, command } = found;
    if (command.arity >= 0 ? args.length !== command.arity : args.length < -command.arity) {
      return early(arityError(name));
    }
    try {
      return body(command, args, name);
    } catch (e) {
      if (e instanceof WrongTypeError) return early(WRONGTYPE);
      throw e;
    }
  }
}
