// The System page's health list, as Radarr shows it (/api/v3/health: one row per problem, with
// its source and level), above reelarr's own summary from /health/detailed (overall status,
// uptime, memory) and /api/v3/system/status (version, database). Polled every 3 s, so a breaker opening shows up without a reload.
import { html } from '../../lib/html.js';
import { api, ApiError } from '../../lib/api.js';
import { usePoll } from './poll.js';

/** /health/detailed answers 503 with the same body when unhealthy; that is data, not an error. */
async function detailed(signal) {
  try {
    return await api('/health/detailed', { signal });
  } catch (e) {
    if (e instanceof ApiError && e.status === 503 && e.body && typeof e.body === 'object') return e.body;
    throw e;
  }
}

/** system/status says "sqLite"/"postgreSQL" as Radarr does; people read the products' names. */
const DATABASES = { sqlite: 'SQLite', postgresql: 'PostgreSQL', postgres: 'PostgreSQL' };

function uptime(s) {
  if (s == null) return '—';
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}

/** Overall status line plus the Radarr-style list of health checks. */
export default function HealthList() {
  const checks = usePoll('/api/v3/health', 3000);
  const sys = usePoll(detailed, 3000);
  const about = usePoll('/api/v3/system/status', 0);
  const a = about.data;
  const d = sys.data;
  const list = checks.data || [];
  return html`<section aria-labelledby="health-h" class="sys-block">
    <h2 id="health-h">Health</h2>
    <p class="sys-summary">
      Status: <strong class=${'health-' + (d ? d.status : 'unknown')}>${d ? d.status : 'loading…'}</strong>
      ${d && d.system ? html` · up ${uptime(d.system.uptime_seconds)} · ${Math.round(d.system.memory_usage_mb || 0)} MB memory` : ''}
      ${a ? html` · version ${a.version} on ${DATABASES[String(a.databaseType).toLowerCase()] || a.databaseType}` : ''}
    </p>
    ${checks.error ? html`<p role="alert" class="error">Health checks could not be loaded: ${checks.error.message}</p>` : ''}
    ${sys.error ? html`<p role="alert" class="error">Service status could not be loaded: ${sys.error.message}</p>` : ''}
    ${checks.loaded && !list.length && !checks.error ? html`<p class="ok-line">No health issues.</p>` : ''}
    <ul class="health-list">
      ${list.map((c) => html`<li key=${c.source + c.message} class=${'health-item level-' + c.type}>
        <span class="level" data-level=${c.type}>${c.type}</span>
        <span class="source">${c.source}</span>
        <span class="msg">${c.message}</span>
      </li>`)}
    </ul>
  </section>`;
}
