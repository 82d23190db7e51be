import { defineTask } from 'conveyor';

export default defineTask({
  slug: 'noop-limit-5',
  description: 'Does nothing, at most 5 at once; bench:concurrency measures the slot table around it.',
  concurrency: { limit: 5 },
  fn: async () => ({ ok: true }),
});
