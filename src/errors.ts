/**
 * The error a command answers with, as Redis would: `code` is the first word
 * of the message (`ERR`, `WRONGTYPE`, `NOSCRIPT`, ...), `message` the whole
 * text, e.g. `ERR value is not an integer or out of range`.
 */
export class EmberError extends Error {
  readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = 'EmberError';
    const space = message.indexOf(' ');
    this.code = space === -1 ? message : message.slice(0, space);
  }
}
