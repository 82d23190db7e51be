// Without CONVEYOR_ALLOW_COMMANDS, definitions using `command` or `script` nodes are refused on
// create and on activate with a 400 naming the setting; kind fields are checked like any node.
import assert from 'node:assert/strict';
import { insertDefinitionVersion } from '../../src/db/workflows.repository.js';
import type { DagDefinition } from '../../src/dag/types.js';
import { useHarness } from '../support/harness.js';

describe('kind nodes refused and checked on create and activate', function () {
  this.timeout(60_000);
  const h = useHarness({ worker: false });

  const create = (definition: object) => h.request('POST', '/api/workflows', definition);

  it('refuses a command node and a script node without CONVEYOR_ALLOW_COMMANDS, naming the node and the setting', async () => {
    const res = await create({
      slug: 'runs-things',
      nodes: [
        { id: 'shell', type: 'command', command: '/bin/echo', args: ['hi'] },
        { id: 'py', type: 'script', interpreter: 'python3', source: 'print(1)' },
      ],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_workflow');
    const details = res.body.error.details as { nodes: string[]; message: string }[];
    assert.deepEqual(details.map((d) => d.nodes), [['shell'], ['py']]);
    for (const d of details) assert.match(d.message, /CONVEYOR_ALLOW_COMMANDS=true/);
    assert.match(details[0].message, /^node shell: kind: "command"/);
  });

  it('refuses to activate a stored version that runs commands', async () => {
    // Stored while the setting was on (written here directly); activation checks again.
    const definition: DagDefinition = { slug: 'stored-command', nodes: [{ id: 'run', type: 'command', command: '/bin/echo' } as never], edges: [] };
    assert.equal(await insertDefinitionVersion(h.db, definition.slug, definition, true), 1);
    const res = await h.request('POST', '/api/workflows/stored-command/activate', { version: 1 });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /node run: .*CONVEYOR_ALLOW_COMMANDS/);
  });

  it("names the node and the field of a bad kind field; templated fields wait for run time", async () => {
    const res = await create({
      slug: 'bad-http',
      nodes: [
        { id: 'get', type: 'http', method: 'GET', url: 'https://example.com', maxResponseBytes: -1 },
        { id: 'ask', type: 'ai', prompt: 'hi' },
      ],
    });
    assert.equal(res.status, 400);
    const messages = (res.body.error.details as { message: string }[]).map((d) => d.message);
    assert.ok(messages.some((m) => /^node get: maxResponseBytes: /.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /^node ask: model: /.test(m)), messages.join('\n'));
    const odd = await create({ slug: 'odd', nodes: [{ id: 'odd', type: 'http', method: 'GET', url: 'https://example.com', inputs: { a: 1 } }] });
    assert.equal(odd.status, 400);
    assert.match(odd.body.error.message, /node odd .*`inputs` does not apply to http nodes/);
    const stray = await create({ slug: 'stray', nodes: [{ id: 't', task: 'noop', url: 'https://example.com' }] });
    assert.equal(stray.status, 400);
    assert.match(stray.body.error.message, /node t .*Unrecognized key: "url"/);

    const templated = await create({
      slug: 'templated-http',
      nodes: [
        { id: 'a', type: 'http', method: 'GET', url: '{{ inputs.url }}', timeout: '{{ inputs.timeout }}' },
        { id: 'b', type: 'http', method: 'POST', url: 'https://example.com', body: { from: '{{ nodes.a.output.body }}' } },
      ],
      edges: [{ from: 'a', to: 'b' }],
    });
    assert.equal(templated.status, 201, JSON.stringify(templated.body));
  });

  it('checks the templates of kind fields: references must be upstream', async () => {
    const res = await create({
      slug: 'bad-refs',
      nodes: [
        { id: 'a', type: 'http', method: 'GET', url: 'https://example.com/{{ nodes.b.output.body }}' },
        { id: 'b', type: 'http', method: 'GET', url: 'https://example.com/{{ nodes.nowhere.output }}' },
      ],
    });
    assert.equal(res.status, 400);
    const messages = (res.body.error.details as { message: string }[]).map((d) => d.message);
    assert.ok(messages.some((m) => /node a: fields read nodes\.b, but "b" is not upstream of a/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /node b: fields read nodes\.nowhere/.test(m)), messages.join('\n'));
  });
});
