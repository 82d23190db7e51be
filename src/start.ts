// `npm start`: an alias of `conveyor dev` (src/cli/dev/stack.ts), the whole local stack in one command.
import { runDevStack } from './cli/dev/stack.js';

process.exit(await runDevStack({ logs: false }));
