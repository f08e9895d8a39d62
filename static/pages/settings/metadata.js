// Metadata: TMDB's API key. The server never answers the key (only "********" when set) and the
// box never shows it; an empty save removes it, and an environment- or file-set key is read-only
// here, as /api/v1/settings/tmdb says.
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll } from '../system/poll.js';
import { Msg, useMsg, problem } from './msg.js';

const SOURCES = { environment: 'set by the environment or the config file', database: 'set here', unset: 'not set' };

export default function MetadataSection() {
  const cur = usePoll('/api/v1/settings/tmdb', 0);
  const [key, setKey] = useState('');
  const [msg, say] = useMsg();
  const t = cur.data;
  const save = async (e, value) => {
    e.preventDefault();
    try {
      const r = await api('/api/v1/settings/tmdb', { method: 'PUT', body: { apiKey: value } });
      setKey('');
      cur.reload();
      say.ok(value ? `TMDB key saved${r && r.message ? `: ${r.message}` : '.'}` : 'TMDB key removed.');
    } catch (err) {
      say.err(`Not saved: ${problem(err)}`);
    }
  };
  return html`<section class="settings-section" aria-labelledby="tmdb-h">
    <h2 id="tmdb-h">Metadata</h2>
    ${cur.error ? html`<p role="alert" class="error">TMDB settings could not be loaded: ${cur.error.message}</p>` : ''}
    ${t ? html`<dl class="kv">
      <div><dt>API key</dt><dd>${t.apiKey ? 'set (hidden)' : 'none'} — ${SOURCES[t.source] || t.source}</dd></div>
      <div><dt>API URL</dt><dd>${t.apiUrl}</dd></div>
      ${t.message ? html`<div><dt>Note</dt><dd>${t.message}</dd></div>` : ''}
    </dl>` : ''}
    ${t && t.readOnly ? html`<p class="muted">The key comes from TMDB_API_KEY or [tmdb] api_key; change it there.</p>` : ''}
    <form onSubmit=${(e) => save(e, key)} class="narrow">
      <div class="field"><label for="tmdb-key">TMDB API key</label>
        <input id="tmdb-key" type="password" autocomplete="off" value=${key} disabled=${t && t.readOnly}
          placeholder=${t && t.apiKey ? '******** (unchanged)' : ''} onInput=${(e) => setKey(e.currentTarget.value)} /></div>
      <div class="row">
        <button type="submit" disabled=${(t && t.readOnly) || !key}>Save key</button>
        ${t && t.apiKey && !t.readOnly ? html`<button type="button" class="secondary" onClick=${(e) => save(e, '')}>Remove key</button>` : ''}
      </div>
      <${Msg} msg=${msg} />
    </form>
  </section>`;
}
