// Live data for the System and Settings pages: one hook that polls an endpoint every few seconds,
// never overlaps two requests, stops when the page unmounts, and keeps the last good answer on
// screen while an error is shown in words beside it.
import { useEffect, useRef, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';

/**
 * `usePoll(path, ms)` → `{data, error, reload}`; `path` may be a stable `(signal) => Promise` loader
 * instead. `ms = 0` loads once. `onData` sees each answer
 * (the breaker dashboard keeps its chart history there). `data` stays at the last success.
 */
export function usePoll(path, ms, onData) {
  const [state, setState] = useState({ data: null, error: null, loaded: false });
  const tick = useRef(null);
  const cb = useRef(onData);
  cb.current = onData;
  useEffect(() => {
    let alive = true;
    let timer = null;
    let ctl = null;
    let loaded = false;
    const run = async () => {
      clearTimeout(timer);
      // A hidden tab keeps what it has and asks again once it is looked at.
      if (loaded && ms > 0 && document.hidden) { timer = setTimeout(run, ms); return; }
      ctl = new AbortController();
      try {
        const data = typeof path === 'function' ? await path(ctl.signal) : await api(path, { signal: ctl.signal });
        if (!alive) return;
        loaded = true;
        if (cb.current) cb.current(data);
        setState({ data, error: null, loaded: true });
      } catch (e) {
        if (!alive || e.name === 'AbortError') return;
        setState((s) => ({ data: s.data, error: e, loaded: true }));
      }
      if (alive && ms > 0) timer = setTimeout(run, ms);
    };
    tick.current = run;
    run();
    return () => { alive = false; clearTimeout(timer); if (ctl) ctl.abort(); };
  }, [path, ms]);
  return { ...state, reload: () => tick.current && tick.current() };
}

/** Formats an RFC 3339 time as local date and time, or a dash when absent. */
export function when(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toLocaleString();
}

/** "in 3 min" / "5 s ago" for a time near now, for task and breaker timings. */
export function relative(ts) {
  if (!ts) return '—';
  const s = Math.round((new Date(ts).getTime() - Date.now()) / 1000);
  if (Number.isNaN(s)) return String(ts);
  const a = Math.abs(s);
  const v = a < 90 ? `${a} s` : a < 5400 ? `${Math.round(a / 60)} min` : a < 172800 ? `${Math.round(a / 3600)} h` : `${Math.round(a / 86400)} d`;
  return s >= 0 ? `in ${v}` : `${v} ago`;
}
