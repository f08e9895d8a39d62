// Data hooks over the API: one load with its error, and a poll that refreshes without reload.
import { useCallback, useEffect, useRef, useState } from '../lib/html.js';
import { api } from '../lib/api.js';

/** `{data, error, reload}` for GET `path` (null path: nothing loaded); reloads when path changes. */
export function useApi(path) {
  const [state, setState] = useState({ data: null, error: null });
  const seq = useRef(0);
  const load = useCallback(async () => {
    if (!path) return;
    const n = ++seq.current;
    try {
      const data = await api(path);
      if (n === seq.current) setState({ data, error: null });
    } catch (e) {
      if (n === seq.current) setState((s) => ({ data: s.data, error: e }));
    }
  }, [path]);
  useEffect(() => { load(); }, [load]);
  return { data: state.data, error: state.error, reload: load };
}

/** Like useApi, and again every `ms` while the tab is visible (live data: queue, journal). */
export function usePoll(path, ms) {
  const r = useApi(path);
  const reload = r.reload;
  useEffect(() => {
    const t = setInterval(() => { if (!document.hidden) reload(); }, ms);
    return () => clearInterval(t);
  }, [reload, ms]);
  return r;
}
