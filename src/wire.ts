/**
 * The EmberKV gRPC service as grpc-js sees it, shared by the server and the
 * client. Its messages (proto/emberkv/v1/emberkv.proto) are never built as
 * JS objects on the hot path: both sides pass the raw message bytes to
 * native code (native/core/proto_wire.h), which decodes, executes and
 * encodes them. So every method's (de)serializer is the identity on Buffers.
 */
import * as path from 'node:path';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

export const PROTO_ROOT = path.join(__dirname, '..', 'proto');
export const PROTO_FILE = 'emberkv/v1/emberkv.proto';
export const SERVICE_NAME = 'emberkv.v1.EmberKV';

const identity = (bytes: Buffer): Buffer => bytes;

function method(name: string, requestStream: boolean, responseStream: boolean): MethodDefinition<Buffer, Buffer> {
  return {
    path: `/${SERVICE_NAME}/${name}`,
    requestStream,
    responseStream,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: name[0]!.toLowerCase() + name.slice(1),
  };
}

export const emberkvService = {
  Execute: method('Execute', false, false),
  Pipeline: method('Pipeline', true, true),
  Exec: method('Exec', false, false),
} satisfies ServiceDefinition;
