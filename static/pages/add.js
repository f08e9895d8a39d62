// Add movie: search TMDB (GET /api/v3/movie/lookup), say so when the answer comes from the cache
// during a TMDB outage (the x-reelarr-stale header, or the tmdb breaker open), or when nothing is cached ("retry in N s"), and add a result.
import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useApi } from '../components/use-api.js';
import { getWithHeaders } from '../components/api-headers.js';
import { Alert, Status } from '../components/notice.js';
import { Poster } from '../components/poster.js';
import { AddDialog } from '../components/add-dialog.js';

/** An error of the lookup in words: TMDB's outage names the wait, the rest say what the server said. */
function lookupError(e) {
  if (e.status === 503 && e.body && e.body.error === 'tmdb_unavailable') {
    return `Metadata service unavailable, retry in ${e.retryAfter || 60} s`;
  }
  return e.status === 503 ? `Metadata service unavailable: ${e.message}` : e.message;
}

/** Whether TMDB's breaker is open: answers then come from reelarr's cache even when still fresh. */
async function tmdbDown() {
  try {
    const b = await api('/api/v1/circuit-breakers/tmdb');
    return b.state === 'open' || b.state === 'forced_open';
  } catch {
    return false;
  }
}

export default function AddPage() {
  const profiles = useApi('/api/v3/qualityprofile');
  const folders = useApi('/api/v3/rootfolder');
  const [term, setTerm] = useState('');
  const [res, setRes] = useState({ results: null, stale: false, error: null, busy: false });
  const [adding, setAdding] = useState(null);
  const [added, setAdded] = useState(null);
  const search = async (ev) => {
    ev.preventDefault();
    if (!term.trim()) return;
    setAdded(null);
    setRes((r) => ({ ...r, busy: true, error: null }));
    try {
      const [{ body, headers }, down] = await Promise.all([
        getWithHeaders(`/api/v3/movie/lookup?term=${encodeURIComponent(term.trim())}`), tmdbDown()]);
      const stale = headers.get('x-reelarr-stale') === 'true' || down;
      setRes({ results: body || [], stale, error: null, busy: false });
    } catch (e) {
      setRes({ results: null, stale: false, error: lookupError(e), busy: false });
    }
  };
  const onAdded = (m) => {
    setAdding(null);
    setAdded(m);
    setRes((r) => ({ ...r, results: r.results.map((x) => (x.tmdbId === m.tmdbId ? { ...x, id: m.id } : x)) }));
  };
  return html`<h1>Add movie</h1>
    <form role="search" class="toolbar" onSubmit=${search}>
      <label class="grow">Search TMDB
        <input type="search" value=${term} onInput=${(e) => setTerm(e.currentTarget.value)} placeholder="Title, tmdb:603 or imdb:tt0133093" required /></label>
      <button type="submit" disabled=${res.busy}>Search</button>
    </form>
    <${Alert} error=${res.error || profiles.error || folders.error} />
    ${res.stale && html`<${Status} kind="warn" text="TMDB is unavailable — showing cached results" />`}
    ${added && html`<p class="status" role="status">Added ${added.title}. <a href=${`#/movie/${added.id}`}>Open ${added.title}</a></p>`}
    ${res.busy && html`<p class="muted">Searching TMDB…</p>`}
    ${res.results && res.results.length === 0 && html`<p class="empty">TMDB found nothing for “${term}”.</p>`}
    ${res.results && res.results.length > 0 && html`<ul class="results">
      ${res.results.map((m) => html`<li key=${m.tmdbId} class="result">
        <${Poster} movie=${m} small />
        <div class="result-body">
          <h2 class="result-title">${m.id ? html`<a href=${`#/movie/${m.id}`}>${m.title}</a>` : m.title} <span class="muted">(${m.year || 'year unknown'})</span></h2>
          <p class="overview">${m.overview || ''}</p>
        </div>
        ${m.id ? html`<span class="badge ok">In library</span>`
          : html`<button type="button" onClick=${() => setAdding(m)}>Add</button>`}
      </li>`)}
    </ul>`}
    ${adding && html`<${AddDialog} movie=${adding} profiles=${profiles.data || []} folders=${folders.data || []}
      onAdded=${onAdded} onClose=${() => setAdding(null)} />`}`;
}
