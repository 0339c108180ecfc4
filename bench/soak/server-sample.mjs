// What the server holds, sampled while the soak runs (Linux only): its
// resident set (VmRSS in /proc/<pid>/status), the store's own count
// (INFO memory used_memory), the number of keys (DBSIZE), and the TCP
// connections established to its port (/proc/net/tcp).
import { readFile } from 'node:fs/promises';

const MB = 1024 * 1024;
const ESTABLISHED = '01';

/** The resident set size of process `pid`, in MB. */
async function residentMB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return (kB * 1024) / MB;
}

/** { rssMB, usedMemoryMB, keys } of the server process `pid`, asked through `client` (not a soak client). */
export async function sampleServer(pid, client) {
  const [rssMB, info, keys] = await Promise.all([residentMB(pid), client.info('memory'), client.dbSize()]);
  const usedMemory = Number(/^used_memory:(\d+)\r?$/m.exec(info)?.[1]);
  return { rssMB, usedMemoryMB: usedMemory / MB, keys };
}

/** How many TCP connections (IPv4 loopback) are established to local `port`, the server's side of each. */
export async function connectionsTo(port) {
  const table = await readFile('/proc/net/tcp', 'utf8');
  const localPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table
    .split('\n')
    .slice(1)
    .filter((line) => {
      const [, local, , state] = line.trim().split(/\s+/);
      return local?.endsWith(localPort) && state === ESTABLISHED;
    }).length;
}
