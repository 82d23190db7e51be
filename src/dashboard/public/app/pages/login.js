// Logging in with an API key: the API answers with an HttpOnly session cookie; the key itself
// is never stored by the page.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { ErrorBox } from '../components/error-box.js';

export function LoginPage({ query, onLogin }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      await api('/api/session', { method: 'POST', body: { key: key.trim() } });
      await onLogin();
      const next = query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/runs', { replace: true });
    } catch (e) {
      setError(e);
    }
  };
  return html`<form class="login" onSubmit=${submit}>
    <h1>Log in</h1>
    <p class="muted">This Conveyor requires an API key. Create one with <code>npx conveyor keys create --name me</code> or <code>npm run keys:create -- --name me</code>.</p>
    <label>API key <input type="password" name="key" autocomplete="current-password" value=${key} onInput=${(e) => setKey(e.currentTarget.value)} required /></label>
    <button type="submit">Log in</button>
    <${ErrorBox} error=${error} />
  </form>`;
}
