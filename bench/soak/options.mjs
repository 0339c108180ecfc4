// The soak benchmark's command-line flags: --clients N (default 200),
// --duration SECONDS (default 300), --interval SECONDS (default 10, how
// often a report row is taken) and --no-auth (every client the default
// user, without secrets; by default each authenticates as its own ACL user).
import { parseArgs } from 'node:util';

const USAGE = 'usage: node bench/soak.mjs [--clients N] [--duration SECONDS] [--interval SECONDS] [--no-auth]';

/** { clients, durationSeconds, intervalSeconds, auth } from argv; exits with the usage on anything malformed. */
export function parseSoakOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        clients: { type: 'string', default: '200' },
        duration: { type: 'string', default: '300' },
        interval: { type: 'string', default: '10' },
        'no-auth': { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    usageError(err.message);
  }
  const clients = Number(values.clients);
  const durationSeconds = Number(values.duration);
  const intervalSeconds = Number(values.interval);
  if (!Number.isInteger(clients) || clients < 1) usageError('--clients must be a positive integer');
  if (!(durationSeconds > 0)) usageError('--duration must be a positive number of seconds');
  if (!(intervalSeconds > 0)) usageError('--interval must be a positive number of seconds');
  return { clients, durationSeconds, intervalSeconds, auth: !values['no-auth'] };
}

function usageError(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
