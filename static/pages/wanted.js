// Wanted: monitored movies without a file (#/wanted) and those whose file is below the profile's
// cutoff (#/wanted/cutoff), paged, each with a Search button (command MoviesSearch).
import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useApi } from '../components/use-api.js';
import { Alert, Status } from '../components/notice.js';
import { Pager } from '../components/pager.js';
import { date } from '../components/format.js';

const PAGE_SIZE = 25;
const TABS = [['', 'Missing'], ['cutoff', 'Cutoff unmet']];

export default function WantedPage({ route }) {
  const tab = route[1] === 'cutoff' ? 'cutoff' : '';
  const [page, setPage] = useState(1);
  const [msg, setMsg] = useState({});
  const list = useApi(`/api/v3/wanted/${tab === 'cutoff' ? 'cutoff' : 'missing'}?page=${page}&pageSize=${PAGE_SIZE}&monitored=true`);
  const rows = (list.data && list.data.records) || [];
  const command = async (body, what) => {
    setMsg({});
    try {
      await api('/api/v3/command', { method: 'POST', body });
      setMsg({ text: `Search started for ${what}.` });
    } catch (e) {
      setMsg({ error: `The search could not start: ${e.message}` });
    }
  };
  return html`<h1>Wanted</h1>
    <nav class="tabs" aria-label="Wanted">
      ${TABS.map(([t, label]) => html`<a href=${t ? `#/wanted/${t}` : '#/wanted'} aria-current=${tab === t ? 'page' : undefined}>${label}</a>`)}
    </nav>
    <div class="actions">
      ${tab === '' ? html`<button type="button" onClick=${() => command({ name: 'MissingMoviesSearch' }, 'every missing movie')}>Search all missing</button>`
        : html`<button type="button" disabled=${rows.length === 0}
            onClick=${() => command({ name: 'MoviesSearch', movieIds: rows.map((m) => m.id) }, 'the movies on this page')}>Search this page</button>`}
    </div>
    <${Alert} error=${list.error || msg.error} />
    <${Status} text=${msg.text} />
    ${!list.data && !list.error && html`<p class="muted">Loading…</p>`}
    ${list.data && rows.length === 0 && html`<p class="empty">${tab === 'cutoff' ? 'Every file meets its cutoff.' : 'No monitored movie is missing.'}</p>`}
    ${rows.length > 0 && html`<div class="table-wrap"><table class="stack">
      <thead><tr><th scope="col">Title</th><th scope="col" class="num">Year</th><th scope="col">Availability</th>
        <th scope="col">In cinemas</th><td></td></tr></thead>
      <tbody>${rows.map((m) => html`<tr key=${m.id}>
        <td data-label="Title"><a href=${`#/movie/${m.id}`}>${m.title}</a></td><td data-label="Year" class="num">${m.year || '—'}</td>
        <td data-label="Availability">${m.isAvailable ? 'Available' : 'Not yet available'}</td><td data-label="In cinemas">${date(m.inCinemas)}</td>
        <td class="cell-actions"><button type="button" class="small secondary" aria-label=${`Search ${m.title}`}
          onClick=${() => command({ name: 'MoviesSearch', movieIds: [m.id] }, m.title)}>Search</button></td>
      </tr>`)}</tbody>
    </table></div>`}
    ${list.data && list.data.totalRecords > PAGE_SIZE && html`<${Pager} page=${page} pageSize=${PAGE_SIZE} total=${list.data.totalRecords} onPage=${setPage} label="Wanted pages" />`}`;
}
