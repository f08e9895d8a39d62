// Movies: the library as a poster grid or a table, sorted and filtered in the browser (the whole
// list is one GET /api/v3/movie), rendered windowed so 10,000 movies stay smooth.
import { html, useMemo, useState } from '../lib/html.js';
import { getPref, setPref } from '../lib/prefs.js';
import { useApi } from '../components/use-api.js';
import { Alert } from '../components/notice.js';
import { MovieGrid } from '../components/movie-grid.js';
import { MovieTable } from '../components/movie-table.js';

const SORTS = {
  title: (m) => (m.sortTitle || m.title || '').toLowerCase(),
  year: (m) => m.year || 0,
  added: (m) => m.added || '',
  size: (m) => m.sizeOnDisk || 0,
};

/** Titles compare as people read them ("Movie 9" before "Movie 10"). */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The library sorted by the toolbar's key (done once per sort, not per keystroke). */
function sorted(movies, sort, desc) {
  const key = SORTS[sort] || SORTS.title;
  const dir = desc ? -1 : 1;
  const cmp = (x, y) => (typeof x === 'string' ? collator.compare(x, y) : x - y);
  return [...movies].sort((a, b) => cmp(key(a), key(b)) * dir || collator.compare(SORTS.title(a), SORTS.title(b)));
}

/** Applies the toolbar's filters (order kept). */
function select(movies, f) {
  const text = f.text.trim().toLowerCase();
  return movies.filter((m) => {
    if (f.monitored === 'yes' && !m.monitored) return false;
    if (f.monitored === 'no' && m.monitored) return false;
    if (f.file === 'missing' && m.hasFile) return false;
    if (f.file === 'downloaded' && !m.hasFile) return false;
    if (f.profile && String(m.qualityProfileId) !== f.profile) return false;
    if (f.tag && !(m.tags || []).map(String).includes(f.tag)) return false;
    if (text && !(`${m.title} ${m.originalTitle || ''} ${m.year || ''}`.toLowerCase().includes(text))) return false;
    return true;
  });
}

function Choice({ label, value, onChange, options }) {
  return html`<label>${label}
    <select value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${options.map(([v, t]) => html`<option value=${v}>${t}</option>`)}
    </select></label>`;
}

export default function MoviesPage() {
  const movies = useApi('/api/v3/movie');
  const profiles = useApi('/api/v3/qualityprofile');
  const tags = useApi('/api/v3/tag');
  const [view, setView] = useState(() => getPref('moviesView', 'posters'));
  const [f, setF] = useState({ text: '', monitored: '', file: '', profile: '', tag: '', sort: 'title', desc: false });
  const set = (k) => (v) => setF((o) => ({ ...o, [k]: v }));
  const sortBy = (k) => setF((o) => ({ ...o, sort: k, desc: o.sort === k ? !o.desc : false }));
  const pick = (v) => { setView(v); setPref('moviesView', v); };
  const profileNames = useMemo(() => Object.fromEntries((profiles.data || []).map((p) => [p.id, p.name])), [profiles.data]);
  const ordered = useMemo(() => (movies.data ? sorted(movies.data, f.sort, f.desc) : []), [movies.data, f.sort, f.desc]);
  const shown = useMemo(() => select(ordered, f), [ordered, f]);
  const all = movies.data ? movies.data.length : 0;
  return html`<h1>Movies</h1>
    <div class="toolbar" role="group" aria-label="View and filters">
      <div class="group" role="group" aria-label="View">
        <button type="button" class="secondary" aria-pressed=${view === 'posters'} onClick=${() => pick('posters')}>Posters</button>
        <button type="button" class="secondary" aria-pressed=${view === 'table'} onClick=${() => pick('table')}>Table</button>
      </div>
      <label class="grow">Filter movies
        <input type="search" value=${f.text} onInput=${(e) => set('text')(e.currentTarget.value)} placeholder="Title or year" /></label>
      <${Choice} label="Monitored" value=${f.monitored} onChange=${set('monitored')} options=${[['', 'All'], ['yes', 'Monitored'], ['no', 'Unmonitored']]} />
      <${Choice} label="File" value=${f.file} onChange=${set('file')} options=${[['', 'All'], ['missing', 'Missing'], ['downloaded', 'Downloaded']]} />
      <${Choice} label="Quality profile" value=${f.profile} onChange=${set('profile')}
        options=${[['', 'Any'], ...(profiles.data || []).map((p) => [String(p.id), p.name])]} />
      <${Choice} label="Tag" value=${f.tag} onChange=${set('tag')}
        options=${[['', 'Any'], ...(tags.data || []).map((t) => [String(t.id), t.label])]} />
      <${Choice} label="Sort by" value=${f.sort} onChange=${set('sort')}
        options=${[['title', 'Title'], ['year', 'Year'], ['added', 'Date added'], ['size', 'Size on disk']]} />
      <${Choice} label="Order" value=${f.desc ? 'desc' : 'asc'} onChange=${(v) => set('desc')(v === 'desc')}
        options=${[['asc', 'Ascending'], ['desc', 'Descending']]} />
    </div>
    <${Alert} error=${movies.error || profiles.error || tags.error} />
    <p class="muted count" aria-live="polite">${movies.data ? `${shown.length} of ${all} movies` : 'Loading the library…'}</p>
    ${movies.data && all === 0 && html`<p class="empty">Your library is empty. <a href="#/add">Add a movie</a>.</p>`}
    ${movies.data && all > 0 && shown.length === 0 && html`<p class="empty">No movie matches these filters.</p>`}
    ${shown.length > 0 && (view === 'table'
      ? html`<${MovieTable} movies=${shown} profiles=${profileNames} sort=${{ key: f.sort, desc: f.desc, set: sortBy }} />`
      : html`<${MovieGrid} movies=${shown} profiles=${profileNames} />`)}`;
}
