// Activity → Queue: downloads in qBittorrent with progress and time left, and grabs still in the
// retry journal ("waiting for qBittorrent", or dead-lettered with the reason and Retry/Remove);
// refreshed every 2 s without reload.
import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { usePoll } from './use-api.js';
import { Alert, Status } from './notice.js';
import { MovieName } from './movie-names.js';
import { QueueRemoveDialog } from './queue-remove.js';
import { bytes, date, quality, queueStatus, timeLeft } from './format.js';

const POLL_MS = 2000;

function Progress({ r }) {
  const size = Number(r.size) || 0;
  const done = size > 0 ? Math.max(0, Math.min(1, 1 - (Number(r.sizeleft) || 0) / size)) : 0;
  const pct = Math.round(done * 100);
  return html`<progress max="100" value=${pct} aria-label=${`${r.title}: ${pct}% downloaded`}></progress>
    <span class="muted small">${pct}% of ${bytes(size)}</span>`;
}

/** The journal entry's state in words, shown in place of progress. */
function JournalState({ op, r }) {
  if (op && op.state === 'dead') {
    return html`<span class="badge bad">Failed</span> <span class="reason block">${op.lastError || r.errorMessage || 'qBittorrent kept refusing it'}</span>`;
  }
  return html`<span class="badge warn">waiting for qBittorrent</span>
    <span class="muted small block">${op ? `${op.attempts} attempt(s)${op.lastError ? `; last error: ${op.lastError}` : ''}` : ''}</span>`;
}

export function Queue() {
  const queue = usePoll('/api/v3/queue?page=1&pageSize=200', POLL_MS);
  const journal = usePoll('/api/v1/retry-queue', POLL_MS);
  const [msg, setMsg] = useState({});
  const [removing, setRemoving] = useState(null);
  const ops = (journal.data && journal.data.operations) || [];
  const byHash = new Map(ops.map((o) => [String(o.infoHash || '').toUpperCase(), o]));
  const records = (queue.data && queue.data.records) || [];
  const shownHashes = new Set(records.map((r) => r.downloadId));
  const others = ops.filter((o) => !shownHashes.has(String(o.infoHash || '').toUpperCase()));
  const act = async (what, op) => {
    setMsg({});
    try {
      if (what === 'retry') await api(`/api/v1/retry-queue/${op.id}/retry`, { method: 'POST' });
      else await api(`/api/v1/retry-queue/${op.id}`, { method: 'DELETE' });
      setMsg({ text: what === 'retry' ? `Retrying ${op.title || op.summary}.` : `Removed ${op.title || op.summary}.` });
      journal.reload();
      queue.reload();
    } catch (e) {
      setMsg({ error: `${what === 'retry' ? 'Retry' : 'Remove'} failed: ${e.message}` });
    }
  };
  const buttons = (op, title) => html`<div class="actions tight">
    <button type="button" class="small secondary" aria-label=${`Retry ${title}`} onClick=${() => act('retry', op)}>Retry</button>
    <button type="button" class="small secondary" aria-label=${`Remove ${title}`} onClick=${() => act('remove', op)}>Remove</button>
  </div>`;
  return html`<${Alert} error=${queue.error || journal.error || msg.error} />
    <${Status} text=${msg.text} />
    ${queue.data && records.length === 0 && html`<p class="empty">Nothing in the queue.</p>`}
    ${!queue.data && !queue.error && html`<p class="muted">Loading the queue…</p>`}
    ${records.length > 0 && html`<div class="table-wrap"><table class="stack queue">
      <thead><tr><th scope="col">Release</th><th scope="col">Movie</th><th scope="col">Quality</th>
        <th scope="col" class="progress-col">Progress</th><th scope="col">Time left</th><td></td></tr></thead>
      <tbody>${records.map((r) => {
        const op = byHash.get(r.downloadId);
        const inJournal = !!op || /waiting for qBittorrent/.test(r.errorMessage || '');
        return html`<tr key=${`${r.id}-${r.downloadId}`}>
          <td data-label="Release" class="wrap">${r.title}${(r.statusMessages || []).length > 0 && !inJournal
            ? html`<div class="muted small">${r.statusMessages.flatMap((s) => s.messages || []).join(' · ')}</div>` : ''}</td>
          <td data-label="Movie"><${MovieName} id=${r.movieId} /></td>
          <td data-label="Quality">${quality(r.quality)}</td>
          <td data-label="Progress">${inJournal ? html`<${JournalState} op=${op} r=${r} />` : html`<${Progress} r=${r} />`}</td>
          <td data-label="Time left">${inJournal ? '—' : html`${timeLeft(r.timeleft)}
            ${r.estimatedCompletionTime && html`<span class="muted small block">ETA ${date(r.estimatedCompletionTime, true)}</span>`}
            ${r.status && r.status !== 'downloading' && html`<span class="muted small block">${queueStatus(r.status)}</span>`}`}</td>
          <td class="cell-actions">${op ? buttons(op, r.title) : html`<button type="button" class="small secondary" aria-label=${`Remove ${r.title}`}
            onClick=${() => setRemoving(r)}>Remove</button>`}</td>
        </tr>`;
      })}</tbody>
    </table></div>`}
    ${others.length > 0 && html`<h2>Other qBittorrent operations</h2>
      <ul class="ops">${others.map((o) => html`<li key=${o.id}>
        <span>${o.summary || o.kind}</span>
        ${o.state === 'dead' ? html`<span class="badge bad">Failed</span> <span class="reason">${o.lastError || ''}</span>`
          : html`<span class="badge warn">waiting for qBittorrent</span>`}
        ${buttons(o, o.title || o.summary || o.kind)}
      </li>`)}</ul>`}
    ${removing && html`<${QueueRemoveDialog} record=${removing} onClose=${() => setRemoving(null)}
      onRemoved=${(r) => { setRemoving(null); setMsg({ text: `Removed ${r.title}.` }); queue.reload(); }} />`}`;
}
