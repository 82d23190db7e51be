// Before starting anything: every port the stack needs is free, or one line naming the port and its variable.
import net from 'node:net';

export interface PortNeed {
  port: number;
  what: string;
  /** How to change it. */
  variable: string;
}

export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Throws naming the first port in use; port 0 (any free port) is never checked. */
export async function checkPorts(needs: PortNeed[], host = '127.0.0.1'): Promise<void> {
  for (const need of needs) {
    if (need.port === 0) continue;
    if (!(await portFree(need.port, host))) {
      throw new Error(`port ${need.port} (${need.what}) is already in use: stop what uses it, or set ${need.variable} to another port`);
    }
  }
}
