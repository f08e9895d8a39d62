// Interactive search: every release the indexers offer for a movie (GET /api/v3/release?movieId=)
// with the decision engine's verdict, and a Grab button per release (POST /api/v3/release).
import { html, useEffect, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { getWithHeaders } from './api-headers.js';
import { Alert, Status } from './notice.js';
import { bytes, quality } from './format.js';

/** The grab's outcome in words: sent now, kept in the journal until qBittorrent is back, or a repeat. */
function grabbedText(r) {
  if (r.grabOutcome === 'queued') return `Grabbed ${r.title}; it will be sent when qBittorrent is back.`;
  if (r.grabOutcome === 'duplicate') return `Grabbed ${r.title} already; it is in the queue.`;
  return `Grabbed ${r.title}; sent to qBittorrent.`;
}

export function Releases({ movieId, onGrabbed }) {
  const [state, setState] = useState({ releases: null, warnings: null, error: null });
  const [msg, setMsg] = useState({ text: null, error: null });
  const [busy, setBusy] = useState(null);
  useEffect(() => {
    let live = true;
    getWithHeaders(`/api/v3/release?movieId=${movieId}`)
      .then(({ body, headers }) => live && setState({ releases: body || [], warnings: headers.get('x-reelarr-indexer-warnings'), error: null }))
      .catch((e) => live && setState({ releases: null, warnings: null, error: e }));
    return () => { live = false; };
  }, [movieId]);
  const grab = async (r) => {
    setBusy(r.guid);
    setMsg({ text: null, error: null });
    try {
      const out = await api('/api/v3/release', { method: 'POST', body: { guid: r.guid, movieId } });
      setMsg({ text: grabbedText(out), error: null });
      if (onGrabbed) onGrabbed();
    } catch (e) {
      setMsg({ text: null, error: `Grabbing ${r.title} failed: ${e.message}` });
    } finally {
      setBusy(null);
    }
  };
  return html`<section aria-labelledby="releases-title">
    <h2 id="releases-title">Releases</h2>
    <${Alert} error=${state.error || msg.error} />
    <${Status} text=${msg.text} />
    ${state.warnings && html`<${Status} kind="warn" text=${`Some indexers were skipped: ${state.warnings}`} />`}
    ${!state.releases && !state.error && html`<p class="muted" role="status">Searching the indexers…</p>`}
    ${state.releases && state.releases.length === 0 && html`<p class="empty">No release found.</p>`}
    ${state.releases && state.releases.length > 0 && html`<div class="table-wrap"><table class="stack releases">
      <thead><tr>
        <th scope="col">Release</th><th scope="col">Quality</th><th scope="col" class="num">Size</th>
        <th scope="col" class="num">Seeders</th><th scope="col">Indexer</th><th scope="col" class="num">Score</th>
        <th scope="col">Rejections</th><td></td>
      </tr></thead>
      <tbody>${state.releases.map((r) => html`<tr key=${r.guid} class=${r.rejected ? 'rejected' : ''}>
        <td data-label="Release" class="wrap">${r.title}</td>
        <td data-label="Quality">${quality(r.quality)}</td>
        <td data-label="Size" class="num">${bytes(r.size)}</td>
        <td data-label="Seeders" class="num">${r.seeders ?? '—'}</td>
        <td data-label="Indexer">${r.indexer}</td>
        <td data-label="Score" class="num">${r.customFormatScore ?? 0}</td>
        <td data-label="Rejections">${(r.rejections || []).length ? html`<ul class="reasons">${r.rejections.map((x) => html`<li>${x}</li>`)}</ul>` : html`<span class="badge ok">Approved</span>`}</td>
        <td class="cell-actions"><button type="button" class="small" aria-label=${`Grab ${r.title}`} disabled=${busy === r.guid || r.downloadAllowed === false}
          onClick=${() => grab(r)}>Grab</button></td>
      </tr>`)}</tbody>
    </table></div>`}
  </section>`;
}
