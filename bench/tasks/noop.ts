import { defineTask } from 'conveyor';

export default defineTask({ slug: 'noop', description: 'Does nothing; bench:runs measures the platform around it.', fn: async () => ({ ok: true }) });
