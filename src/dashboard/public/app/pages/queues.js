// The concurrency queues (GET /api/queues): per limited task, and per key in use, how many
// attempts run, how many wait and the oldest wait. Re-read when runs change (the live hub's
// run events, throttled), not on a fixed poll.
import { useMemo } from 'preact/hooks';
import { html } from '../lib/html.js';
import { useApi } from '../lib/use-api.js';
import { useNow } from '../lib/use-now.js';
import { useRunEventsReload } from '../lib/use-run-events-reload.js';
import { ErrorBox } from '../components/error-box.js';
import { QueueCard } from '../components/queue-card.js';

export function QueuesPage() {
  const { data, error, reload } = useApi('/api/queues');
  const tasks = useApi('/api/tasks');
  const live = useRunEventsReload(reload);
  // When this answer arrived: the oldest waits keep ageing from here, one render a second.
  const readAt = useMemo(() => Date.now(), [data]);
  const queues = data?.queues ?? [];
  const now = useNow(1_000, queues.some((q) => q.queued > 0));
  // A task's scope is its slug (linked when the tasks list knows it); a workflow's or a node's links to the workflow's runs.
  const known = new Set((tasks.data?.tasks ?? []).map((t) => t.slug));
  return html`<div class="queues-page">
    <div class="page-head">
      <h1>Queues</h1>
      <span class=${live ? 'live' : 'muted'} data-testid="queues-live">${live ? 'live' : 'not live'}</span>
    </div>
    <${ErrorBox} error=${error} />
    ${data && !queues.length ? html`<div class="muted empty" data-testid="queues-empty">No task, workflow or node has a concurrency limit.</div>` : null}
    ${queues.map((queue) => html`<${QueueCard} key=${queue.task} queue=${queue} linked=${queue.kind !== 'task' || known.has(queue.task)} readAt=${readAt} now=${Math.max(now, readAt)} />`)}
  </div>`;
}
