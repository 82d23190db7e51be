// Every `conveyor` command's --help ends with an example of itself.
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { cli } from './run-cli.js';

/** Every command of the tree, with its full name (`schedules backfill`). */
function allCommands(command: Command, prefix: string[] = []): Array<{ name: string[]; command: Command }> {
  return command.commands.flatMap((sub) => {
    const name = [...prefix, sub.name()];
    return [{ name, command: sub }, ...allCommands(sub, name)];
  });
}

/** What `--help` prints, the text added after it included. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('conveyor --help', () => {
  it('every command and subcommand shows an example that runs it', () => {
    const commands = allCommands(buildProgram());
    assert.ok(commands.length >= 30, `the whole tree (${commands.length} commands)`);
    for (const { name, command } of commands) {
      const help = helpOf(command);
      const examples = help.slice(help.search(/^Examples?:$/m));
      assert.match(help, /^Examples?:$/m, `conveyor ${name.join(' ')} --help has no example`);
      // A group's examples may show any of its subcommands; a leaf's show the leaf itself.
      const shown = command.commands.length ? name[0] : name.join(' ');
      assert.ok(examples.includes(`conveyor ${shown}`), `conveyor ${name.join(' ')} --help: no example of it:\n${examples}`);
    }
  });

  it('the real process prints help with its example on stdout, exit 0', async () => {
    const out = await cli(['schedules', 'backfill', '--help']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^Usage: conveyor schedules backfill \[options\] <id>/);
    assert.match(out.stdout, /\$ conveyor schedules backfill nightly --start /);
    const version = await cli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
