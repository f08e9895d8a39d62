// Movie detail (#/movie/<id>): metadata, its file, its history, and the actions: interactive search
// (releases with a Grab button each), automatic search (command MoviesSearch), edit and delete.
import { html, useEffect, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useApi } from '../components/use-api.js';
import { Alert, Status } from '../components/notice.js';
import { Poster } from '../components/poster.js';
import { Releases } from '../components/releases.js';
import { EditDialog, DeleteDialog } from '../components/movie-dialogs.js';
import { bytes, date, eventDetails, eventName, quality, runtime } from '../components/format.js';

/** Starts MoviesSearch and reports when it ends (the command is polled for a short while). */
async function automaticSearch(id, say) {
  const cmd = await api('/api/v3/command', { method: 'POST', body: { name: 'MoviesSearch', movieIds: [id] } });
  say({ text: 'Automatic search started.' });
  for (let i = 0; i < 60; i += 1) {
    await new Promise((r) => setTimeout(r, 1000));
    const c = await api(`/api/v3/command/${cmd.id}`);
    if (c.status === 'completed') { say({ text: `Automatic search finished${c.message ? `: ${c.message}` : '.'}` }); return; }
    if (c.status === 'failed') { say({ error: `Automatic search failed${c.message ? `: ${c.message}` : '.'}` }); return; }
  }
}

function Facts({ movie, profiles, tags }) {
  const profile = (profiles || []).find((p) => p.id === movie.qualityProfileId);
  const tagNames = (tags || []).filter((t) => (movie.tags || []).includes(t.id)).map((t) => t.label);
  const rows = [
    ['Year', movie.year || '—'], ['Runtime', runtime(movie.runtime)], ['Status', movie.status || '—'],
    ['Genres', (movie.genres || []).join(', ') || '—'], ['Monitored', movie.monitored ? 'Yes' : 'No'],
    ['Quality profile', profile ? profile.name : '—'], ['Minimum availability', movie.minimumAvailability || '—'],
    ['Path', movie.path || '—'], ['Tags', tagNames.join(', ') || '—'],
    ['Size on disk', movie.hasFile ? bytes(movie.sizeOnDisk) : '—'], ['Added', date(movie.added)],
  ];
  return html`<dl class="facts">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

function Files({ id }) {
  const files = useApi(`/api/v3/moviefile?movieId=${id}`);
  return html`<section aria-labelledby="file-title"><h2 id="file-title">File</h2>
    <${Alert} error=${files.error} />
    ${files.data && files.data.length === 0 && html`<p class="muted">No file yet.</p>`}
    ${files.data && files.data.length > 0 && html`<div class="table-wrap"><table class="stack">
      <thead><tr><th scope="col">Path</th><th scope="col">Quality</th><th scope="col" class="num">Size</th><th scope="col" class="num">Score</th><th scope="col">Added</th></tr></thead>
      <tbody>${files.data.map((f) => html`<tr key=${f.id}><td data-label="Path" class="wrap">${f.relativePath || f.path}</td><td data-label="Quality">${quality(f.quality)}</td>
        <td data-label="Size" class="num">${bytes(f.size)}</td><td data-label="Score" class="num">${f.customFormatScore ?? 0}</td><td data-label="Added">${date(f.dateAdded)}</td></tr>`)}</tbody>
    </table></div>`}
  </section>`;
}

function History({ h }) {
  return html`<section aria-labelledby="history-title"><h2 id="history-title">History</h2>
    <${Alert} error=${h.error} />
    ${h.data && h.data.length === 0 && html`<p class="muted">Nothing happened to this movie yet.</p>`}
    ${h.data && h.data.length > 0 && html`<div class="table-wrap"><table class="stack">
      <thead><tr><th scope="col">Date</th><th scope="col">Event</th><th scope="col">Release</th><th scope="col">Quality</th><th scope="col">Details</th></tr></thead>
      <tbody>${h.data.map((r) => html`<tr key=${r.id}><td data-label="Date">${date(r.date, true)}</td><td data-label="Event">${eventName(r.eventType, r.data)}</td>
        <td data-label="Release" class="wrap">${r.sourceTitle}</td><td data-label="Quality">${quality(r.quality)}</td><td data-label="Details" class="small">${eventDetails(r.data)}</td></tr>`)}</tbody>
    </table></div>`}
  </section>`;
}

export default function MoviePage({ route }) {
  const id = Number(route[1]);
  const valid = Number.isInteger(id) && id > 0;
  const movie = useApi(valid ? `/api/v3/movie/${id}` : null);
  const profiles = useApi('/api/v3/qualityprofile');
  const tags = useApi('/api/v3/tag');
  const [dialog, setDialog] = useState(null);
  const [searching, setSearching] = useState(0);
  const [msg, setMsg] = useState({});
  const history = useApi(valid ? `/api/v3/history/movie?movieId=${id}` : null);
  const title = movie.data && movie.data.title;
  useEffect(() => { if (title) document.title = `${title} · reelarr`; }, [title]);
  if (!valid) return html`<h1>Movie</h1><${Alert} error="This address names no movie." />`;
  if (movie.error && !movie.data) return html`<h1>Movie</h1><${Alert} error=${movie.error} />`;
  const m = movie.data;
  if (!m) return html`<h1 class="loading">Loading…</h1>`;
  const auto = () => {
    setMsg({});
    automaticSearch(id, setMsg).then(() => history.reload()).catch((e) => setMsg({ error: `Automatic search failed: ${e.message}` }));
  };
  return html`<div class="movie-head">
      <${Poster} movie=${m} />
      <div class="movie-info">
        <h1>${m.title}</h1>
        <p class="muted">${m.year || ''}${m.originalTitle && m.originalTitle !== m.title ? ` · ${m.originalTitle}` : ''}
          ${' · '}<span class=${m.hasFile ? 'badge ok' : 'badge warn'}>${m.hasFile ? 'Downloaded' : 'Missing'}</span></p>
        <div class="actions">
          <button type="button" onClick=${() => setSearching((n) => n + 1)}>Interactive search</button>
          <button type="button" class="secondary" onClick=${auto}>Automatic search</button>
          <button type="button" class="secondary" onClick=${() => setDialog('edit')}>Edit</button>
          <button type="button" class="danger" onClick=${() => setDialog('delete')}>Delete</button>
        </div>
        <${Alert} error=${msg.error} />
        <${Status} text=${msg.text} />
        ${m.overview && html`<p class="overview-full">${m.overview}</p>`}
        <${Facts} movie=${m} profiles=${profiles.data} tags=${tags.data} />
      </div>
    </div>
    ${searching > 0 && html`<${Releases} key=${searching} movieId=${id} onGrabbed=${history.reload} />`}
    <${Files} id=${id} />
    <${History} h=${history} />
    ${dialog === 'edit' && html`<${EditDialog} movie=${m} profiles=${profiles.data || []} tags=${tags.data || []}
      onSaved=${() => { setDialog(null); setMsg({ text: 'Saved.' }); movie.reload(); }} onClose=${() => setDialog(null)} />`}
    ${dialog === 'delete' && html`<${DeleteDialog} movie=${m} onClose=${() => setDialog(null)}
      onDeleted=${() => { window.location.hash = '#/movies'; }} />`}`;
}
