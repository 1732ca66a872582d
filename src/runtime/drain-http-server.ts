import type { Server } from 'node:http';
import type { Logger } from '../logging/logger';

/**
 * Stops taking connections at once, lets the requests under way finish within `graceMs`,
 * then cuts what is left. Idle keep-alive connections are closed straight away, so that a
 * load balancer's pooled connection does not hold the process up. A webhook cut off by the
 * deadline gets no answer, and Oneflow delivers it again (to another replica).
 */
export async function drainHttpServer(server: Server, graceMs: number, logger?: Logger): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  // Connections that finish a request while draining are closed, not kept alive.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  try {
    if ((await Promise.race([closed, late])) === 'late') {
      logger?.warn(
        { graceMs },
        'HTTP requests still under way after the shutdown grace period: closing them',
      );
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearTimeout(timer);
    clearInterval(idleSweep);
  }
}
