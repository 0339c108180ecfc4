/**
 * emberkv-server's TLS: the server credentials built from the tls-*
 * settings (options.ts), checked at startup so that an unreadable file, a
 * file that is not PEM, or a key that does not belong to the certificate
 * stops the server with a message naming the file, and the verified
 * identity of a client certificate on a call (peerIdentity), the one place
 * that auth will map an identity to a user from.
 *
 * With tls-cert-file and tls-key-file the port speaks TLS only. With
 * tls-ca-cert-file as well, client certificates are verified against that
 * CA: required (tls-auth-clients yes, the default), verified when sent
 * (optional) or not asked for (no). A certificate that fails verification
 * never yields an identity.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PeerCertificate, TlsOptions } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { ServerSettings } from './options.js';

export interface ServerTls {
  credentials: grpc.ServerCredentials;
  /** What the startup log says about TLS. */
  summary: { tls: boolean; clientCertificates?: 'required' | 'optional' | 'not requested' };
  /** The same for Node's tls module (the RESP listener), or undefined without TLS. */
  node?: TlsOptions;
}

function readPem(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${setting}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Every certificate in a PEM file (a chain or a CA bundle), parsed; throws naming the file. */
function parseCertificates(pem: Buffer, file: string, setting: string): X509Certificate[] {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw new Error(`${setting}: ${file} holds no PEM certificate`);
  return blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new Error(`${setting}: ${file} holds a certificate that cannot be parsed: ${(err as Error).message}`);
    }
  });
}

/**
 * The server credentials for `settings`: insecure without a certificate,
 * else TLS (mutual with a CA). Throws an Error naming the file on a bad one.
 */
export function serverTls(settings: ServerSettings): ServerTls {
  if (!settings.tlsCertFile) return { credentials: grpc.ServerCredentials.createInsecure(), summary: { tls: false } };
  const cert = readPem(settings.tlsCertFile, 'tls-cert-file');
  const key = readPem(settings.tlsKeyFile, 'tls-key-file');
  const [leaf] = parseCertificates(cert, settings.tlsCertFile, 'tls-cert-file');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new Error(`tls-key-file: ${settings.tlsKeyFile} is not a readable PEM private key: ${(err as Error).message}`);
  }
  if (!leaf!.checkPrivateKey(privateKey)) {
    throw new Error(`tls-key-file: the key in ${settings.tlsKeyFile} does not match the certificate in ${settings.tlsCertFile}`);
  }
  const pair = [{ cert_chain: cert, private_key: key }];
  if (!settings.tlsCaCertFile || settings.tlsAuthClients === 'no') {
    // grpc-js puts the system roots in the context when given no CA; no
    // client certificate is requested, so they verify nothing here.
    return {
      credentials: grpc.ServerCredentials.createSsl(null, pair, false),
      summary: { tls: true, clientCertificates: 'not requested' },
      node: { cert, key },
    };
  }
  const ca = readPem(settings.tlsCaCertFile, 'tls-ca-cert-file');
  parseCertificates(ca, settings.tlsCaCertFile, 'tls-ca-cert-file');
  if (settings.tlsAuthClients === 'yes') {
    return {
      credentials: grpc.ServerCredentials.createSsl(ca, pair, true),
      summary: { tls: true, clientCertificates: 'required' },
      node: { cert, key, ca, requestCert: true, rejectUnauthorized: true },
    };
  }
  return {
    credentials: optionalClientCertificates(ca, cert, key),
    summary: { tls: true, clientCertificates: 'optional' },
    node: { cert, key, ca, requestCert: true, rejectUnauthorized: false },
  };
}

/**
 * Credentials that ask for a client certificate and verify it against
 * `ca`, but let a client without one (or with one that fails) connect;
 * such a client has no identity (peerIdentity). createSsl cannot say
 * this (its "check" both requests and requires), grpc-js's certificate
 * provider credentials can: one static provider serves both the CA and
 * the identity, so the order of the two provider arguments (whose names
 * and use differ in grpc-js 1.14) does not matter.
 */
function optionalClientCertificates(ca: Buffer, cert: Buffer, key: Buffer): grpc.ServerCredentials {
  // Updates are delivered a microtask later, as a file-watching provider
  // would: grpc-js subscribes to the provider before it registers the
  // server that applies the update, so one delivered at once would be lost.
  const provider: grpc.experimental.CertificateProvider = {
    addCaCertificateListener: (listener) => queueMicrotask(() => listener({ caCertificate: ca })),
    removeCaCertificateListener: () => {},
    addIdentityCertificateListener: (listener) => queueMicrotask(() => listener({ certificate: cert, privateKey: key })),
    removeIdentityCertificateListener: () => {},
  };
  return grpc.experimental.createCertificateProviderServerCredentials(provider, provider, false);
}

/** A client certificate's identity, as verified by the TLS handshake. */
export interface PeerIdentity {
  /** The subject's common name, if it has one. */
  commonName?: string;
  /** subjectAltName entries as OpenSSL prints them: 'DNS:host', 'IP Address:1.2.3.4', 'URI:...', 'email:...'. */
  subjectAltNames: string[];
  /** SHA-256 fingerprint of the certificate (AA:BB:...). */
  fingerprint256: string;
}

type CallWithAuth = { getAuthContext(): { sslPeerCertificate?: PeerCertificate } };

/**
 * The verified client certificate identity of the connection `call` came
 * on, or null (plaintext, no certificate sent, or one that failed
 * verification: grpc-js reports a peer certificate only when the TLS
 * socket is authorized). Auth maps this to a user.
 */
export function peerIdentity(call: CallWithAuth): PeerIdentity | null {
  const certificate = call.getAuthContext().sslPeerCertificate;
  if (!certificate) return null;
  const cn = certificate.subject?.CN;
  return {
    ...(cn === undefined ? {} : { commonName: Array.isArray(cn) ? cn[0]! : cn }),
    subjectAltNames: certificate.subjectaltname ? certificate.subjectaltname.split(', ') : [],
    fingerprint256: certificate.fingerprint256,
  };
}
