import { defineTask, z } from 'conveyor';

/** A long task that checkpoints: killed mid-way, its next attempt continues from the last step. */
export default defineTask({
  slug: 'count-to',
  name: 'Count to N',
  description: 'Counts slowly to `to`, checkpointing after each step.',
  input: z.object({ to: z.number().int().min(1).max(100_000).default(10), stepMs: z.number().int().min(0).default(500) }),
  heartbeatTimeout: '10s',
  fn: async (ml, { to, stepMs }) => {
    const start = (ml.resumeFrom as { done?: number } | undefined)?.done ?? 0;
    if (start > 0) ml.info(`resuming from step ${start}`);
    for (let i = start + 1; i <= to; i++) {
      await ml.wait(stepMs);
      ml.log(`step ${i} of ${to}`);
      ml.checkpoint({ done: i });
    }
    ml.success(`counted to ${to}`);
    return { counted: to, resumedFrom: start };
  },
});
