// Custom formats: the list with their conditions, Edit/Delete, Add (empty or pasted as JSON the
// way Radarr exports them and the TRaSH guides publish them; the API accepts both field shapes).
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll } from '../system/poll.js';
import FormatForm from './format-form.js';
import { Msg, useMsg, problem } from './msg.js';

export default function FormatsSection() {
  const list = usePoll('/api/v3/customformat', 0);
  const kinds = usePoll('/api/v3/customformat/schema', 0);
  const [editing, setEditing] = useState(null);
  const [json, setJson] = useState('');
  const [msg, say] = useMsg();
  const done = (text) => { setEditing(null); list.reload(); if (text) say.ok(text); };
  const del = async (f) => {
    if (!window.confirm(`Delete custom format ${f.name}?`)) return;
    try { await api(`/api/v3/customformat/${f.id}`, { method: 'DELETE' }); say.ok(`${f.name} deleted.`); list.reload(); } catch (e) { say.err(`${f.name} not deleted: ${problem(e)}`); }
  };
  const importJson = async (e) => {
    e.preventDefault();
    let body;
    try { body = JSON.parse(json); } catch (err) { say.err(`That is not JSON: ${err.message}`); return; }
    delete body.id;
    try { const r = await api('/api/v3/customformat', { method: 'POST', body }); setJson(''); done(`${r.name} imported.`); } catch (err) { say.err(`Not imported: ${problem(err)}`); }
  };
  return html`<section class="settings-section" aria-labelledby="cf-h">
    <h2 id="cf-h">Custom formats</h2>
    ${list.error ? html`<p role="alert" class="error">Custom formats could not be loaded: ${list.error.message}</p>` : ''}
    <${Msg} msg=${msg} />
    <ul class="provider-list">${(list.data || []).map((f) => html`<li key=${f.id} class="provider-row">
      <span class="name">${f.name}</span>
      <span class="muted">${f.specifications.map((s) => `${s.negate ? 'not ' : ''}${s.name}${s.required ? ' (required)' : ''}`).join(', ')}</span>
      <span class="row">
        <button type="button" class="secondary" aria-label=${`Edit ${f.name}`} onClick=${() => setEditing(f)}>Edit</button>
        <button type="button" class="secondary" aria-label=${`Delete ${f.name}`} onClick=${() => del(f)}>Delete</button>
      </span></li>`)}</ul>
    <div class="row"><button type="button" onClick=${() => setEditing({ name: '', includeCustomFormatWhenRenaming: false, specifications: [] })}>Add custom format</button></div>
    ${editing ? html`<${FormatForm} key=${editing.id || 'new'} format=${editing} kinds=${kinds.data || []} onDone=${done} />` : ''}
    <details><summary>Import from JSON</summary>
      <form onSubmit=${importJson}>
        <div class="field"><label for="cf-json">Custom format JSON</label>
          <textarea id="cf-json" rows="6" value=${json} onInput=${(e) => setJson(e.currentTarget.value)}></textarea></div>
        <button type="submit" disabled=${!json.trim()}>Import</button>
      </form>
    </details>
  </section>`;
}
