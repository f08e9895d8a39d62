// One quality profile's editor: name, upgrades, cutoff (among the allowed qualities), which
// qualities are allowed (best first, as Radarr lists them), and the custom-format scores with
// their minimum and cutoff. Save PUTs it (or POSTs a new one built from /qualityprofile/schema).
import { html, useState, useEffect, useRef } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { Msg, useMsg, problem } from './msg.js';

const itemId = (it) => (it.quality ? it.quality.id : it.id);
const itemName = (it) => (it.quality ? it.quality.name : it.name);

export default function ProfileForm({ profile, onDone }) {
  const [p, setP] = useState(() => JSON.parse(JSON.stringify(profile)));
  const [msg, say] = useMsg();
  // Keyboard users land in the form that just opened.
  const first = useRef(null);
  useEffect(() => { if (first.current) first.current.focus(); }, []);
  const pre = `qp-${p.id || 'new'}`;
  const set = (k, v) => setP({ ...p, [k]: v });
  const allow = (id, on) => set('items', p.items.map((it) => (itemId(it) === id ? { ...it, allowed: on } : it)));
  const score = (fmt, v) => set('formatItems', p.formatItems.map((f) => (f.format === fmt ? { ...f, score: Number(v) } : f)));
  const allowed = p.items.filter((it) => it.allowed);
  const save = async (e) => {
    e.preventDefault();
    try {
      const r = p.id ? await api(`/api/v3/qualityprofile/${p.id}`, { method: 'PUT', body: p })
        : await api('/api/v3/qualityprofile', { method: 'POST', body: p });
      onDone(`${r.name} saved.`);
    } catch (err) { say.err(`Not saved: ${problem(err)}`); }
  };
  const num = (k, label) => html`<div class="field"><label for=${`${pre}-${k}`}>${label}</label>
    <input id=${`${pre}-${k}`} type="number" step="1" value=${p[k] ?? 0} onInput=${(e) => set(k, Number(e.currentTarget.value))} /></div>`;
  return html`<form class="card-box profile-form" onSubmit=${save} aria-label=${p.id ? `Edit ${profile.name}` : 'Add quality profile'}>
    <h3>${p.id ? `Edit ${profile.name}` : 'Add quality profile'}</h3>
    <div class="form-grid">
      <div class="field"><label for=${pre + '-name'}>Profile name</label>
        <input ref=${first} id=${pre + '-name'} required value=${p.name || ''} onInput=${(e) => set('name', e.currentTarget.value)} /></div>
      <div class="field check"><label><input type="checkbox" checked=${p.upgradeAllowed}
        onChange=${(e) => set('upgradeAllowed', e.currentTarget.checked)} /> Upgrades allowed</label></div>
      <div class="field"><label for=${pre + '-cutoff'}>Upgrade until</label>
        <select id=${pre + '-cutoff'} value=${p.cutoff} onChange=${(e) => set('cutoff', Number(e.currentTarget.value))}>
          ${allowed.map((it) => html`<option key=${itemId(it)} value=${itemId(it)}>${itemName(it)}</option>`)}
        </select></div>
      ${num('minFormatScore', 'Minimum custom format score')}
      ${num('cutoffFormatScore', 'Upgrade until custom format score')}
    </div>
    <fieldset><legend>Allowed qualities</legend>
      <div class="checks cols">${[...p.items].reverse().map((it) => html`<label key=${itemId(it)} class="check">
        <input type="checkbox" checked=${it.allowed} onChange=${(e) => allow(itemId(it), e.currentTarget.checked)} /> ${itemName(it)}</label>`)}</div>
    </fieldset>
    ${(p.formatItems || []).length ? html`<fieldset><legend>Custom format scores</legend>
      <div class="form-grid">${p.formatItems.map((f) => html`<div class="field" key=${f.format}>
        <label for=${`${pre}-cf-${f.format}`}>${f.name}</label>
        <input id=${`${pre}-cf-${f.format}`} type="number" step="1" value=${f.score} onInput=${(e) => score(f.format, e.currentTarget.value)} /></div>`)}</div>
    </fieldset>` : ''}
    <div class="row"><button type="submit">Save</button>
      <button type="button" class="secondary" onClick=${() => onDone(null)}>Cancel</button></div>
    <${Msg} msg=${msg} />
  </form>`;
}
