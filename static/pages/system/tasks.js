// Scheduled tasks (/api/v3/system/task) with interval, last and next run and last outcome, and a
// "Run now" button per task: a task's taskName is the command it runs, so POST /api/v3/command
// with that name starts it at once (the scheduler's next run is unchanged).
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll, relative, when } from './poll.js';

function every(min) {
  if (!min) return 'off';
  return min % 1440 === 0 ? `${min / 1440} d` : min % 60 === 0 ? `${min / 60} h` : `${min} min`;
}

export default function Tasks() {
  const tasks = usePoll('/api/v3/system/task', 5000);
  const [msg, setMsg] = useState(null);
  const run = async (t) => {
    try {
      const c = await api('/api/v3/command', { method: 'POST', body: { name: t.taskName } });
      setMsg({ err: false, text: `${t.name} started (command ${c.id}, ${c.status}).` });
      setTimeout(tasks.reload, 1000);
    } catch (e) {
      setMsg({ err: true, text: `${t.name} could not start: ${e.message}` });
    }
  };
  return html`<section aria-labelledby="tasks-h" class="sys-block">
    <h2 id="tasks-h">Tasks</h2>
    ${tasks.error ? html`<p role="alert" class="error">Tasks could not be loaded: ${tasks.error.message}</p>` : ''}
    ${msg ? html`<p role=${msg.err ? 'alert' : 'status'} class=${msg.err ? 'error' : 'ok-line'}>${msg.text}</p>` : ''}
    <div class="table-wrap"><table class="data">
      <thead><tr><th scope="col">Task</th><th scope="col">Interval</th><th scope="col">Last run</th>
        <th scope="col">Duration</th><th scope="col">Outcome</th><th scope="col">Next run</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${(tasks.data || []).map((t) => html`<tr key=${t.id}>
          <th scope="row">${t.name}</th>
          <td>${every(t.interval)}</td>
          <td title=${when(t.lastExecution)}>${relative(t.lastExecution)}</td>
          <td>${t.lastDuration ? t.lastDuration.replace(/\.\d+$/, '') : '—'}</td>
          <td>${t.lastOutcome || '—'}${t.lastMessage ? html`<div class="muted small">${t.lastMessage}</div>` : ''}</td>
          <td title=${when(t.nextExecution)}>${t.nextExecution ? relative(t.nextExecution) : 'off'}</td>
          <td><button type="button" class="secondary" aria-label=${`Run ${t.name} now`} onClick=${() => run(t)}>Run now</button></td>
        </tr>`)}
      </tbody>
    </table></div>
  </section>`;
}
