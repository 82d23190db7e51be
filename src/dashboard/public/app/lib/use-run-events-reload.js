// Re-reads something run events may change (the concurrency queues) while the page is open:
// on each `run` event of /api/runs/events, at most once per `everyMs`, not on a fixed poll. One
// more read follows `settleMs` after the last event: a run's final status is written just before
// its attempt releases its slot, and the release itself sends no run event.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useEventSource } from './event-source.js';

export function useRunEventsReload(reload, { everyMs = 1_000, settleMs = 1_500 } = {}) {
  const [live, setLive] = useState(false);
  const latest = useRef(reload);
  latest.current = reload;
  const state = useRef({ throttle: 0, settle: 0, lastRead: 0, opened: 0 });

  useEffect(() => () => {
    clearTimeout(state.current.throttle);
    clearTimeout(state.current.settle);
  }, []);

  /** A read within the throttle window waits for its end; calls meanwhile join it. */
  const schedule = () => {
    const s = state.current;
    if (s.throttle) return;
    s.throttle = setTimeout(() => {
      s.throttle = 0;
      s.lastRead = Date.now();
      void latest.current();
    }, Math.max(0, s.lastRead + everyMs - Date.now()));
  };
  const changed = () => {
    schedule();
    clearTimeout(state.current.settle);
    state.current.settle = setTimeout(schedule, settleMs);
  };

  useEventSource('/api/runs/events', {
    open: () => {
      setLive(true);
      // A reconnect may have missed events: read again.
      if (state.current.opened++ > 0) changed();
    },
    fail: () => setLive(false),
    run: changed,
    resync: changed,
  });
  return live;
}
