// TLS and mutual TLS: emberkv-server with tls-cert-file / tls-key-file /
// tls-ca-cert-file / tls-auth-clients, the Client's `tls` option and
// emberkv-cli's --tls flags. The certificates are made with the `openssl`
// command at test time in a temporary directory: a CA, a server
// certificate for 127.0.0.1 and localhost, a client certificate (CN
// alice) from that CA, and a second CA with a client certificate of its own.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { rejection } from '../support/grpc-stubs.mjs';
import { hasOpenssl, makeCertificates } from '../support/certificates.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('../../dist/client/index.js');
const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

const OPENSSL = hasOpenssl();
if (!OPENSSL) process.stderr.write('\n*** tls.test.mjs: SKIPPED: no `openssl` command on PATH ***\n\n');

/** The server's stdout is read asynchronously: waits (up to 2 s) for a log line `match` accepts. */
async function logLine(server, match, from = 0) {
  for (let waited = 0; waited < 2000; waited += 20) {
    const line = server.logs.slice(from).find(match);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail('the server did not log the expected line');
}

describe('TLS', { skip: !OPENSSL && 'no openssl command' }, () => {
  let certs;
  before(() => {
    certs = makeCertificates();
  });
  after(() => rmSync(certs.dir, { recursive: true, force: true }));

  /** Server flags: its certificate, and client certificates verified against the CA when sent. */
  const optionalClientCertificates = () => [
    '--tls-cert-file', certs.file('server.crt'),
    '--tls-key-file', certs.file('server.key'),
    '--tls-ca-cert-file', certs.file('ca.crt'),
    '--tls-auth-clients', 'optional',
  ];
  /** A Client's tls option: the CA, and the certificate of `name` if given. */
  const clientTls = (name) => ({ ca: certs.read('ca.crt'), ...(name ? { cert: certs.read(`${name}.crt`), key: certs.read(`${name}.key`) } : {}) });

  describe('server certificate only', () => {
    let server;
    before(async () => {
      server = await startGrpcServer(['--tls-cert-file', certs.file('server.crt'), '--tls-key-file', certs.file('server.key')]);
    });
    after(() => server.stop());

    test("logs 'listening' with tls: true", () => {
      const listening = server.logs.find((l) => l.msg === 'emberkv-server listening');
      assert.equal(listening.tls, true);
      assert.equal(listening.clientCertificates, 'not requested');
    });

    test('a Client with the CA: commands, a pipeline and a subscription work', async () => {
      const client = new Client({ address: server.address, tls: { ca: certs.read('ca.crt') } });
      const other = new Client({ address: `localhost:${server.port}`, tls: { ca: certs.read('ca.crt').toString() } });
      try {
        assert.equal(await client.set('k', 'v'), 'OK');
        assert.equal(await other.get('k'), 'v');
        const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => client.incrBy('n', i)));
        assert.equal(replies.at(-1), (49 * 50) / 2);
        const sub = other.subscribe({ channels: ['news'] });
        await sub.ready;
        assert.equal(await client.publish('news', 'hello'), 1);
        for await (const message of sub) {
          assert.equal(message.channel, 'news');
          assert.equal(message.message, 'hello');
          break;
        }
        sub.close();
      } finally {
        await client.close();
        await other.close();
      }
    });

    test('a plaintext Client fails with UNAVAILABLE, without hanging', async () => {
      const client = new Client({ address: server.address });
      try {
        const err = await rejection(client.get('k'));
        assert.equal(err.code, 14 /* UNAVAILABLE */, err.message);
      } finally {
        await client.close();
      }
    });

    test("a Client that does not trust the server's CA is refused", async () => {
      const client = new Client({ address: server.address, tls: { ca: certs.read('other-ca.crt') } });
      try {
        const err = await rejection(client.get('k'));
        assert.equal(err.code, 14, err.message);
      } finally {
        await client.close();
      }
    });

    test('servername: a name the certificate does not carry is refused, one it carries works', async () => {
      const wrong = new Client({ address: server.address, tls: { ca: certs.read('ca.crt'), servername: 'elsewhere.example' } });
      const right = new Client({ address: server.address, tls: { ca: certs.read('ca.crt'), servername: 'localhost' } });
      try {
        assert.equal((await rejection(wrong.get('k'))).code, 14);
        assert.equal(await right.get('k'), 'v');
      } finally {
        await wrong.close();
        await right.close();
      }
    });

    test('emberkv-cli --tls --cacert works; without --tls it fails with exit 1', () => {
      const cli = (...args) => spawnSync(process.execPath, [CLI, '-p', String(server.port), ...args], { encoding: 'utf8' });
      const ok = cli('--tls', '--cacert', certs.file('ca.crt'), 'GET', 'k');
      assert.equal(ok.stdout, 'v\n', ok.stderr);
      assert.equal(ok.stderr, '');
      assert.equal(ok.status, 0);
      const plain = cli('GET', 'k');
      assert.equal(plain.status, 1);
      assert.match(plain.stderr, /Could not connect/);
      const missing = cli('--cacert', certs.file('nope.crt'), 'GET', 'k');
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /nope\.crt/);
    });
  });

  describe('mutual TLS (tls-ca-cert-file)', () => {
    let server;
    before(async () => {
      server = await startGrpcServer(
        [
          '--tls-cert-file', certs.file('server.crt'),
          '--tls-key-file', certs.file('server.key'),
          '--tls-ca-cert-file', certs.file('ca.crt'),
          '--log-level', 'debug',
        ],
      );
    });
    after(() => server.stop());

    const clientWith = (name) => new Client({ address: server.address, tls: clientTls(name) });

    test('a client certificate signed by the CA works, and the server sees its identity', async () => {
      const client = clientWith('alice');
      try {
        assert.equal(await client.set('m', '1'), 'OK');
        assert.equal(await client.get('m'), '1');
      } finally {
        await client.close();
      }
      const seen = await logLine(server, (l) => l.msg === 'client certificate');
      assert.equal(seen.identity.commonName, 'alice');
      assert.deepEqual(seen.identity.subjectAltNames, ['DNS:alice.clients.example', 'email:alice@example.com']);
      assert.match(seen.identity.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      assert.equal(server.logs.find((l) => l.msg === 'emberkv-server listening').clientCertificates, 'required');
    });

    test('a client without a certificate is refused', async () => {
      const client = clientWith(undefined);
      try {
        assert.equal((await rejection(client.get('m'))).code, 14);
      } finally {
        await client.close();
      }
    });

    test('a client certificate signed by another CA is refused', async () => {
      const client = clientWith('mallory');
      try {
        assert.equal((await rejection(client.get('m'))).code, 14);
      } finally {
        await client.close();
      }
    });

    test('emberkv-cli --cert / --key: works with the certificate, exit 1 without', () => {
      const cli = (...args) => spawnSync(process.execPath, [CLI, '-p', String(server.port), '--tls', '--cacert', certs.file('ca.crt'), ...args], { encoding: 'utf8' });
      const ok = cli('--cert', certs.file('alice.crt'), '--key', certs.file('alice.key'), 'GET', 'm');
      assert.equal(ok.stdout, '1\n', ok.stderr);
      assert.equal(cli('GET', 'm').status, 1);
    });
  });

  test('tls-auth-clients optional: with or without a certificate works, a foreign one yields no identity', async () => {
    const server = await startGrpcServer([...optionalClientCertificates(), '--log-level', 'debug']);
    try {
      const identities = [];
      for (const name of [undefined, 'alice', 'mallory']) {
        const client = new Client({ address: server.address, tls: clientTls(name) });
        const from = server.logs.length;
        try {
          assert.equal(await client.ping(), 'PONG');
        } finally {
          await client.close();
        }
        const seen = await logLine(server, (l) => l.msg === 'client certificate', from);
        identities.push(seen.identity?.commonName ?? null);
      }
      assert.deepEqual(identities, [null, 'alice', null]);
    } finally {
      await server.stop();
    }
  });

  test('tls-auth-clients-user CN: a verified certificate names the user a call runs as', async () => {
    const server = await startGrpcServer([
      ...optionalClientCertificates(), '--tls-auth-clients-user', 'CN', '--requirepass', 'admin-secret',
    ]);
    const admin = new Client({ address: server.address, tls: clientTls(), password: 'admin-secret' });
    const alice = new Client({ address: server.address, tls: clientTls('alice') });
    const anonymous = new Client({ address: server.address, tls: clientTls() });
    try {
      // No user alice yet: the certificate names a user that is missing.
      assert.equal((await rejection(alice.ping())).code, 16 /* UNAUTHENTICATED */);
      await admin.call('ACL', 'SETUSER', 'alice', 'on', '~alice:*', '+@all');
      assert.equal(await alice.call('ACL', 'WHOAMI'), 'alice');
      assert.match((await rejection(alice.get('bob:x'))).message, /^NOPERM No permissions to access a key/);
      // Without a certificate (and without a secret) there is no user.
      assert.equal((await rejection(anonymous.ping())).code, 16);
    } finally {
      await Promise.all([admin.close(), alice.close(), anonymous.close()]);
      await server.stop();
    }
  });

  describe('bad files stop startup with a message naming the file', () => {
    const startFails = async (args, pattern) => {
      const err = await rejection(startGrpcServer(args));
      assert.match(err.message, /exited \(1\)/);
      assert.match(err.message, pattern);
    };

    test('an unreadable certificate file', () =>
      startFails(['--tls-cert-file', certs.file('missing.crt'), '--tls-key-file', certs.file('server.key')], /tls-cert-file: cannot read .*missing\.crt: ENOENT/));

    test('a key that does not match the certificate', () =>
      startFails(
        ['--tls-cert-file', certs.file('server.crt'), '--tls-key-file', certs.file('alice.key')],
        /the key in .*alice\.key does not match the certificate in .*server\.crt/,
      ));

    test('a file that is not PEM', () =>
      startFails(['--tls-cert-file', certs.file('server.ext'), '--tls-key-file', certs.file('server.key')], /server\.ext holds no PEM certificate/));

    test('a key file that is not a key', () =>
      startFails(['--tls-cert-file', certs.file('server.crt'), '--tls-key-file', certs.file('server.crt')], /tls-key-file: .*server\.crt is not a readable PEM private key/));

    test('an unreadable CA file', () =>
      startFails(
        ['--tls-cert-file', certs.file('server.crt'), '--tls-key-file', certs.file('server.key'), '--tls-ca-cert-file', certs.file('nope.crt')],
        /tls-ca-cert-file: cannot read .*nope\.crt/,
      ));

    test('a certificate without its key is a usage error (exit 2)', async () => {
      const err = await rejection(startGrpcServer(['--tls-cert-file', certs.file('server.crt')]));
      assert.match(err.message, /exited \(2\)/);
      assert.match(err.message, /tls-cert-file and tls-key-file go together/);
    });
  });
});

describe('TLS settings (flags, config file, environment)', () => {
  const { parseSettings, UsageError } = require('../../dist/server/options.js');
  const parse = (argv, env = {}) => parseSettings(argv, env, new Set());

  test('flags, EMBERKV_TLS_* and a config file give the same settings; flags win', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emberkv-tls-conf-'));
    try {
      const conf = path.join(dir, 'emberkv.conf');
      writeFileSync(conf, 'tls-cert-file /c/server.crt\ntls-key-file "/c/server.key"\ntls-ca-cert-file /c/ca.crt\ntls-auth-clients optional\n');
      const fromFile = parse(['--config', conf]);
      assert.deepEqual(
        [fromFile.tlsCertFile, fromFile.tlsKeyFile, fromFile.tlsCaCertFile, fromFile.tlsAuthClients],
        ['/c/server.crt', '/c/server.key', '/c/ca.crt', 'optional'],
      );
      const fromEnv = parse(['--tls-auth-clients', 'NO'], { EMBERKV_TLS_CERT_FILE: '/e/s.crt', EMBERKV_TLS_KEY_FILE: '/e/s.key' });
      assert.deepEqual([fromEnv.tlsCertFile, fromEnv.tlsKeyFile, fromEnv.tlsCaCertFile, fromEnv.tlsAuthClients], ['/e/s.crt', '/e/s.key', '', 'no']);
      const plain = parse([]);
      assert.deepEqual([plain.tlsCertFile, plain.tlsAuthClients], ['', 'yes']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('malformed TLS settings are usage errors', () => {
    assert.throws(() => parse(['--tls-auth-clients', 'maybe']), (e) => e instanceof UsageError && /yes, no or optional/.test(e.message));
    assert.throws(() => parse(['--tls-key-file', 'k']), /go together/);
    assert.throws(() => parse(['--tls-ca-cert-file', 'ca']), /needs tls-cert-file/);
  });
});
