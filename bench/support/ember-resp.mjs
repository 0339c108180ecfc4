// Starts emberkv-server (dist/server/main.js) with its RESP listener on a
// free loopback port (`--port 0 --resp-port 0`), for benchmarks that drive
// it with Redis tools; resolves once the server logs that the RESP port
// listens. A server that does not start fails with its stderr and logs in
// the error, so a build without the RESP listener says so plainly.
import { startGrpcServer } from '../../test/support/grpc-server.mjs';

/**
 * Resolves with { port (RESP), grpcPort, pid, stop() }. `args` are more
 * emberkv-server flags.
 */
export async function startEmberResp(args = []) {
  let server;
  try {
    server = await startGrpcServer(['--resp-port', '0', ...args]);
  } catch (err) {
    throw new Error(`emberkv-server did not start with --resp-port (is the RESP listener built?):\n${err.message}`);
  }
  return { port: server.respPort, grpcPort: server.port, pid: server.process.pid, stop: () => server.stop() };
}
