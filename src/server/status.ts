/**
 * gRPC status codes for command errors. The core answers every error as a
 * Redis-style text, code first ("WRONGTYPE Operation against ..."); a
 * unary RPC fails with the status its kind calls for and that text as the
 * message. (In a Pipeline an error is that command's reply, not a status.)
 */
import { status } from '@grpc/grpc-js';

export function statusForError(message: string): status {
  if (message.startsWith('WRONGTYPE')) return status.FAILED_PRECONDITION;
  if (message.startsWith('OOM') || message.includes('too large') || message.includes('exceed')) {
    return status.RESOURCE_EXHAUSTED;
  }
  if (message.startsWith('ERR unknown command') || message.startsWith('ERR unknown subcommand')) {
    return status.UNIMPLEMENTED;
  }
  if (message.startsWith('NOPERM')) return status.PERMISSION_DENIED;
  // A transaction refused because one of its commands is not allowed.
  if (message.startsWith('EXECABORT') && message.includes(': NOPERM ')) return status.PERMISSION_DENIED;
  if (message.startsWith('NOAUTH') || message.startsWith('WRONGPASS')) return status.UNAUTHENTICATED;
  // Syntax, arity, not-a-number, out of range, and the rest of ERR.
  return status.INVALID_ARGUMENT;
}
