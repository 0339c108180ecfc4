/**
 * Prints replies as redis-cli does. The CLI runs commands with callBuffer,
 * so a bulk reply is a Buffer and a simple (status) reply a string, which
 * is what tells them apart here.
 *
 * TTY form (a terminal, or --no-raw): bulk strings quoted with escapes,
 * "(integer) 1", "(nil)", "(error) ...", "(empty array)", and numbered,
 * indented elements for arrays. Raw form (output piped, or --raw): every
 * value as is on its own line, nil as an empty line.
 */
import { EmberError } from '../errors.js';

/** A Buffer as redis-cli quotes it (sdscatrepr). */
export function quoteBytes(bytes: Buffer): string {
  let out = '"';
  for (const c of bytes) {
    if (c === 92) out += '\\\\';
    else if (c === 34) out += '\\"';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c >= 32 && c < 127) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

function scalarTTY(value: unknown): string {
  if (value === null || value === undefined) return '(nil)';
  if (value instanceof EmberError) return `(error) ${value.message}`;
  if (Buffer.isBuffer(value)) return quoteBytes(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return `(integer) ${value}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `(integer) ${value}` : `(double) ${value}`;
  if (typeof value === 'boolean') return value ? '(true)' : '(false)';
  return String(value);
}

export function formatTTY(value: unknown, indent = 0): string {
  if (!Array.isArray(value)) return scalarTTY(value);
  if (value.length === 0) return '(empty array)';
  const width = String(value.length).length;
  return value
    .map((element, i) => {
      const prefix = `${String(i + 1).padStart(width)}) `;
      const body = formatTTY(element, indent + prefix.length);
      return (i === 0 ? '' : ' '.repeat(indent)) + prefix + body;
    })
    .join('\n');
}

export function formatRaw(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatRaw).join('\n');
  if (value === null || value === undefined) return '';
  if (value instanceof EmberError) return value.message;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}
