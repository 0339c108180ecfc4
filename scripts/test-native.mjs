// Builds and runs the C++ unit tests of native/core (native/tests/*_test.cc)
// with CMake and CTest, without Node. `--sanitize` builds them with ASan +
// UBSan (leak detection on).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const sanitize = process.argv.includes('--sanitize');
const buildDir = path.join(root, sanitize ? 'build-native-tests-asan' : 'build-native-tests');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('cmake', ['-S', 'native/tests', '-B', buildDir, `-DEMBERKV_SANITIZE=${sanitize ? 'ON' : 'OFF'}`,
  `-DCMAKE_BUILD_TYPE=${sanitize ? 'Debug' : 'Release'}`]);
run('cmake', ['--build', buildDir, '--parallel', '2']);
run('ctest', ['--test-dir', buildDir, '--output-on-failure']);
