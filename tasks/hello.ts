import { defineTask, z } from 'conveyor';

export default defineTask({
  slug: 'hello',
  name: 'Hello',
  description: 'Greets someone; the smallest possible task.',
  input: z.object({ name: z.string().min(1).default('world') }),
  fn: async (ml, { name }) => {
    ml.info(`Hello, ${name}!`);
    return { greeting: `Hello, ${name}!` };
  },
});
