// Plain grpc-js stubs loaded from the proto files, as any gRPC user would
// make them (no emberkv code involved): EmberKV, and the standard health
// and reflection services, with helpers to call them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);
const PROTO_ROOT = path.join(import.meta.dirname, '..', '..', 'proto');
const HEALTH_PROTO = require('grpc-health-check').protoPath;
const REFLECTION_PROTO = path.join(
  path.dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);

/** { emberkv, health, reflection } stubs for the server at `address`; close() each when done. */
export function loadStubs(address) {
  const definition = protoLoader.loadSync(['emberkv/v1/emberkv.proto', HEALTH_PROTO, REFLECTION_PROTO], {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition);
  const credentials = grpc.credentials.createInsecure();
  return {
    emberkv: new pkg.emberkv.v1.EmberKV(address, credentials),
    health: new pkg.grpc.health.v1.Health(address, credentials),
    reflection: new pkg.grpc.reflection.v1.ServerReflection(address, credentials),
  };
}

/** A unary call as a Promise. */
export const unary = (stub, method, request, options = {}) =>
  new Promise((resolve, reject) => stub[method](request, options, (err, reply) => (err ? reject(err) : resolve(reply))));

/** A Command message: name and arguments as bytes. */
export const command = (name, ...args) => ({ name: Buffer.from(name), args: args.map((a) => Buffer.from(String(a))) });

/** Resolves with the rejection's error (fails the test if `promise` resolves). */
export async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}
