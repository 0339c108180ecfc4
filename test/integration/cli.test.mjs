// emberkv-cli (src/cli/) against a real emberkv-server process: one-shot
// commands in redis-cli's TTY and raw forms, the interactive prompt fed
// through stdin, exit codes, and redis-cli's argument splitting.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startGrpcServer } from '../support/grpc-server.mjs';

const require = createRequire(import.meta.url);
const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const { splitArgs } = require('../../dist/cli/split.js');
const { quoteBytes } = require('../../dist/cli/format.js');

describe('emberkv-cli', () => {
  let server;
  const cli = (args, input) =>
    spawnSync(process.execPath, [CLI, '-p', String(server.port), ...args], {
      input,
      encoding: 'utf8',
      env: { ...process.env, EMBERKV_CLI_HISTFILE: path.join(mkdtempSync(path.join(tmpdir(), 'emberkv-cli-')), 'history') },
    });

  before(async () => {
    server = await startGrpcServer();
  });
  after(() => server.stop());

  test('one-shot commands print as redis-cli does (TTY form)', () => {
    assert.equal(cli(['SET', 'k', 'a"b\n']).stdout, 'OK\n');
    assert.equal(cli(['--no-raw', 'GET', 'k']).stdout, '"a\\"b\\n"\n');
    assert.equal(cli(['--no-raw', 'GET', 'missing']).stdout, '(nil)\n');
    assert.equal(cli(['--no-raw', 'INCRBY', 'n', '41']).stdout, '(integer) 41\n');
    cli(['RPUSH', 'l', 'a', 'b']);
    assert.equal(cli(['--no-raw', 'LRANGE', 'l', '0', '-1']).stdout, '1) "a"\n2) "b"\n');
    assert.equal(cli(['--no-raw', 'LRANGE', 'none', '0', '-1']).stdout, '(empty array)\n');
    cli(['ZADD', 'z', '1', 'm']);
    assert.equal(cli(['--no-raw', 'ZSCAN', 'z', '0']).stdout, '1) "0"\n2) 1) "m"\n   2) "1"\n');
  });

  test('raw form when piped; an error reply is printed and exits 0, like redis-cli', () => {
    assert.equal(cli(['LRANGE', 'l', '0', '-1']).stdout, 'a\nb\n');
    assert.equal(cli(['GET', 'missing']).stdout, '\n');
    const wrong = cli(['--no-raw', 'LPUSH', 'k', 'x']);
    assert.equal(wrong.stdout, '(error) WRONGTYPE Operation against a key holding the wrong kind of value\n');
    assert.equal(wrong.status, 0);
    assert.equal(cli(['NOSUCHCMD']).stdout, "ERR unknown command 'NOSUCHCMD', with args beginning with: \n");
  });

  test('interactive: commands from stdin with quoting, quit leaves', () => {
    const out = cli(['--no-raw'], 'SET "two words" "x\\x41y"\nGET "two words"\nGET "open\n\nquit\nGET never\n');
    assert.equal(out.status, 0);
    const printed = out.stdout.split(/127\.0\.0\.1:\d+> /).filter(Boolean);
    assert.deepEqual(printed, ['OK\n', '"xAy"\n', 'Invalid argument(s)\n']);
  });

  test('interactive MULTI / EXEC / DISCARD / WATCH print as redis-cli does', () => {
    const prompt = (input) => cli(['--no-raw'], input).stdout.split(/127\.0\.0\.1:\d+> /).filter(Boolean);
    assert.deepEqual(prompt('MULTI\nSET tx:k 1\nINCR tx:k\nUNWATCH\nEXEC\nEXEC\nquit\n'), [
      'OK\n',
      'QUEUED\n',
      'QUEUED\n',
      'QUEUED\n',
      '1) OK\n2) (integer) 2\n3) OK\n',
      '(error) ERR EXEC without MULTI\n',
    ]);
    assert.deepEqual(prompt('WATCH tx:k\nMULTI\nWATCH x\nGET tx:k\nDISCARD\nDISCARD\nquit\n'), [
      'OK\n',
      'OK\n',
      '(error) ERR WATCH inside MULTI is not allowed\n',
      'QUEUED\n',
      'OK\n',
      '(error) ERR DISCARD without MULTI\n',
    ]);
    // A key changed after WATCH (here by the same prompt, as by anyone):
    // EXEC runs nothing and prints (nil).
    assert.deepEqual(prompt('WATCH tx:k\nSET tx:k 5\nMULTI\nSET tx:k 6\nEXEC\nGET tx:k\nquit\n'), [
      'OK\n',
      'OK\n',
      'OK\n',
      'QUEUED\n',
      '(nil)\n',
      '"5"\n',
    ]);
    const aborted = prompt('MULTI\nSET only-key\nEXEC\nquit\n');
    assert.match(aborted[2], /^\(error\) EXECABORT Transaction discarded because of previous errors: command 1: ERR wrong number of arguments for 'set' command\n$/);
  });

  test('blocking commands wait on the server: BLPOP times out with (nil)', () => {
    const started = Date.now();
    assert.equal(cli(['--no-raw', 'BLPOP', 'cli:empty', '0.2']).stdout, '(nil)\n');
    assert.ok(Date.now() - started >= 200);
  });

  test('-n chooses the database, as redis-cli -n; the prompt shows it', () => {
    assert.equal(cli(['-n', '4', 'SET', 'cli:db', 'four']).stdout, 'OK\n');
    assert.equal(cli(['-n', '4', 'GET', 'cli:db']).stdout, 'four\n');
    assert.equal(cli(['GET', 'cli:db']).stdout, '\n');  // db 0: no such key
    assert.equal(cli(['-n', '0', 'EXISTS', 'cli:db']).stdout, '0\n');
    const out = cli(['-n', '4', '--no-raw'], 'MULTI\nINCR cli:n\nEXEC\nGET cli:db\nquit\n');
    const printed = out.stdout.split(/127\.0\.0\.1:\d+\[4\]> /).filter(Boolean);
    assert.deepEqual(printed, ['OK\n', 'QUEUED\n', '1) (integer) 1\n', '"four"\n']);
    assert.equal(cli(['-n', '4', 'GET', 'cli:n']).stdout, '1\n');
    for (const bad of ['16', '-1', 'x']) {
      const refused = cli(['-n', bad, 'PING']);
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /-n must be a database number from 0 to 15/);
    }
  });

  test('no server: a clear message and exit code 1', async () => {
    const result = spawnSync(process.execPath, [CLI, '-p', '1', 'PING'], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Could not connect to emberkv-server at 127\.0\.0\.1:1/);
  });

  test('argument splitting follows redis-cli (sdssplitargs)', () => {
    const split = (line) => splitArgs(line)?.map((b) => b.toString('latin1'));
    assert.deepEqual(split('  SET  k   v '), ['SET', 'k', 'v']);
    assert.deepEqual(split('SET "a b" \'c d\''), ['SET', 'a b', 'c d']);
    assert.deepEqual(split('"\\x41\\n\\t\\\\\\"" \'it\\\'s\''), ['A\n\t\\"', "it's"]);
    assert.deepEqual(split('""'), ['']);
    assert.equal(split('"unterminated'), undefined);
    assert.equal(split('"closed"right-after'), undefined);
    assert.deepEqual(split(''), []);
    assert.equal(quoteBytes(Buffer.from([0, 7, 65, 255])), '"\\x00\\aA\\xff"');
  });
});
