// Checks the reading of redis-benchmark's --csv output in
// bench/support/redis-benchmark.mjs (what bench:resp's tables come from)
// on output as redis-benchmark 7.0.15 prints it, quoting rules included,
// and that anything else is an error rather than a table of wrong numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvFields, parseCsv } from '../../bench/support/redis-benchmark.mjs';

// redis-benchmark -t set,lrange_100 -c 50 -n 2000 --csv, against redis-server 7.0.15.
const OUTPUT = `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","18518.52","1.832","0.088","0.551","7.583","9.599","9.823"
"LPUSH (needed to benchmark LRANGE)","27777.78","0.972","0.056","0.375","4.327","7.991","8.127"
"LRANGE_100 (first 100 elements)","9049.77","4.090","0.232","1.999","9.823","47.775","47.999"
`;

test('csvFields: quoted fields, doubled quotes, commas inside quotes, bare fields', () => {
  assert.deepEqual(csvFields('"SET","18518.52"'), ['SET', '18518.52']);
  assert.deepEqual(csvFields('"a ""b"", c","",3'), ['a "b", c', '', '3']);
  assert.deepEqual(csvFields('x,,"y"'), ['x', '', 'y']);
});

test('parseCsv: requests per second by test name, in the order run', () => {
  const rps = parseCsv(OUTPUT);
  assert.deepEqual([...rps.keys()], ['SET', 'LPUSH (needed to benchmark LRANGE)', 'LRANGE_100 (first 100 elements)']);
  assert.equal(rps.get('SET'), 18518.52);
  assert.equal(rps.get('LRANGE_100 (first 100 elements)'), 9049.77);
  // Lines before the header (a warning) and CRLF line ends are tolerated.
  const warned = `WARNING: Could not fetch server CONFIG\r\n${OUTPUT.replaceAll('\n', '\r\n')}`;
  assert.deepEqual(parseCsv(warned), rps);
});

test('parseCsv: output that is not a result table is an error', () => {
  assert.throws(() => parseCsv('Could not connect to Redis at 127.0.0.1:1: Connection refused\n'), /no CSV header/);
  assert.throws(() => parseCsv('"test","avg_latency_ms"\n"SET","1.0"\n'), /no rps column/);
  assert.throws(() => parseCsv(`${OUTPUT}Error from server: ERR unknown command\n`), /not a result/);
  assert.throws(() => parseCsv('"test","rps"\n"SET","fast"\n'), /not a result/);
});
