// Activity → History and Blocklist: the paged lists (GET /api/v3/history, /api/v3/blocklist),
// newest first; a blocklist entry can be removed so the release may be grabbed again.
import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useApi } from './use-api.js';
import { Alert, Status } from './notice.js';
import { Pager } from './pager.js';
import { MovieName } from './movie-names.js';
import { date, eventDetails, eventName, quality } from './format.js';

const PAGE_SIZE = 25;

export function HistoryList() {
  const [page, setPage] = useState(1);
  const h = useApi(`/api/v3/history?page=${page}&pageSize=${PAGE_SIZE}&sortKey=date&sortDirection=descending&includeMovie=true`);
  const rows = (h.data && h.data.records) || [];
  return html`<${Alert} error=${h.error} />
    ${h.data && rows.length === 0 && html`<p class="empty">No history yet.</p>`}
    ${rows.length > 0 && html`<div class="table-wrap"><table class="stack">
      <thead><tr><th scope="col">Date</th><th scope="col">Event</th><th scope="col">Movie</th><th scope="col">Release</th><th scope="col">Quality</th><th scope="col">Details</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.id}><td data-label="Date">${date(r.date, true)}</td><td data-label="Event">${eventName(r.eventType, r.data)}</td>
        <td data-label="Movie"><${MovieName} id=${r.movieId} title=${r.movie && r.movie.title} /></td><td data-label="Release" class="wrap">${r.sourceTitle}</td><td data-label="Quality">${quality(r.quality)}</td>
        <td data-label="Details" class="small">${eventDetails(r.data)}</td></tr>`)}</tbody>
    </table></div>`}
    ${h.data && h.data.totalRecords > PAGE_SIZE && html`<${Pager} page=${page} pageSize=${PAGE_SIZE} total=${h.data.totalRecords} onPage=${setPage} label="History pages" />`}`;
}

export function BlocklistList() {
  const [page, setPage] = useState(1);
  const [msg, setMsg] = useState({});
  const b = useApi(`/api/v3/blocklist?page=${page}&pageSize=${PAGE_SIZE}`);
  const rows = (b.data && b.data.records) || [];
  const remove = async (r) => {
    setMsg({});
    try {
      await api(`/api/v3/blocklist/${r.id}`, { method: 'DELETE' });
      setMsg({ text: `Removed ${r.sourceTitle} from the blocklist.` });
      b.reload();
    } catch (e) {
      setMsg({ error: `Removing it failed: ${e.message}` });
    }
  };
  return html`<${Alert} error=${b.error || msg.error} />
    <${Status} text=${msg.text} />
    ${b.data && rows.length === 0 && html`<p class="empty">The blocklist is empty.</p>`}
    ${rows.length > 0 && html`<div class="table-wrap"><table class="stack">
      <thead><tr><th scope="col">Date</th><th scope="col">Movie</th><th scope="col">Release</th><th scope="col">Quality</th>
        <th scope="col">Indexer</th><th scope="col">Reason</th><td></td></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.id}><td data-label="Date">${date(r.date, true)}</td><td data-label="Movie"><${MovieName} id=${r.movieId} /></td>
        <td data-label="Release" class="wrap">${r.sourceTitle}</td><td data-label="Quality">${quality(r.quality)}</td><td data-label="Indexer">${r.indexer || '—'}</td><td data-label="Reason">${r.message || '—'}</td>
        <td class="cell-actions"><button type="button" class="small secondary" aria-label=${`Remove ${r.sourceTitle} from the blocklist`} onClick=${() => remove(r)}>Remove</button></td></tr>`)}</tbody>
    </table></div>`}
    ${b.data && b.data.totalRecords > PAGE_SIZE && html`<${Pager} page=${page} pageSize=${PAGE_SIZE} total=${b.data.totalRecords} onPage=${setPage} label="Blocklist pages" />`}`;
}
