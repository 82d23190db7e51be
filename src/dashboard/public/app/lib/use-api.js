// Loads an API path into state; `reload` fetches again. Stale answers (path changed) are dropped.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';

export function useApi(path) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const current = useRef(path);
  current.current = path;
  const reload = useCallback(async () => {
    if (!path) return;
    try {
      const data = await api(path);
      if (current.current === path) setState({ data, error: undefined, loading: false });
    } catch (error) {
      if (current.current === path) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, [path]);
  useEffect(() => {
    setState((s) => ({ ...s, loading: true }));
    void reload();
  }, [reload]);
  return { ...state, reload, setData: (data) => setState((s) => ({ ...s, data: typeof data === 'function' ? data(s.data) : data })) };
}
