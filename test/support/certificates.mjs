// Test certificates made with the `openssl` command at test time: a CA, a
// second CA nobody trusts, a server certificate for 127.0.0.1 / localhost
// and two client certificates (alice by the CA, mallory by the other CA).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function hasOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Makes the certificates in a fresh directory; returns it, a path maker and a reader. */
export function makeCertificates() {
  const dir = mkdtempSync(path.join(tmpdir(), 'emberkv-tls-'));
  const file = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name, cn) => openssl('req', '-x509', ...key, '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-subj', `/CN=${cn}`, '-days', '2');
  const issue = (name, cn, issuer, san) => {
    openssl('req', ...key, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(file(`${name}.ext`), `subjectAltName=${san}\n`);
    openssl(
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${issuer}.crt`), '-CAkey', file(`${issuer}.key`),
      '-CAcreateserial', '-out', file(`${name}.crt`), '-days', '2', '-extfile', file(`${name}.ext`),
    );
  };
  ca('ca', 'emberkv test CA');
  ca('other-ca', 'another CA');
  issue('server', 'localhost', 'ca', 'IP:127.0.0.1,DNS:localhost');
  issue('alice', 'alice', 'ca', 'DNS:alice.clients.example,email:alice@example.com');
  issue('mallory', 'mallory', 'other-ca', 'DNS:mallory.example');
  return { dir, file, read: (name) => readFileSync(file(name)) };
}
