// The runs list: newest first, keyset pages (?cursor=), counts per status, filters in the URL,
// live over one SSE stream of run events (new runs prepended, statuses updated in place).
import { useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { queryString } from '../lib/api.js';
import { useEventSource } from '../lib/event-source.js';
import { navigate } from '../lib/router.js';
import { matchesFilters } from '../lib/run-match.js';
import { useApi } from '../lib/use-api.js';
import { ErrorBox } from '../components/error-box.js';
import { FILTERS, RunFilters } from '../components/run-filters.js';
import { RunTable } from '../components/run-table.js';
import { StatusCounts } from '../components/status-counts.js';

const PAGE = 50;

function filtersOf(query, { withStatus = true } = {}) {
  return Object.fromEntries(FILTERS.filter((f) => withStatus || f !== 'status').map((f) => [f, query.get(f) ?? undefined]));
}

function fromEvent(event) {
  return {
    id: event.id, task: event.task, kind: event.kind ?? 'task', status: event.status, attempt: event.attempt, triggeredBy: event.triggeredBy,
    tags: event.tags ?? [], createdAt: event.createdAt, startedAt: event.startedAt, completedAt: event.completedAt, durationMs: null,
  };
}

export function RunsPage({ query }) {
  const cursor = query.get('cursor') ?? undefined;
  const list = useApi(`/api/runs${queryString({ ...filtersOf(query), limit: PAGE, cursor })}`);
  const counts = useApi(`/api/runs/counts${queryString(filtersOf(query, { withStatus: false }))}`);
  const [live, setLive] = useState(false);
  const opened = useRef(0);

  useEventSource('/api/runs/events', {
    open: () => {
      setLive(true);
      // A reconnect may have missed events: read both again.
      if (opened.current++ > 0) {
        void list.reload();
        void counts.reload();
      }
    },
    fail: () => setLive(false),
    run: (event) => {
      list.setData((data) => {
        if (!data) return data;
        const index = data.runs.findIndex((r) => r.id === event.id);
        if (index >= 0) {
          const runs = data.runs.slice();
          const run = { ...runs[index], status: event.status, attempt: event.attempt, startedAt: event.startedAt, completedAt: event.completedAt };
          if (run.startedAt && run.completedAt) run.durationMs = new Date(run.completedAt).getTime() - new Date(run.startedAt).getTime();
          runs[index] = run;
          return { ...data, runs };
        }
        if (event.previousStatus || cursor || !matchesFilters(event, query)) return data;
        return { ...data, runs: [fromEvent(event), ...data.runs].slice(0, PAGE) };
      });
      if (matchesFilters({ ...event, status: undefined }, new URLSearchParams(queryString(filtersOf(query, { withStatus: false }))))) {
        counts.setData((data) => {
          if (!data?.counts) return data;
          const next = { ...data.counts, [event.status]: (data.counts[event.status] ?? 0) + 1 };
          if (event.previousStatus) next[event.previousStatus] = Math.max(0, (next[event.previousStatus] ?? 0) - 1);
          return { ...data, counts: next };
        });
      }
    },
  });

  const apply = (filters) => navigate(`/runs${queryString(Object.fromEntries(FILTERS.map((f) => [f, filters[f]])))}`);
  const pick = (status) => apply({ ...filtersOf(query), status });
  const runs = list.data?.runs ?? [];
  return html`<div class="runs-page">
    <div class="page-head">
      <h1>Runs</h1>
      <span class=${live ? 'live' : 'muted'} data-testid="runs-live">${live ? 'live' : 'not live'}</span>
    </div>
    <${RunFilters} query=${query} onApply=${apply} />
    <${StatusCounts} counts=${counts.error ? null : counts.data?.counts} active=${query.get('status') ?? ''} onPick=${pick} />
    <${ErrorBox} error=${list.error} />
    ${list.loading && !list.data ? html`<div class="muted">Loading…</div>` : html`<${RunTable} runs=${runs} />`}
    <div class="pager">
      ${cursor ? html`<button class="link" onClick=${() => history.back()}>← newer</button>` : null}
      ${cursor ? html`<a href=${`/runs${queryString(filtersOf(query))}`}>newest</a>` : null}
      ${list.data?.nextCursor ? html`<a data-testid="older" href=${`/runs${queryString({ ...filtersOf(query), cursor: list.data.nextCursor })}`}>older →</a>` : null}
    </div>
  </div>`;
}
