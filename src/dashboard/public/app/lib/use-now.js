// The current time, re-rendering every `ms` while `active` (ages that grow between reads).
import { useEffect, useState } from 'preact/hooks';

export function useNow(ms, active = true) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
  return now;
}
