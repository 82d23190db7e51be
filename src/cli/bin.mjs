#!/usr/bin/env node
// The `conveyor` executable (package.json "bin"): TypeScript sources run through tsx, no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
