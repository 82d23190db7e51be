import { Router } from 'express';
import { sql } from 'kysely';
import type { ApiDeps } from '../deps.js';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await within(probe(), 2_000);
    return 'ok';
  } catch (error) {
    return `unreachable: ${(error as Error).message}`;
  }
}

export function healthRoutes({ db, client }: ApiDeps): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const [postgres, temporal] = await Promise.all([
      check(() => sql`SELECT 1`.execute(db)),
      // Aborted, not just raced: the client would otherwise keep retrying an unreachable server.
      check(() => client.connection.withAbortSignal(AbortSignal.timeout(2_000), () => client.workflowService.getSystemInfo({}))),
    ]);
    const down = Object.entries({ postgres, temporal }).filter(([, state]) => state !== 'ok');
    if (down.length === 0) {
      res.json({ status: 'ready', postgres, temporal });
      return;
    }
    res.status(503).json({
      error: { code: 'not_ready', message: down.map(([name, state]) => `${name} ${state}`).join('; '), details: { postgres, temporal } },
    });
  });
  return router;
}
