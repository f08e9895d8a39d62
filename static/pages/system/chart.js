// A small live uPlot chart of one breaker's latency (average and p95, ms, left axis) and failure
// rate (%, right axis) over the dashboard's rolling window. The box has a fixed height so data
// arriving never shifts the layout; without uPlot (script blocked or missing) the box stays empty
// with a sentence instead of throwing.
import { html, useEffect, useRef } from '../../lib/html.js';

/** Reads a colour from the CSS variables (style.css owns them, light and dark). */
function cssVar(el, name, fallback) {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

function options(el, width) {
  const accent = cssVar(el, '--accent', 'currentColor');
  const err = cssVar(el, '--danger', 'currentColor');
  const fg = cssVar(el, '--fg', 'currentColor');
  const muted = cssVar(el, '--muted', fg);
  const grid = cssVar(el, '--border', muted);
  const axis = (scale, side) => ({
    scale, side, stroke: muted, size: 40,
    grid: { stroke: grid, width: side === 3 ? 0.5 : 0 },
    ticks: { stroke: grid, width: 0.5 },
    values: (u, vals) => vals.map((v) => String(+v.toFixed(1))),
  });
  const clock = (u, vals) => vals.map((v) => new Date(v * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }));
  return {
    width, height: 120,
    legend: { show: false },
    cursor: { show: false },
    // At least a minute wide, so a fresh chart does not label sub-second ticks.
    scales: { x: { time: true, range: (u, lo, hi) => (hi == null ? [Date.now() / 1000 - 60, Date.now() / 1000] : [Math.min(lo, hi - 60), hi]) }, ms: { range: (u, lo, hi) => [0, Math.max(10, hi * 1.1)] }, pct: { range: [0, 100] } },
    axes: [{ stroke: muted, grid: { show: false }, ticks: { stroke: grid, width: 0.5 }, size: 24, space: 80, values: clock },
      axis('ms', 3), axis('pct', 1)],
    series: [{},
      { label: 'avg ms', scale: 'ms', stroke: fg, width: 1.5, points: { show: false } },
      { label: 'p95 ms', scale: 'ms', stroke: accent, width: 1.5, dash: [4, 3], points: { show: false } },
      { label: 'failure %', scale: 'pct', stroke: err, width: 1.5, points: { show: false } }],
  };
}

/**
 * `points` is the breaker's rolling history `{t, avg, p95, rate}[]`; `tick` changes whenever a
 * point is added, so the chart redraws in place instead of being rebuilt.
 */
export default function BreakerChart({ points, tick, label }) {
  const box = useRef(null);
  const plot = useRef(null);
  const latest = useRef(points);
  latest.current = points;
  const data = () => {
    const pts = latest.current;
    return [pts.map((p) => p.t), pts.map((p) => p.avg), pts.map((p) => p.p95), pts.map((p) => p.rate)];
  };
  useEffect(() => {
    const el = box.current;
    if (!el || !window.uPlot) return undefined;
    // Colours are read when the chart is built, so a theme change (system or the UI preference) rebuilds it.
    const build = () => {
      if (plot.current) plot.current.destroy();
      plot.current = new window.uPlot(options(el, Math.max(200, el.clientWidth)), data(), el);
    };
    build();
    const ro = new ResizeObserver(() => plot.current && plot.current.setSize({ width: Math.max(200, el.clientWidth), height: 120 }));
    ro.observe(el);
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', build);
    const mo = new MutationObserver(build);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => { ro.disconnect(); mo.disconnect(); scheme.removeEventListener('change', build); plot.current.destroy(); plot.current = null; };
  }, []);
  useEffect(() => { if (plot.current) plot.current.setData(data()); }, [tick]);
  return html`<div class="breaker-chart" role="img"
      aria-label=${`${label}: average and p95 response time and failure rate over the last ${points.length} readings`}>
    <div class="plot" ref=${box}></div>
    ${window.uPlot ? '' : html`<p class="muted">Chart unavailable (uPlot not loaded).</p>`}
    <p class="chart-key" aria-hidden="true"><span class="k-avg">avg ms</span> <span class="k-p95">p95 ms</span> <span class="k-rate">failure % (right)</span></p>
  </div>`;
}
