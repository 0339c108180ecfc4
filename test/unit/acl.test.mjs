// ACL commands on an embedded Engine (native/core/acl.h): property-based
// checks of ACL SETUSER's rule language and of the permission check, with
// ACL DRYRUN as the probe (an Engine runs as no user, so it checks
// nothing itself; the server's runs are in test/integration/acl.test.mjs).
//
//  - any list of rules, valid or not, either applies whole (OK) or not at
//    all (an error naming the bad rule, the user unchanged);
//  - a user's ACL LIST line, replayed as rules on a fresh user, gives the
//    same line: what is saved to the ACL file loads back the same;
//  - DRYRUN of GET / SET / SET GET / INCR on random keys agrees with a
//    small model of Redis's key patterns (read, write, read-write; '*' and
//    '?' globs) and key specs (which access each command needs).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Engine, EmberError } from 'emberkv';

const SEED = process.env.EMBERKV_SEED !== undefined ? Number(process.env.EMBERKV_SEED) : Math.floor(Math.random() * 2 ** 31);
process.stdout.write(`acl: random seed ${SEED} (replay with EMBERKV_SEED=${SEED})\n`);

const withEngine = (fn) => () => {
  const e = new Engine({ backgroundUpkeep: false });
  try {
    return fn(e);
  } finally {
    e.close();
  }
};

const pattern = fc.constantFrom('a*', 'b?', 'ab', '*', 'a?c*', 'x');
const rule = fc.oneof(
  fc.constantFrom('on', 'off', 'nopass', 'resetpass', 'allkeys', 'resetkeys', 'allchannels', 'resetchannels',
    'allcommands', 'nocommands', 'reset', '+@read', '-@read', '+@write', '-@dangerous', '+@all', '-@all', '+get',
    '-get', '+config|get', '-config|set', '+acl', '+nosuch', '+@nosuch', '%X~a', '(~a +get)', '', 'bogus'),
  pattern.map((p) => `~${p}`),
  fc.tuple(fc.constantFrom('%R~', '%W~', '%RW~', '%wr~'), pattern).map(([prefix, p]) => prefix + p),
  pattern.map((p) => `&${p}`),
);

/**
 * Redis-style glob with only '*' and '?' (the patterns above). As Redis's
 * stringmatchlen, no pattern matches the empty string (its loop never
 * starts): only allkeys ('~*') grants the empty key.
 */
const globMatches = (glob, text) =>
  text !== '' && new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's').test(text);

describe('ACL SETUSER', () => {
  test('a list of rules applies whole or not at all, and errors name the rule', withEngine((e) => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 8 }), (rules) => {
        const before = e.call('ACL', 'LIST');
        try {
          assert.equal(e.call('ACL', 'SETUSER', 'u', ...rules), 'OK');
        } catch (err) {
          assert.ok(err instanceof EmberError);
          assert.match(err.message, /^ERR Error in ACL SETUSER modifier '.*': /);
          assert.deepEqual(e.call('ACL', 'LIST'), before, 'a failed SETUSER changed nothing');
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  }));

  test('the ACL LIST line, replayed on a fresh user, gives the same line', withEngine((e) => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 8 }), (rules) => {
        e.call('ACL', 'DELUSER', 'u', 'v');
        try {
          e.call('ACL', 'SETUSER', 'u', ...rules);
        } catch {
          return;  // rejected lists are the property above
        }
        const line = e.call('ACL', 'LIST').find((l) => l.startsWith('user u '));
        e.call('ACL', 'SETUSER', 'v', ...line.split(' ').slice(2));
        const copy = e.call('ACL', 'LIST').find((l) => l.startsWith('user v '));
        assert.equal(copy.replace('user v ', 'user u '), line);
      }),
      { seed: SEED, numRuns: 300 },
    );
  }));

  test('secrets are kept as salted hashes; GETUSER shows the hashes', withEngine((e) => {
    e.call('ACL', 'SETUSER', 'w', 'on', '>s3cret');
    const line = e.call('ACL', 'LIST').find((l) => l.startsWith('user w '));
    assert.ok(!line.includes('s3cret'));
    assert.match(line, /^user w on #\$y\$\S+ resetchannels -@all$/);
    const [, flags, , passwords] = e.call('ACL', 'GETUSER', 'w');
    assert.deepEqual(flags, ['on']);
    assert.equal(passwords.length, 1);
    assert.ok(line.includes(passwords[0]));
    // The same secret again is a new salt, so a second hash.
    e.call('ACL', 'SETUSER', 'w', '>s3cret');
    assert.equal(e.call('ACL', 'GETUSER', 'w')[3].length, 2);
    e.call('ACL', 'SETUSER', 'w', '<s3cret');
    assert.equal(e.call('ACL', 'GETUSER', 'w')[3].length, 0, '<secret removes every hash of it');
    assert.equal(e.call('ACL', 'GETUSER', 'nobody'), null);
  }));
});

describe('the permission check (ACL DRYRUN)', () => {
  test('GET, SET, SET ... GET and INCR on random keys agree with a model of key patterns', withEngine((e) => {
    const access = fc.constantFrom('~', '%R~', '%W~');
    const READ = 1;
    const WRITE = 2;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(access, pattern), { maxLength: 4 }),
        fc.array(fc.stringMatching(/^[abcx]{0,4}$/), { minLength: 1, maxLength: 6 }),
        (patterns, keys) => {
          try {
            e.call('ACL', 'SETUSER', 'm', 'reset', 'on', '+get', '+set', '+incr', ...patterns.map(([a, p]) => a + p));
          } catch (err) {
            // Only a pattern after '~*' is refused.
            assert.match(err.message, /Adding a pattern after the \* pattern/);
            return;
          }
          // The model: a key needs one pattern granting all the access it
          // needs (GET: read; SET: write, and read too with GET; INCR: read
          // and write, Redis 7's key specs); only '~*' means every key.
          const grants = (a) => (a === '~' ? READ | WRITE : a === '%R~' ? READ : WRITE);
          const allows = (key, need) =>
            patterns.some(([a, p]) => (a === '~' && p === '*') || ((grants(a) & need) === need && globMatches(p, key)));
          for (const key of keys) {
            assert.equal(e.call('ACL', 'DRYRUN', 'm', 'GET', key) === 'OK', allows(key, READ), `GET ${key} with ${patterns}`);
            assert.equal(e.call('ACL', 'DRYRUN', 'm', 'SET', key, 'v') === 'OK', allows(key, WRITE), `SET ${key} with ${patterns}`);
            assert.equal(e.call('ACL', 'DRYRUN', 'm', 'SET', key, 'v', 'GET') === 'OK', allows(key, READ | WRITE), `SET GET ${key}`);
            assert.equal(e.call('ACL', 'DRYRUN', 'm', 'INCR', key) === 'OK', allows(key, READ | WRITE), `INCR ${key}`);
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  }));

  test('denials name the command, or the key and the patterns, or the channel', withEngine((e) => {
    e.call('ACL', 'SETUSER', 'n', 'on', '~app:*', '&news', '+@read', '+publish');
    assert.equal(e.call('ACL', 'DRYRUN', 'n', 'DEL', 'app:1'), "NOPERM User n has no permissions to run the 'del' command");
    assert.equal(
      e.call('ACL', 'DRYRUN', 'n', 'GET', 'other'),
      "NOPERM No permissions to access a key: user n may not read 'other' (key patterns: ~app:*)",
    );
    assert.equal(
      e.call('ACL', 'DRYRUN', 'n', 'PUBLISH', 'sport', 'x'),
      "NOPERM No permissions to access a channel: user n may not use the channel 'sport' (channel patterns: &news)",
    );
    assert.equal(e.call('ACL', 'DRYRUN', 'n', 'PUBLISH', 'news', 'x'), 'OK');
    assert.throws(() => e.call('ACL', 'DRYRUN', 'nobody', 'GET', 'k'), /^EmberError: ERR User 'nobody' not found/);
    assert.throws(() => e.call('ACL', 'DRYRUN', 'n', 'NOSUCH'), /ERR Command 'NOSUCH' not found/);
    assert.throws(() => e.call('ACL', 'DRYRUN', 'n', 'GET'), /ERR wrong number of arguments for 'get' command/);
  }));

  test('an Engine runs as no user: nothing is checked, WHOAMI is default', withEngine((e) => {
    e.call('ACL', 'SETUSER', 'default', 'off', 'resetkeys', '-@all');
    assert.equal(e.set('k', 'v'), 'OK');
    assert.equal(e.call('ACL', 'WHOAMI'), 'default');
    assert.equal(e.aclWhoAmI(), 'default');
  }));
});
