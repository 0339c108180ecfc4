// Command generators of the config family (see ../commands.mjs): CONFIG GET
// with exact names and glob patterns, CONFIG SET of the encoding thresholds,
// lfu-* and maxmemory-samples with valid and invalid values (one to three
// pairs, sometimes a repeated or unknown name), CONFIG RESETSTAT and HELP.
//
// Never maxmemory or maxmemory-policy: evictions would differ between the
// two stores; sorted-set thresholds never below their defaults (below).
// The differential harness sets every parameter generated here back to
// CONFIG_DEFAULTS at the start of each sequence, on both sides.
//
// Only names and patterns that match the same parameters in redis-server
// 7.0 (which has ~190) and in emberkv are generated: "*-entries" would also
// match Redis's stream-node-max-entries, "maxmemory-*" its maxmemory-clients.
// Redis lists CONFIG GET's matches in its hash table's order, so the
// comparator below compares them as sets of name/value pairs.
import fc from 'fast-check';
import { cmd, entry, pick } from '../commands.mjs';
import { comparators } from '../reply.mjs';
import { sameMultiset } from './sets.mjs';

/** Everything CONFIG SET is generated for, at the values both sides start with. */
export const CONFIG_DEFAULTS = [
  'CONFIG', 'SET',
  'hash-max-listpack-entries', '128', 'hash-max-listpack-value', '64',
  'set-max-intset-entries', '512',
  'zset-max-listpack-entries', '128', 'zset-max-listpack-value', '64',
  'list-max-listpack-size', '-2',
  'lfu-log-factor', '10', 'lfu-decay-time', '1', 'maxmemory-samples', '5',
];

/** A CONFIG GET reply's [name, value] pairs, or null if it is not a flat list of pairs. */
function pairsOf(reply) {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) return null;
  const pairs = [];
  for (let i = 0; i < reply.length; i += 2) pairs.push(`${reply[i]} => ${reply[i + 1]}`);
  return pairs;
}

comparators.set('CONFIG', (args, a, b) => {
  const get = args.length >= 3 && String(args[1]).toUpperCase() === 'GET';
  if (!get) return 'replies differ';
  const [pa, pb] = [pairsOf(a), pairsOf(b)];
  return pa && pb && sameMultiset(pa, pb) ? null : 'CONFIG GET: different parameters or values';
});

// A parameter's names (new, Redis 7.0 old alias), how it is parsed, and values to try.
const ENTRIES_VALUES = ['0', '1', '2', '3', '4', '8', '128', '512', '9223372036854775807'];
const INT_INVALID = ['-1', 'abc', '', '1.5', '007', '-0', '+1', ' 1', '1kb', '9223372036854775808', '1\x00'];
const MEMORY_VALUES = ['0', '1', '2', '3', '8', '64', '1kb', '1K', '0b', '007', 'mb'];
const MEMORY_INVALID = ['-1', 'abc', '1.5', ' 1', '+1', '1tb', '0x10', '9223372036854775808', '8589934592gb'];
const PARAMS = [
  { names: ['hash-max-listpack-entries', 'hash-max-ziplist-entries'], valid: ENTRIES_VALUES, invalid: INT_INVALID },
  { names: ['hash-max-listpack-value', 'hash-max-ziplist-value'], valid: MEMORY_VALUES, invalid: MEMORY_INVALID },
  { names: ['set-max-intset-entries'], valid: ENTRIES_VALUES, invalid: INT_INVALID },
  // Sorted sets only at or above the defaults: a lower threshold would turn
  // the small keys' sets of mixed scores into skiplists, where Redis's lex
  // walks depend on random node levels (see zsets.mjs).
  {
    names: ['zset-max-listpack-entries', 'zset-max-ziplist-entries'],
    valid: ['128', '129', '256', '9223372036854775807'],
    invalid: INT_INVALID,
  },
  {
    names: ['zset-max-listpack-value', 'zset-max-ziplist-value'],
    valid: ['64', '65', '100', '1kb', '1K'],
    invalid: MEMORY_INVALID,
  },
  {
    names: ['list-max-listpack-size', 'list-max-ziplist-size'],
    valid: ['-5', '-2', '-1', '0', '1', '2', '128', '-6', '-2147483648', '2147483647'],
    invalid: ['-2147483649', '2147483648', 'abc', '1kb', ''],
  },
  { names: ['lfu-log-factor'], valid: ['0', '1', '10', '100', '2147483647'], invalid: ['-1', '2147483648', 'x', ''] },
  { names: ['lfu-decay-time'], valid: ['0', '1', '60', '2147483647'], invalid: ['-1', '2147483648', 'x', '1m'] },
  { names: ['maxmemory-samples'], valid: ['1', '5', '10', '64'], invalid: ['0', '-1', '2147483648', 'x'] },
];

/** A name in a random letter case. */
const anyCase = (name) => fc.constantFrom(name, name, name.toUpperCase(), name[0].toUpperCase() + name.slice(1));

// commands.mjs imports this module: its exports are used only inside the function.
export function configGenerators() {
  const pair = fc.constantFrom(...PARAMS).chain((p) => fc.tuple(
    fc.constantFrom(...p.names).chain(anyCase),
    pick([6, fc.constantFrom(...p.valid)], [1, fc.constantFrom(...p.invalid)]),
  ));
  // No exact names with a NUL: Redis hashes the whole argument but compares
  // names as C strings, so whether "lfu-log-factor\0x" finds lfu-log-factor
  // depends on its per-process hash seed (it did in about one run of 200).
  const unknownName = fc.constantFrom('nosuch', 'maxmemory-foo', 'hash-max-listpack', '');
  const pairs = pick(
    [10, fc.array(pair, { minLength: 1, maxLength: 3 })],
    [1, pair.map((p) => [p, p])], // the same name twice: duplicate parameter
    [1, fc.tuple(pair, unknownName, fc.constantFrom('1', 'x')).map(([p, n, v]) => [p, [n, v]])],
  ).map((ps) => ps.flat());

  // Names and patterns that select the same parameters in both stores (see the header).
  const getName = pick(
    [4, fc.constantFrom(...PARAMS.flatMap((p) => p.names), 'maxmemory', 'maxmemory-policy').chain(anyCase)],
    [4, fc.constantFrom(
      'hash-max-*', '*listpack*', '*ziplist*', 'lfu-*', 'LFU-*', 'zset-max-*', 'list-max-*', 'set-max-*', '*-value',
      '*-max-*-value', '*intset*', 'HASH-MAX-*', '*-ziplist-[ev]*', 'lfu-????-*', 'zset-max-listpack-?????',
      '[hz]set-max-*', '?set-max-*', '*max-*-entries', 'zset*', 'hash*', '*lfu*', 'maxmemory-[ps]*', '*samples',
      '*policy', 'l?u-*', 'maxmem?ry-s*', '*\\-max*list*',
    )],
    [1, fc.constantFrom('nosuch', 'nosuch*', '', 'lfu-*\x00x')], // patterns are C strings: deterministic
  );

  return {
    CONFIG: entry(2, pick(
      [5, fc.tuple(fc.array(getName, { minLength: 1, maxLength: 3 })).map(([names]) => ['CONFIG', 'GET', ...names])],
      [6, pairs.map((ps) => ['CONFIG', 'SET', ...ps])],
      [1, cmd('CONFIG', fc.constantFrom('RESETSTAT', 'resetstat', 'HELP', 'help', 'NOSUCH'))],
    )),
  };
}
