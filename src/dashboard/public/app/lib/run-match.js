// Whether a live run event belongs in the list with these filters (evaluated in the browser, so
// live updates cost the server nothing per tab).
export function matchesFilters(event, query) {
  const status = query.get('status');
  const task = query.get('task');
  const workflow = query.get('workflow');
  const triggeredBy = query.get('triggeredBy');
  const tag = query.get('tag');
  const from = query.get('from');
  const to = query.get('to');
  const q = query.get('q');
  if (status && event.status !== status) return false;
  if (task && (event.task !== task || event.kind === 'workflow')) return false;
  if (workflow && (event.task !== workflow || event.kind !== 'workflow')) return false;
  if (triggeredBy && event.triggeredBy && event.triggeredBy !== triggeredBy) return false;
  if (tag && !(event.tags ?? []).includes(tag)) return false;
  const created = event.createdAt ? new Date(event.createdAt).getTime() : Date.now();
  if (from && created < new Date(from).getTime()) return false;
  if (to && created > new Date(to).getTime()) return false;
  if (q && !event.id.startsWith(q)) return false;
  return true;
}
