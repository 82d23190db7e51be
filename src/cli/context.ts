// What every client command gets from the global options: the API client and the output style.
import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { stdoutStyle, type Style } from './style.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

export interface GlobalOptions {
  apiUrl: string;
  apiKey?: string;
}

export interface CliContext {
  api: ApiClient;
  style: Style;
  /** Where dashboard links point: the API's URL. */
  apiUrl: string;
}

export function contextOf(command: Command): CliContext {
  const { apiUrl, apiKey } = command.optsWithGlobals<GlobalOptions>();
  const api = new ApiClient({ baseUrl: apiUrl, apiKey });
  return { api, style: stdoutStyle(), apiUrl: api.baseUrl };
}

/** The run's page in the Temporal Web UI when the API gave one, else its API URL. */
export function runLink(ctx: CliContext, run: { id: string; links?: { temporalUi?: string }; temporal?: { uiUrl?: string } }): string {
  return run.links?.temporalUi ?? run.temporal?.uiUrl ?? `${ctx.apiUrl}/api/runs/${encodeURIComponent(run.id)}`;
}

/** Every command's help ends with examples. */
export function withExamples(command: Command, ...examples: string[]): Command {
  return command.addHelpText('after', `\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}
