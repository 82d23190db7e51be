// The frame of every page: navigation, and logout when a session is in use.
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { navigate } from '../lib/router.js';

const LINKS = [
  ['/runs', 'Runs'],
  ['/tasks', 'Tasks'],
  ['/workflows', 'Workflows'],
  ['/schedules', 'Schedules'],
  ['/queues', 'Queues'],
  ['/workers', 'Workers'],
];

export function Layout({ path, session, onSessionChange, children }) {
  const logout = async () => {
    await api('/api/session', { method: 'DELETE' }).catch(() => undefined);
    await onSessionChange();
    navigate('/login', { replace: true });
  };
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href="/runs">Conveyor</a>
      <nav>
        ${LINKS.map(([href, label]) => html`<a key=${href} href=${href} class=${path.startsWith(href) ? 'active' : ''}>${label}</a>`)}
      </nav>
      ${session?.keysEnforced && session?.authenticated ? html`<button class="link logout" data-action="logout" onClick=${logout}>Log out</button>` : null}
    </header>
    <main>${children}</main>
  </div>`;
}
