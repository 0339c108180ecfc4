// Runs the JavaScript test suites against the ASan + UBSan build of the
// addon (build-asan/, made by `npm run build:asan`).
//
// Node itself is not built with sanitizers, so the ASan runtime is
// preloaded; leak detection is off because Node does not free everything at
// exit (the native unit tests under `npm run test:native -- --sanitize`
// cover leaks in the core).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const addon = path.join(root, 'build-asan', 'Debug', 'emberkv.node');
if (!existsSync(addon)) {
  console.error(`test:asan: ${addon} is missing; run \`npm run build:asan\` first`);
  process.exit(1);
}
const libasan = execFileSync('g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
const suites = process.argv.slice(2);
const result = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', ...(suites.length ? suites : ['test/unit/', 'test/property/', 'test/differential/', 'test/integration/'])],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      EMBERKV_NATIVE: addon,
      LD_PRELOAD: libasan,
      ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1',
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
    },
  },
);
process.exit(result.status ?? 1);
