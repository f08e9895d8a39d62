// Quality profiles: the list (cutoff, allowed qualities), Edit/Delete per profile, and Add from
// /api/v3/qualityprofile/schema; the editor is profile-form.js.
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll } from '../system/poll.js';
import ProfileForm from './profile-form.js';
import { Msg, useMsg, problem } from './msg.js';

const names = (p) => p.items.filter((it) => it.allowed).map((it) => (it.quality ? it.quality.name : it.name)).reverse().join(', ');
const cutoffName = (p) => {
  const it = p.items.find((i) => (i.quality ? i.quality.id : i.id) === p.cutoff);
  return it ? (it.quality ? it.quality.name : it.name) : '—';
};

export default function ProfilesSection() {
  const list = usePoll('/api/v3/qualityprofile', 0);
  const [editing, setEditing] = useState(null);
  const [msg, say] = useMsg();
  const add = async () => {
    try { setEditing({ ...(await api('/api/v3/qualityprofile/schema')), name: '' }); } catch (e) { say.err(`Could not start a new profile: ${problem(e)}`); }
  };
  const del = async (p) => {
    if (!window.confirm(`Delete quality profile ${p.name}?`)) return;
    try { await api(`/api/v3/qualityprofile/${p.id}`, { method: 'DELETE' }); say.ok(`${p.name} deleted.`); list.reload(); } catch (e) { say.err(`${p.name} not deleted: ${problem(e)}`); }
  };
  const done = (text) => { setEditing(null); list.reload(); if (text) say.ok(text); };
  return html`<section class="settings-section" aria-labelledby="qp-h">
    <h2 id="qp-h">Quality profiles</h2>
    ${list.error ? html`<p role="alert" class="error">Quality profiles could not be loaded: ${list.error.message}</p>` : ''}
    <${Msg} msg=${msg} />
    <ul class="provider-list">${(list.data || []).map((p) => html`<li key=${p.id} class="provider-row">
      <span class="name">${p.name}</span>
      <span class="muted">until ${cutoffName(p)}${p.upgradeAllowed ? '' : ' (no upgrades)'} · ${names(p)}</span>
      <span class="row">
        <button type="button" class="secondary" aria-label=${`Edit ${p.name}`} onClick=${() => setEditing(p)}>Edit</button>
        <button type="button" class="secondary" aria-label=${`Delete ${p.name}`} onClick=${() => del(p)}>Delete</button>
      </span></li>`)}</ul>
    <div class="row"><button type="button" onClick=${add}>Add quality profile</button></div>
    ${editing ? html`<${ProfileForm} key=${editing.id || 'new'} profile=${editing} onDone=${done} />` : ''}
  </section>`;
}
