// Recent log entries (/api/v3/log: the server's in-memory ring of its latest log records, newest
// first), polled every few seconds, with a "Log level" select that keeps that level and the more
// severe ones, as Radarr's log viewer does.
import { html, useState } from '../../lib/html.js';
import { usePoll, when } from './poll.js';

const LEVELS = ['info', 'warn', 'error'];

export default function Logs() {
  const [level, setLevel] = useState('info');
  const logs = usePoll(`/api/v3/log?page=1&pageSize=50&sortKey=time&sortDirection=descending&level=${level}`, 5000);
  const list = (logs.data && logs.data.records) || [];
  return html`<section aria-labelledby="logs-h" class="sys-block">
    <h2 id="logs-h">Logs</h2>
    <p class="muted small">The latest entries this server logged (kept in memory since start-up), newest first.</p>
    <label class="small">Log level <select value=${level} onChange=${(e) => setLevel(e.target.value)}>
      ${LEVELS.map((l) => html`<option key=${l} value=${l}>${l}</option>`)}
    </select></label>
    ${logs.error ? html`<p role="alert" class="error">Logs could not be loaded: ${logs.error.message}</p>` : ''}
    ${logs.loaded && !list.length ? html`<p class="muted">Nothing yet.</p>` : ''}
    <ol class="events logs" aria-label="Log entries">
      ${list.map((r) => html`<li key=${r.id} data-level=${r.level}>
        <time datetime=${r.time}>${when(r.time)}</time> <span class="level">${r.level}</span> <span class="source">${r.logger}</span> <span class="message">${r.message}</span></li>`)}
    </ol>
  </section>`;
}
