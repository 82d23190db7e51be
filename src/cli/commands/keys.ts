import { Command } from 'commander';
import { contextOf, withExamples } from '../context.js';
import { print, printJson, printList, shortTime, textOrJsonOption } from '../output.js';

interface KeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  key?: string;
}

function createCommand(): Command {
  const command = new Command('create')
    .description('create an API key; it is printed once (stdout: the key alone)')
    .requiredOption('--name <name>', 'what the key is for')
    .addOption(textOrJsonOption())
    .action(async (options: { name: string; output: string }, self: Command) => {
      const created = await contextOf(self).api.request<KeyView>('POST', '/api/keys', { name: options.name });
      if (options.output === 'json') return printJson(created);
      process.stderr.write(`Created API key ${JSON.stringify(created.name)} (${created.id}, ${created.prefix}…). It is shown only now; store it safely:\n`);
      print(created.key);
    });
  return withExamples(command, 'export CONVEYOR_API_KEY=$(conveyor keys create --name ci)');
}

function listCommand(): Command {
  const command = new Command('list')
    .description('API keys: id, name, prefix, last use, revocation (never the keys)')
    .addOption(textOrJsonOption())
    .action(async (options: { output: string }, self: Command) => {
      const { keys } = await contextOf(self).api.request<{ keys: KeyView[] }>('GET', '/api/keys');
      printList(options.output, keys, 'no API keys (the API is open until one exists)', ['ID', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'], (k) => [k.id, k.name, `${k.prefix}…`, shortTime(k.createdAt), shortTime(k.lastUsedAt), shortTime(k.revokedAt)]);
    });
  return withExamples(command, 'conveyor keys list -o json');
}

function revokeCommand(): Command {
  const command = new Command('revoke')
    .description('revoke a key: it stops working on the very next request')
    .argument('<id>', 'the key id (key_…), from `keys list`')
    .action(async (id: string, _options: unknown, self: Command) => {
      const key = await contextOf(self).api.request<KeyView>('POST', `/api/keys/${encodeURIComponent(id)}/revoke`, {});
      print(`revoked: ${key.id} (${key.name})`);
    });
  return withExamples(command, 'conveyor keys revoke key_3f2a…');
}

export function keysCommand(): Command {
  const command = new Command('keys').description('API keys');
  for (const sub of [createCommand(), listCommand(), revokeCommand()]) command.addCommand(sub);
  return withExamples(command, 'conveyor keys create --name admin', 'conveyor keys list');
}
