// A session cache embedded in the process: run with `node examples/embedded.mjs`
// after `npm install`.
import { Engine, EmberError } from 'emberkv';

const cache = new Engine();

// Store a session for 30 minutes; only if it does not exist yet.
cache.set('session:42', JSON.stringify({ user: 'ada', roles: ['admin'] }), { ex: 1800, nx: true });
console.log('session:', JSON.parse(cache.get('session:42')));
console.log('expires in', cache.ttl('session:42'), 's');

// Counters are atomic: every command runs to completion before the next.
cache.incr('page:views');
cache.incrBy('page:views', 10);
console.log('views:', cache.get('page:views'));

// Any command by name, binary-safe with Buffers.
cache.call('SET', Buffer.from([0, 1, 2]), Buffer.from([255, 254]));
console.log('binary value:', cache.callBuffer('GET', Buffer.from([0, 1, 2])));

// Errors carry Redis's code and text.
try {
  cache.incr('session:42');
} catch (error) {
  if (error instanceof EmberError) console.log(`${error.code}: ${error.message}`);
}

console.log('keys:', cache.keys('*').sort());
cache.close();
