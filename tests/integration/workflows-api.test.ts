// Versioned DAG workflow definitions over HTTP: validation naming the nodes, versions, activation.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';

const diamond = (slug: string) => ({
  slug,
  name: 'Diamond',
  nodes: [
    { id: 'fetch', task: 'noop' },
    { id: 'left', task: 'echo', inputs: { message: '{{ nodes.fetch.output.ok }}' } },
    { id: 'right', task: 'noop' },
    { id: 'join', task: 'noop', join: 'any' },
  ],
  edges: [
    { from: 'fetch', to: 'left', when: 'nodes.fetch.output.ok == true' },
    { from: 'fetch', to: 'right' },
    { from: 'left', to: 'join' },
    { from: 'right', to: 'join' },
  ],
});

describe('workflow definitions API', () => {
  const h = useHarness({ worker: false });
  const count = async () => (await h.directDb.selectFrom('workflow_definitions').select('slug').execute()).length;

  it('creates version 1 as a draft, adds versions with PUT, reads any version', async () => {
    const created = await h.request('POST', '/api/workflows', diamond('diamond'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.version, 1);
    assert.equal(created.body.status, 'draft');
    assert.equal(created.body.definition.nodes.length, 4);
    assert.equal((await h.request('POST', '/api/workflows', diamond('diamond'))).status, 409);

    const v2 = await h.request('PUT', '/api/workflows/diamond', { ...diamond('diamond'), name: 'Diamond v2' });
    assert.equal(v2.status, 201);
    assert.equal(v2.body.version, 2);
    const latest = await h.request('GET', '/api/workflows/diamond');
    assert.equal(latest.body.version, 2);
    assert.deepEqual(latest.body.versions, [1, 2]);
    assert.equal((await h.request('GET', '/api/workflows/diamond?version=1')).body.definition.name, 'Diamond');
    assert.equal((await h.request('GET', '/api/workflows/diamond?version=3')).status, 404);
    assert.equal((await h.request('PUT', '/api/workflows/nothing-here', diamond('nothing-here'))).status, 404);
  });

  it('activates one version at a time; the list shows latest and active', async () => {
    await h.request('POST', '/api/workflows', diamond('pinned'));
    await h.request('PUT', '/api/workflows/pinned', diamond('pinned'));
    const a1 = await h.request('POST', '/api/workflows/pinned/activate', { version: 1 });
    assert.equal(a1.status, 200);
    assert.equal(a1.body.status, 'active');
    assert.equal((await h.request('GET', '/api/workflows/pinned?version=2')).body.status, 'draft');
    await h.request('POST', '/api/workflows/pinned/activate', { version: 2 });
    assert.equal((await h.request('GET', '/api/workflows/pinned?version=1')).body.status, 'draft');
    const list = (await h.request('GET', '/api/workflows')).body.workflows;
    assert.deepEqual(list.find((w: { slug: string }) => w.slug === 'pinned'), { slug: 'pinned', latestVersion: 2, activeVersion: 2, name: 'Diamond' });
    assert.equal((await h.request('POST', '/api/workflows/pinned/activate', { version: 9 })).status, 404);
    assert.equal((await h.request('POST', '/api/workflows/pinned/activate', { version: 'two' })).status, 400);
  });

  const node = (id: string, extra: object = {}) => ({ id, task: 'noop', ...extra });
  const cases: [string, object, string, string[]][] = [
    ['a cycle, listing its nodes in order', { nodes: [node('a'), node('b'), node('c')], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }] }, 'cycle', ['a', 'b', 'c']],
    ['an unknown task', { nodes: [node('a', { task: 'no-such-task' })], edges: [] }, 'unknown_task', ['a']],
    ['an edge to a missing node', { nodes: [node('a')], edges: [{ from: 'a', to: 'ghost' }] }, 'missing_node', ['ghost']],
    ['a duplicate node id', { nodes: [node('a'), node('a')], edges: [] }, 'duplicate_node', ['a']],
    ['a reference to a node that is not upstream', { nodes: [node('a'), node('b', { inputs: { x: '{{ nodes.c.output }}' } }), node('c')], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }] }, 'bad_reference', ['b']],
    ['an invalid condition', { nodes: [node('a'), node('b')], edges: [{ from: 'a', to: 'b', when: 'nodes.a.output ==' }] }, 'invalid_condition', ['a', 'b']],
    ['a join impossible for the in-degree', { nodes: [node('a'), node('b', { join: { atLeast: 2 } })], edges: [{ from: 'a', to: 'b' }] }, 'impossible_join', ['b']],
    ['a sleep node without duration', { nodes: [{ id: 's', type: 'sleep' }], edges: [] }, 'invalid_node', ['s']],
  ];
  for (const [what, body, code, nodes] of cases) {
    it(`refuses ${what} with 400 ${code} naming the node(s), storing nothing`, async () => {
      const before = await count();
      const res = await h.request('POST', '/api/workflows', { slug: `bad-${code}`, ...body });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'invalid_workflow');
      const error = res.body.error.details.find((d: { code: string }) => d.code === code);
      assert.ok(error, `no ${code} in ${JSON.stringify(res.body.error.details)}`);
      for (const id of nodes) assert.ok(error.nodes.includes(id), `${code} should name ${id}: ${JSON.stringify(error)}`);
      if (code === 'cycle') assert.match(error.message, /a → b → c → a|b → c → a → b|c → a → b → c/);
      assert.equal(await count(), before);
    });
  }
});
