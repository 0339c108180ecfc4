/**
 * Reply values and shared error texts for the reference model. Replies are
 * already normalized the way test/support/reply.mjs prints them: '+OK',
 * ':1', '$"bytes"', null, arrays, '-ERR full text'.
 */
import { normalize } from '../../support/reply.mjs';

/** Thrown for an input the model cannot mirror honestly; generators never produce one. */
export class UnmodeledInput extends Error {}

/** Thrown by Keyspace.lookup() for a key of another type; the model replies WRONGTYPE. */
export class WrongTypeError extends Error {}

export const OK = '+OK';
export const int = (n) => `:${n}`;
export const bulk = (buf) => normalize(buf);
export const err = (text) => `-${text}`;

export const NOT_INT = err('ERR value is not an integer or out of range');
export const NOT_FLOAT = err('ERR value is not a valid float');
export const SYNTAX = err('ERR syntax error');
export const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
export const arityError = (name) => err(`ERR wrong number of arguments for '${name}' command`);
export const expireTimeError = (cmd) => err(`ERR invalid expire time in '${cmd}' command`);
/** An error quoting user bytes (a latin1 string): CR/LF become spaces, read back as UTF-8. */
export const userErr = (text) => err(Buffer.from(text.replace(/[\r\n]/g, ' '), 'latin1').toString('utf8'));
