// Recent activity beside the log (system/logs.js): what the API records as events — the latest
// commands (/api/v3/command: manual, scheduled and on-add searches, refreshes) with status and
// message, merged with breaker transitions (/api/v1/circuit-breakers/events), newest first.
import { html } from '../../lib/html.js';
import { usePoll, when } from './poll.js';

const LIMIT = 50;

function rows(commands, transitions) {
  const a = (commands || []).map((c) => ({
    at: c.ended || c.started || c.queued,
    level: c.status === 'failed' ? 'error' : 'info',
    source: `command ${c.name}`,
    text: `${c.status}${c.trigger ? ` (${c.trigger})` : ''}${c.message ? `: ${c.message}` : ''}`,
  }));
  const b = (transitions || []).map((e) => ({
    at: e.at,
    level: e.to === 'open' || e.to === 'forced_open' ? 'warn' : 'info',
    source: `breaker ${e.service}`,
    text: `${e.from} → ${e.to}: ${e.reason}`,
  }));
  const t = (r) => Date.parse(r.at) || 0;
  return a.concat(b).sort((x, y) => t(y) - t(x)).slice(0, LIMIT);
}

export default function RecentEvents() {
  const cmds = usePoll('/api/v3/command', 5000);
  const trans = usePoll('/api/v1/circuit-breakers/events?limit=50', 5000);
  const list = rows(cmds.data, trans.data);
  const err = cmds.error || trans.error;
  return html`<section aria-labelledby="events-h" class="sys-block">
    <h2 id="events-h">Recent events</h2>
    <p class="muted small">Commands and breaker transitions, newest first. The full log is the server's output (journalctl -u reelarr under systemd).</p>
    ${err ? html`<p role="alert" class="error">Events could not be loaded: ${err.message}</p>` : ''}
    ${cmds.loaded && !list.length ? html`<p class="muted">Nothing yet.</p>` : ''}
    <ol class="events">
      ${list.map((r, i) => html`<li key=${i} data-level=${r.level}>
        <time datetime=${r.at}>${when(r.at)}</time> <span class="source">${r.source}</span> <span>${r.text}</span></li>`)}
    </ol>
  </section>`;
}
