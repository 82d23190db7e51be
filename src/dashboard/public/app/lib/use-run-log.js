// A run's log lines and live status over one SSE stream (/logs/stream): `log` events append
// (batched per animation frame, so 10,000 lines arriving at once render a few times, not
// 10,000), `status` events carry the run's new status, `steps` that a DAG step changed,
// `end` closes. The browser's reconnect sends Last-Event-ID: lines resume, none repeat.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useEventSource } from './event-source.js';

export function useRunLog(runId, { onStatus, onSteps, onEnd }) {
  const lines = useRef([]);
  const seen = useRef(-1);
  const pending = useRef([]);
  const frame = useRef(0);
  const [version, setVersion] = useState(0);
  const [live, setLive] = useState(true);

  useEffect(() => {
    lines.current = [];
    seen.current = -1;
    pending.current = [];
    setVersion((v) => v + 1);
    setLive(true);
  }, [runId]);

  const flush = () => {
    frame.current = 0;
    lines.current = lines.current.concat(pending.current);
    pending.current = [];
    setVersion((v) => v + 1);
  };

  useEventSource(live ? `/api/runs/${encodeURIComponent(runId)}/logs/stream` : null, {
    log: (line) => {
      if (line.seq <= seen.current) return;
      seen.current = line.seq;
      pending.current.push(line);
      if (!frame.current) frame.current = requestAnimationFrame(flush);
    },
    status: (run) => onStatus?.(run),
    steps: () => onSteps?.(),
    end: (data) => {
      setLive(false);
      onEnd?.(data);
    },
    fail: () => setLive(false),
  });
  return { lines: lines.current, version, live };
}
