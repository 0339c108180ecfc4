/**
 * A minimal RESP2 client over node:net, for talking to a real redis-server
 * in tests. Commands go out as arrays of bulk strings (args: string, Buffer
 * or number); replies come back exactly as sent:
 *
 *   +simple   -> string (UTF-8)           :integer -> number (bigint beyond 2^53)
 *   $bulk     -> Buffer (raw bytes)       $-1 / *-1 -> null
 *   *array    -> Array                    -error   -> RespError (a value, not a throw)
 *
 * Pipelining: `pipeline(commands)` writes every command in one go and
 * resolves with the replies in order; `send` is a pipeline of one. Replies
 * are matched to requests strictly in FIFO order, which is what RESP
 * guarantees on one connection.
 */
import * as net from 'node:net';

/** An error reply. It is returned, not thrown, so replies can be compared. */
export class RespError {
  constructor(message) {
    this.message = message;
  }
  toString() {
    return `RespError(${this.message})`;
  }
}

const CRLF = Buffer.from('\r\n');
const INCOMPLETE = Symbol('incomplete');

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/**
 * Parses one reply from `buf` at `pos`. Returns [value, nextPos], or
 * INCOMPLETE when the buffer does not hold the whole reply yet.
 */
function parseReply(buf, pos) {
  if (pos >= buf.length) return INCOMPLETE;
  const lineEnd = buf.indexOf(CRLF, pos);
  if (lineEnd === -1) return INCOMPLETE;
  const type = buf[pos];
  const line = buf.subarray(pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case 0x2b: // '+'
      return [line.toString('utf8'), next];
    case 0x2d: // '-'
      return [new RespError(line.toString('utf8')), next];
    case 0x3a: { // ':'
      const n = BigInt(line.toString('latin1'));
      const safe = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER);
      return [safe ? Number(n) : n, next];
    }
    case 0x24: { // '$'
      const len = Number(line.toString('latin1'));
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return INCOMPLETE;
      return [Buffer.from(buf.subarray(next, next + len)), next + len + 2];
    }
    case 0x2a: { // '*'
      const count = Number(line.toString('latin1'));
      if (count < 0) return [null, next];
      const items = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const parsed = parseReply(buf, at);
        if (parsed === INCOMPLETE) return INCOMPLETE;
        items.push(parsed[0]);
        at = parsed[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`RESP protocol error: unexpected type byte 0x${type.toString(16)} at ${pos}`);
  }
}

export class RespClient {
  #socket;
  #pending = []; // { resolve, reject } per outstanding reply, FIFO
  #buffer = Buffer.alloc(0);
  #closed = false;
  #failure = null;

  constructor(socket) {
    this.#socket = socket;
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#fail(new Error('RESP connection closed')));
  }

  /** Connects to host:port; resolves once the socket is open. */
  static connect(port, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ port, host });
      socket.setNoDelay(true);
      const onError = (err) => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new RespClient(socket));
      });
    });
  }

  /** Sends one command; resolves with its reply (errors included, as RespError). */
  send(...args) {
    return this.pipeline([args]).then((replies) => replies[0]);
  }

  /** Writes all commands at once; resolves with their replies in order. */
  pipeline(commands) {
    if (this.#failure) return Promise.reject(this.#failure);
    if (commands.length === 0) return Promise.resolve([]);
    const promises = commands.map(
      () => new Promise((resolve, reject) => this.#pending.push({ resolve, reject })),
    );
    this.#socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(promises);
  }

  /** Closes the connection; outstanding replies are rejected. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
  }

  #onData(chunk) {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let pos = 0;
    try {
      while (this.#pending.length > 0) {
        const parsed = parseReply(this.#buffer, pos);
        if (parsed === INCOMPLETE) break;
        pos = parsed[1];
        this.#pending.shift().resolve(parsed[0]);
      }
    } catch (err) {
      this.#fail(err);
      return;
    }
    this.#buffer = this.#buffer.subarray(pos);
  }

  #fail(err) {
    if (!this.#failure) this.#failure = err;
    for (const p of this.#pending.splice(0)) p.reject(err);
  }
}
