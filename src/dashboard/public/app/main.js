// The dashboard's entry: checks the session, then draws the page the URL names.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './lib/html.js';
import { api } from './lib/api.js';
import { navigate, useLocation } from './lib/router.js';
import { lazy } from './lib/lazy.js';
import { Layout } from './components/layout.js';

const LoginPage = lazy(() => import('./pages/login.js'), 'LoginPage');
const RunPage = lazy(() => import('./pages/run.js'), 'RunPage');
const QueuesPage = lazy(() => import('./pages/queues.js'), 'QueuesPage');
const RunsPage = lazy(() => import('./pages/runs.js'), 'RunsPage');
const SchedulesPage = lazy(() => import('./pages/schedules.js'), 'SchedulesPage');
const TasksPage = lazy(() => import('./pages/tasks.js'), 'TasksPage');
const WorkersPage = lazy(() => import('./pages/workers.js'), 'WorkersPage');
const WorkflowsPage = lazy(() => import('./pages/workflows.js'), 'WorkflowsPage');

function page(path, query, onLogin) {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  switch (segments[0]) {
    case 'login': return html`<${LoginPage} query=${query} onLogin=${onLogin} />`;
    case 'runs': return segments[1] ? html`<${RunPage} key=${segments[1]} id=${segments[1]} query=${query} />` : html`<${RunsPage} query=${query} />`;
    case 'tasks': return html`<${TasksPage} query=${query} />`;
    case 'workflows': return html`<${WorkflowsPage} key=${segments[1] ?? ''} slug=${segments[1]} query=${query} />`;
    case 'schedules': return html`<${SchedulesPage} />`;
    case 'workers': return html`<${WorkersPage} />`;
    case 'queues': return html`<${QueuesPage} />`;
    default: return html`<${RunsPage} query=${query} />`;
  }
}

function App() {
  const { path, query } = useLocation();
  const [session, setSession] = useState(null);
  const check = () =>
    api('/api/session').then(setSession, (error) => {
      // An API without sessions (404): keys are handled elsewhere; carry on.
      setSession(error.status === 404 ? { keysEnforced: false, authenticated: true } : { keysEnforced: true, authenticated: false });
    });
  useEffect(() => void check(), []);
  useEffect(() => {
    if (session && session.keysEnforced && !session.authenticated && path !== '/login') {
      navigate(`/login?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    }
  }, [session, path]);
  // The page draws at once, while the session is checked: its own API calls answer 401 (and go
  // to the login page) if a key is needed.
  const blocked = session?.keysEnforced && !session.authenticated && path !== '/login';
  return html`<${Layout} path=${path} session=${session} onSessionChange=${check}>${blocked ? null : page(path, query, check)}</${Layout}>`;
}

render(html`<${App} />`, document.getElementById('app'));
