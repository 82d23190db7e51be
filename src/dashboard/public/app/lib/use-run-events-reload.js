// Re-reads something run events may change (the concurrency queues) while the page is open: on
// each `run` and `slots` event of /api/runs/events (a slot freed is an event of its own: a run's
// final status is written just before its attempt releases the slot), at most once per
// `everyMs`, not on a fixed poll.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useEventSource } from './event-source.js';

export function useRunEventsReload(reload, { everyMs = 1_000 } = {}) {
  const [live, setLive] = useState(false);
  const latest = useRef(reload);
  latest.current = reload;
  const state = useRef({ throttle: 0, lastRead: 0, opened: 0 });

  useEffect(() => () => clearTimeout(state.current.throttle), []);

  /** A read within the throttle window waits for its end; events meanwhile join it. */
  const changed = () => {
    const s = state.current;
    if (s.throttle) return;
    s.throttle = setTimeout(() => {
      s.throttle = 0;
      s.lastRead = Date.now();
      void latest.current();
    }, Math.max(0, s.lastRead + everyMs - Date.now()));
  };

  useEventSource('/api/runs/events', {
    open: () => {
      setLive(true);
      // A reconnect may have missed events: read again.
      if (state.current.opened++ > 0) changed();
    },
    fail: () => setLive(false),
    run: changed,
    slots: changed,
    resync: changed,
  });
  return live;
}
