// Markdown from task logs, rendered with marked and sanitised with DOMPurify: the only HTML the
// dashboard ever injects. Both libraries load on first use (run pages only).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';

let loaded;
const load = () =>
  (loaded ??= Promise.all([import('marked'), import('dompurify')]).then(([{ marked }, { default: DOMPurify }]) => {
    // Links from logs open elsewhere and carry no referrer.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    return (text) => DOMPurify.sanitize(marked.parse(text, { async: false, gfm: true }));
  }));

export function Markdown({ text }) {
  const [render, setRender] = useState(null);
  useEffect(() => {
    let alive = true;
    void load().then((fn) => alive && setRender(() => fn));
    return () => (alive = false);
  }, []);
  if (!render) return html`<div class="markdown pending">${text}</div>`;
  return html`<div class="markdown" dangerouslySetInnerHTML=${{ __html: render(text) }} />`;
}
