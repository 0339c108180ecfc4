/**
 * A raw RESP connection for tests that check exact bytes: what is written
 * is written as is (RESP2 or RESP3 replies alike are kept as text, latin1),
 * and a test takes what arrived in order, waiting (with a generous
 * timeout) until enough bytes are there. No parsing, no matching of
 * replies to requests: the test says what it expects next.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { encodeCommand } from './resp-client.mjs';

export class RawConnection {
  #socket;
  #text = '';
  #closed = false;
  #wake = () => {};

  constructor(socket) {
    this.#socket = socket;
    socket.on('data', (chunk) => {
      this.#text += chunk.toString('latin1');
      this.#wake();
    });
    socket.on('error', () => {});  // a reset after the server closes: 'close' follows
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  /** Connects to 127.0.0.1:port (or a Unix socket path). */
  static open(port) {
    return new Promise((resolve, reject) => {
      const socket = typeof port === 'string' ? net.createConnection(port) : net.createConnection({ port, host: '127.0.0.1' });
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
    });
  }

  get socket() {
    return this.#socket;
  }

  get closed() {
    return this.#closed;
  }

  /** What arrived and was not taken yet. */
  get pending() {
    return this.#text;
  }

  /** Writes text (latin1) or Buffer as is. */
  write(data) {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Writes commands (arrays of arguments) as RESP multibulk requests. */
  command(...commands) {
    this.write(Buffer.concat(commands.map(encodeCommand)));
  }

  /** Waits until `ready(text)` holds (or the connection closed); false on timeout. */
  async #until(ready, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this.#text) && !this.#closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return ready(this.#text);
  }

  /** Takes the next `length` bytes (waits up to `timeoutMs` for them); what there is if fewer came. */
  async take(length, timeoutMs = 5000) {
    await this.#until((t) => t.length >= length, timeoutMs);
    const out = this.#text.slice(0, length);
    this.#text = this.#text.slice(out.length);
    return out;
  }

  /** Takes exactly as many bytes as `expected` has and returns them (for assert.equal). */
  expect(expected, timeoutMs) {
    return this.take(expected.length, timeoutMs);
  }

  /** Takes everything up to and including the first match of `regex` (waits for it); null on timeout. */
  async takeMatch(regex, timeoutMs = 5000) {
    if (!(await this.#until((t) => regex.test(t), timeoutMs))) return null;
    const match = regex.exec(this.#text);
    const end = match.index + match[0].length;
    const out = this.#text.slice(0, end);
    this.#text = this.#text.slice(end);
    return out;
  }

  /** Resolves true once the server closed the connection (false after `timeoutMs`). */
  async waitClosed(timeoutMs = 5000) {
    await this.#until(() => false, timeoutMs);
    return this.#closed;
  }

  close() {
    this.#socket.destroy();
  }
}

/** Sends `request` (inline or multibulk text) on `c`; asserts the next bytes are `expected`. */
export async function exchange(c, request, expected) {
  c.write(request);
  assert.equal(await c.expect(expected), expected, `reply to ${JSON.stringify(request)}`);
}
