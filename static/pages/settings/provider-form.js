// Add or edit one provider (indexer, download client, notification) in Radarr's shape: the name,
// the implementation's on/off switches and priority, then a control per schema field. "Test"
// posts the form as it stands to {base}/test; "Save" POSTs a new one or PUTs {base}/{id}.
import { html, useState, useEffect, useRef } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import FieldInput from './field.js';
import { Msg, useMsg, problem } from './msg.js';

/** Top-level switches shown as checkboxes: enable*, on* (when the implementation supports it). */
function switches(item) {
  return Object.keys(item).filter((k) => typeof item[k] === 'boolean'
    && (/^enable/.test(k) || (/^on[A-Z]/.test(k) && item['supports' + k[0].toUpperCase() + k.slice(1)] !== false)
      || k === 'includeHealthWarnings'));
}
/** "enableAutomaticSearch" → "Enable automatic search". */
const words = (k) => k.replace(/([A-Z])/g, ' $1').toLowerCase().replace(/^./, (c) => c.toUpperCase());

export default function ProviderForm({ base, noun, item, onDone }) {
  const [p, setP] = useState(() => JSON.parse(JSON.stringify(item)));
  const [showAdv, setShowAdv] = useState(false);
  const [msg, say] = useMsg();
  // Keyboard users land in the form that just opened.
  const first = useRef(null);
  useEffect(() => { if (first.current) first.current.focus(); }, []);
  const [busy, setBusy] = useState(false);
  const idPrefix = `${base.split('/').pop()}-${p.id || 'new'}`;
  const set = (k, v) => setP({ ...p, [k]: v });
  const setField = (name, v) => setP({ ...p, fields: p.fields.map((f) => (f.name === name ? { ...f, value: v } : f)) });
  // While busy, buttons stay focusable (aria-disabled) and ignore clicks: disabling drops the focus.
  const call = async (what, fn) => {
    if (busy) return;
    setBusy(true);
    say.clear();
    try { await fn(); } catch (e) { say.err(`${what} failed: ${problem(e)}`); } finally { setBusy(false); }
  };
  const test = () => call('Test', async () => {
    await api(`${base}/test`, { method: 'POST', body: p });
    say.ok(`Test passed: ${p.name || p.implementationName} answered.`);
  });
  // A save tests the provider first (as in Radarr); after a refusal "Save anyway" skips the test.
  const [refused, setRefused] = useState(false);
  const save = (e, force) => {
    e.preventDefault();
    const q = force ? '?forceSave=true' : '';
    call('Saving', async () => {
      try {
        const saved = p.id
          ? await api(`${base}/${p.id}${q}`, { method: 'PUT', body: p })
          : await api(`${base}${q}`, { method: 'POST', body: p });
        onDone(`${saved.name} saved.`);
      } catch (err) {
        setRefused(err.status === 400);
        throw err;
      }
    });
  };
  const fields = (p.fields || []).filter((f) => showAdv || !f.advanced);
  const hasAdv = (p.fields || []).some((f) => f.advanced);
  return html`<form class="provider-form card-box" onSubmit=${save} aria-label=${`${p.id ? 'Edit' : 'Add'} ${noun}`}>
    <h3>${p.id ? `Edit ${p.name}` : `Add ${noun}: ${p.implementationName || p.implementation}`}</h3>
    <div class="field"><label for=${idPrefix + '-name'}>Name</label>
      <input ref=${first} id=${idPrefix + '-name'} required value=${p.name || ''} onInput=${(e) => set('name', e.currentTarget.value)} /></div>
    <div class="checks">${switches(p).map((k) => html`<label key=${k} class="check">
      <input type="checkbox" checked=${p[k]} onChange=${(e) => set(k, e.currentTarget.checked)} /> ${words(k)}</label>`)}</div>
    ${'priority' in p ? html`<div class="field"><label for=${idPrefix + '-priority'}>Priority</label>
      <input id=${idPrefix + '-priority'} type="number" min="1" max="50" value=${p.priority}
        onInput=${(e) => set('priority', Number(e.currentTarget.value))} /></div>` : ''}
    ${fields.map((f) => html`<${FieldInput} key=${f.name} field=${f} value=${f.value} idPrefix=${idPrefix}
      onChange=${(v) => setField(f.name, v)} />`)}
    ${hasAdv ? html`<label class="check"><input type="checkbox" checked=${showAdv}
      onChange=${(e) => setShowAdv(e.currentTarget.checked)} /> Show advanced settings</label>` : ''}
    <div class="row">
      <button type="submit" aria-disabled=${busy ? 'true' : undefined}>Save</button>
      <button type="button" class="secondary" aria-disabled=${busy ? 'true' : undefined} onClick=${test}>Test</button>
      ${refused ? html`<button type="button" class="secondary" aria-disabled=${busy ? 'true' : undefined} onClick=${(e) => save(e, true)}>Save anyway</button>` : ''}
      <button type="button" class="secondary" onClick=${() => onDone(null)}>Cancel</button>
    </div>
    <${Msg} msg=${msg} />
  </form>`;
}
