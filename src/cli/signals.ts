// Ctrl-C: a client command stops at once with 130; `dev`, `worker` and `api` take SIGINT over to stop cleanly.
import { EXIT } from './errors.js';

const interrupt = () => process.exit(EXIT.interrupted);

export function exitOnInterrupt(): void {
  process.once('SIGINT', interrupt);
}

/** For a command that stops things on Ctrl-C itself. */
export function handleInterruptYourself(): void {
  process.off('SIGINT', interrupt);
}
