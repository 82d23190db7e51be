import { defineTask } from 'conveyor';

export default defineTask({
  slug: 'noop-limit-1000',
  description: 'Does nothing, at most 1000 at once; bench:concurrency measures the slot table around it.',
  concurrency: { limit: 1000 },
  fn: async () => ({ ok: true }),
});
