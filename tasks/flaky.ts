import { defineTask } from 'conveyor';

/** Fails its first two attempts, then succeeds: shows retries with backoff. */
export default defineTask({
  slug: 'flaky',
  description: 'Fails twice, succeeds on the third attempt.',
  retry: { maxAttempts: 3, initialDelay: '1s' },
  fn: async (ml) => {
    if (ml.run.attempt < 3) {
      ml.warn(`attempt ${ml.run.attempt}: failing on purpose`);
      throw new Error(`flaky failure on attempt ${ml.run.attempt}`);
    }
    ml.success(`attempt ${ml.run.attempt}: succeeded`);
    return { attempts: ml.run.attempt };
  },
});
