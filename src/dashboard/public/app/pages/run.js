// One run: header, actions, inputs/result/error, the DAG graph with its step panel, the live log.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { isTerminal } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { throttle } from '../lib/throttle.js';
import { useApi } from '../lib/use-api.js';
import { useRunLog } from '../lib/use-run-log.js';
import { DagGraph } from '../components/dag-graph.js';
import { ErrorBox } from '../components/error-box.js';
import { LogPanel } from '../components/log-panel.js';
import { RunActions } from '../components/run-actions.js';
import { RunDetails } from '../components/run-details.js';
import { RunHeader } from '../components/run-header.js';
import { StepPanel } from '../components/step-panel.js';

/** The definition a DAG run is pinned to (node types, edge conditions), fetched once. */
function useDefinition(run) {
  const [definition, setDefinition] = useState(null);
  const key = run?.workflow ? `${run.workflow.slug}@${run.workflow.version}` : null;
  useEffect(() => {
    if (!key) return;
    void api(`/api/workflows/${encodeURIComponent(run.workflow.slug)}?version=${run.workflow.version}`).then((w) => setDefinition(w.definition), () => setDefinition(null));
  }, [key]);
  return definition;
}

export function RunPage({ id, query }) {
  const { data: run, error, reload, setData } = useApi(`/api/runs/${encodeURIComponent(id)}`);
  const [follow, setFollow] = useState(true);
  const [selected, setSelected] = useState(query.get('node') ?? null);
  const filter = { level: query.get('level') ?? '', node: query.get('logNode') ?? '' };
  const reloadSoon = useMemo(() => throttle(() => void reload(), 300), [reload]);

  const log = useRunLog(id, {
    // The stream's `status` event carries the whole run (steps and edges included).
    onStatus: (view) => setData((current) => ({ ...(current ?? {}), ...view })),
    onSteps: () => reloadSoon(),
    onEnd: () => void reload(),
  });

  const definition = useDefinition(run?.graph ? null : run);
  const setFilter = (next) => {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of [['level', next.level], ['logNode', next.node]]) {
      if (value) params.set(key, value);
      else params.delete(key);
    }
    const qs = params.toString();
    navigate(`${location.pathname}${qs ? `?${qs}` : ''}`, { replace: true });
  };

  if (error && !run) return html`<${ErrorBox} error=${error} />`;
  if (!run) return html`<div class="muted">Loading…</div>`;
  const steps = new Map((run.steps ?? []).map((s) => [s.nodeId, s]));
  // The API's graph (node types, edges with `taken`); the pinned definition when it has none.
  const graph = run.graph ?? { nodes: definition?.nodes ?? (run.steps ?? []).map((s) => ({ id: s.nodeId })), edges: definition?.edges ?? [] };
  const nodes = graph.nodes.map((n) => ({ ...n, type: n.type === 'task' ? undefined : n.type }));
  const edges = graph.edges.map((e) => ({ ...e, when: e.when ?? e.condition ?? undefined }));
  const selectedNode = selected ? nodes.find((n) => n.id === selected) : undefined;
  return html`<div class="run-page" data-run=${run.id} data-status=${run.status}>
    <${RunHeader} run=${run} />
    <${RunActions} run=${run} onChanged=${reload} />
    <${RunDetails} run=${run} />
    ${run.kind === 'workflow' ? html`<section class="dag-section">
      <h2>Graph <span class="muted">${nodes.length} nodes</span></h2>
      <div class="dag-layout">
        <${DagGraph} nodes=${nodes} edges=${edges} statusOf=${(nodeId) => steps.get(nodeId)?.status} selected=${selected} onSelect=${setSelected} />
        ${selectedNode ? html`<${StepPanel} run=${run} node=${selectedNode} step=${steps.get(selectedNode.id)} onChanged=${reload}
          onClose=${() => setSelected(null)} onShowLogs=${(node) => setFilter({ ...filter, node })} />` : null}
      </div>
    </section>` : null}
    <${LogPanel} lines=${log.lines} version=${log.version} live=${log.live && !isTerminal(run.status)} level=${filter.level} node=${filter.node}
      nodes=${run.kind === 'workflow' ? nodes.map((n) => n.id) : []} follow=${follow} onFilter=${setFilter} onFollowChange=${setFollow} />
  </div>`;
}
