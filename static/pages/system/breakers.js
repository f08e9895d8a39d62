// The live breaker dashboard: polls every breaker's snapshot every 2 s and the transition log
// every 3 s, keeps a rolling window of readings per breaker in memory for the charts (kept across
// visits to the page while the tab lives), and lays out one card per breaker.
import { html, useState } from '../../lib/html.js';
import { usePoll } from './poll.js';
import BreakerCard from './breaker-card.js';

/** Readings kept per breaker: 90 × 2 s = the last three minutes. */
const WINDOW = 90;
/** service → [{t, avg, p95, rate}] (t in seconds, as uPlot wants). */
const history = new Map();

function record(snaps) {
  const t = Date.now() / 1000;
  for (const s of snaps) {
    const h = history.get(s.service) || [];
    h.push({ t, avg: s.avg_response_time_ms, p95: s.p95_response_time_ms, rate: s.failure_rate * 100 });
    if (h.length > WINDOW) h.splice(0, h.length - WINDOW);
    history.set(s.service, h);
  }
}

export default function BreakerDashboard() {
  const [tick, setTick] = useState(0);
  const snaps = usePoll('/api/v1/circuit-breakers', 2000, (d) => { record(d); setTick((n) => n + 1); });
  const events = usePoll('/api/v1/circuit-breakers/events?limit=200', 3000);
  const list = snaps.data || [];
  const byService = (svc) => (events.data || []).filter((e) => e.service === svc).slice(0, 5);
  // A control or threshold answer is the new snapshot: refresh now rather than at the next tick.
  const changed = () => { snaps.reload(); events.reload(); };
  return html`<section aria-labelledby="breakers-h" class="sys-block">
    <h2 id="breakers-h">Circuit breakers</h2>
    ${snaps.error ? html`<p role="alert" class="error">Breakers could not be loaded: ${snaps.error.message}</p>` : ''}
    ${events.error ? html`<p role="alert" class="error">Breaker transitions could not be loaded: ${events.error.message}</p>` : ''}
    ${!snaps.loaded ? html`<p class="muted">Loading breakers…</p>` : ''}
    <div class="breakers">
      ${list.map((s) => html`<${BreakerCard} key=${s.service} snap=${s} points=${history.get(s.service) || []}
        tick=${tick} events=${byService(s.service)} onChanged=${changed} />`)}
    </div>
  </section>`;
}
