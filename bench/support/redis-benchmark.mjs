// Runs the redis-benchmark binary (Debian's redis-tools, /usr/bin) against
// a RESP port and reads its --csv output: one row per test, the requests
// per second of each. The same binary measures every server, so the
// numbers differ only by the server.
import { spawn, spawnSync } from 'node:child_process';

export const REDIS_BENCHMARK = process.env.REDIS_BENCHMARK ?? '/usr/bin/redis-benchmark';

/** redis-benchmark's version line ("redis-benchmark 7.0.15"), or null if it cannot be run. */
export function redisBenchmarkVersion() {
  const run = spawnSync(REDIS_BENCHMARK, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : null;
}

/**
 * Splits one CSV line as redis-benchmark writes it: every field quoted
 * ("SET","86956.52",...), a quote inside a field doubled.
 */
export function csvFields(line) {
  const fields = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === '"') {
      let field = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          field += line[i++];
        }
      }
      fields.push(field);
    } else {
      const comma = line.indexOf(',', i);
      fields.push(line.slice(i, comma === -1 ? line.length : comma));
      i = comma === -1 ? line.length : comma;
    }
    if (line[i] === ',') i++;
  }
  return fields;
}

/**
 * Parses redis-benchmark --csv output: a header row naming the columns
 * ("test","rps",...), then one row per test. Returns Map(test -> rps).
 * Throws if there is no header with test and rps columns (the run failed
 * or printed something else).
 */
export function parseCsv(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const headerAt = lines.findIndex((l) => l.startsWith('"test"'));
  if (headerAt === -1) throw new Error(`redis-benchmark printed no CSV header:\n${text}`);
  const header = csvFields(lines[headerAt]);
  const testColumn = header.indexOf('test');
  const rpsColumn = header.indexOf('rps');
  if (rpsColumn === -1) throw new Error(`redis-benchmark's CSV has no rps column: ${lines[headerAt]}`);
  const rps = new Map();
  for (const line of lines.slice(headerAt + 1)) {
    const fields = csvFields(line);
    const value = Number(fields[rpsColumn]);
    if (fields.length !== header.length || !Number.isFinite(value)) {
      throw new Error(`redis-benchmark printed a row that is not a result: ${line}`);
    }
    rps.set(fields[testColumn], value);
  }
  return rps;
}

/**
 * Runs redis-benchmark against 127.0.0.1:`port` with `args` (-t, -c, -n,
 * -P ...) plus --csv; resolves with Map(test -> rps). Rejects with its
 * output if it exits with an error (a server that refused a command makes
 * redis-benchmark print the error and stop).
 */
export function runRedisBenchmark(port, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(REDIS_BENCHMARK, ['-h', '127.0.0.1', '-p', String(port), ...args, '--csv'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`redis-benchmark -p ${port} ${args.join(' ')} exited with ${code ?? signal}:\n${stderr}${stdout}`));
        return;
      }
      try {
        resolve(parseCsv(stdout));
      } catch (err) {
        reject(new Error(`${err.message}\n${stderr}`));
      }
    });
  });
}
