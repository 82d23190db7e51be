// Live workers (a presence row seen in the last few seconds) and the tasks each one serves.
import { useEffect } from 'preact/hooks';
import { html } from '../lib/html.js';
import { ago } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ErrorBox } from '../components/error-box.js';

const REFRESH_MS = 5_000;

export function WorkersPage() {
  const { data, error, reload } = useApi('/api/workers');
  useEffect(() => {
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const workers = data?.workers ?? [];
  return html`<div class="workers-page">
    <h1>Workers <span class="muted">${workers.length} live</span></h1>
    <${ErrorBox} error=${error} />
    ${data && !workers.length ? html`<div class="banner warn">No live worker: runs wait until one starts (<code>npm run worker</code>).</div>` : null}
    ${workers.map((w) => html`<article class="card" key=${w.id} data-worker=${w.id}>
      <div class="card-head"><h2 class="mono">${w.host} · pid ${w.pid}</h2><span class="muted">seen ${ago(w.lastSeenAt)}</span></div>
      <div class="muted">queue ${w.taskQueue} · started ${ago(w.startedAt)} · in flight ${w.inFlight ?? 0}</div>
      <div class="chips">${(w.tasks ?? []).map((t) => html`<span class="tag" key=${t}>${t}</span>`)}</div>
    </article>`)}
  </div>`;
}
