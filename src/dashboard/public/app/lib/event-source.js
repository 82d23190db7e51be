// An EventSource for the component's lifetime. The browser reconnects by itself and sends
// Last-Event-ID, so a log stream resumes after the last line seen. `onFail` runs when the
// stream cannot be opened at all (e.g. an endpoint this API does not have).
import { useEffect, useRef } from 'preact/hooks';

export function useEventSource(url, handlers) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (!url) return undefined;
    const source = new EventSource(url);
    let opened = false;
    source.onopen = () => {
      opened = true;
      latest.current.open?.();
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) latest.current.fail?.(opened);
    };
    const names = Object.keys(latest.current).filter((name) => !['open', 'fail'].includes(name));
    for (const name of names) {
      source.addEventListener(name, (event) => {
        if (name === 'end') source.close();
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          data = event.data;
        }
        latest.current[name]?.(data, event);
      });
    }
    return () => source.close();
  }, [url]);
}
