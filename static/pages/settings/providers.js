// A provider list (indexers, download clients, notifications) as Radarr's settings show it: each
// configured provider with its implementation and state, a "Test" button per row (POST
// {base}/test with the stored provider), Edit and Delete; "Add" picks an implementation from
// {base}/schema and opens the generated form. A 404 from {base} means this server does not
// offer the section yet, said in words instead of an error.
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll } from '../system/poll.js';
import ProviderForm from './provider-form.js';
import { Msg, useMsg, problem } from './msg.js';

/** Download clients have `enable`, indexers `enable*` switches, notifications `on*` triggers. */
function state(p) {
  if (typeof p.enable === 'boolean') return [p.enable, p.enable ? 'enabled' : 'disabled'];
  const en = Object.keys(p).filter((k) => /^enable[A-Z]/.test(k));
  if (en.length) return en.some((k) => p[k]) ? [true, 'enabled'] : [false, 'disabled'];
  const triggers = Object.keys(p).filter((k) => /^on[A-Z]/.test(k) && p[k]).map((k) => k.slice(2).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
  return triggers.length ? [true, `on ${triggers.join(', ')}`] : [false, 'no triggers'];
}
/** Providers from the config file or environment: ids from 1,000,000, answered 409 on change. */
const readOnly = (p) => p.id >= 1000000;
const note = (p) => (p.message && typeof p.message === 'object' ? p.message.message : p.message);

/** testall answers 400 with `[{id, isValid, validationFailures}]` when one failed. */
function testAllWords(results, items) {
  const bad = (results || []).filter((r) => !r.isValid);
  const name = (id) => (items.find((p) => p.id === id) || { name: `#${id}` }).name;
  return bad.map((r) => `${name(r.id)}: ${(r.validationFailures || []).map((v) => v.errorMessage).join(', ')}`).join('; ');
}

export default function ProviderSection({ base, title, noun }) {
  const list = usePoll(base, 0);
  const [schema, setSchema] = useState(null);
  const [editing, setEditing] = useState(null);
  const [msg, say] = useMsg();
  if (list.error && list.error.status === 404) {
    return html`<section class="settings-section"><h2>${title}</h2>
      <p role="status" class="muted">${title} are not available on this server yet (${base} answered 404).</p></section>`;
  }
  const act = async (what, fn) => {
    say.clear();
    try { say.ok(await fn()); } catch (e) { say.err(`${what} failed: ${problem(e)}`); }
  };
  const test = (p) => act(`Test of ${p.name}`, async () => {
    await api(`${base}/test`, { method: 'POST', body: p });
    return `Test passed: ${p.name} answered.`;
  });
  const testAll = async () => {
    say.clear();
    try {
      const res = await api(`${base}/testall`, { method: 'POST' });
      const bad = testAllWords(res, items);
      if (bad) say.err(`Test all: ${bad}`); else say.ok(`All ${noun}s passed.`);
    } catch (e) {
      const bad = Array.isArray(e.body) && e.body.length && 'isValid' in e.body[0] ? testAllWords(e.body, items) : '';
      say.err(`Test all failed: ${bad || problem(e)}`);
    }
  };
  const del = (p) => {
    if (!window.confirm(`Delete ${p.name}?`)) return;
    act(`Deleting ${p.name}`, async () => { await api(`${base}/${p.id}`, { method: 'DELETE' }); list.reload(); return `${p.name} deleted.`; });
  };
  const loadSchema = () => act('Loading the implementations', async () => { setSchema(await api(`${base}/schema`)); return null; });
  const done = (text) => { setEditing(null); setSchema(null); list.reload(); if (text) say.ok(text); };
  const items = list.data || [];
  return html`<section class="settings-section" aria-labelledby=${base + '-h'}>
    <h2 id=${base + '-h'}>${title}</h2>
    ${list.error ? html`<p role="alert" class="error">${title} could not be loaded: ${list.error.message}</p>` : ''}
    <${Msg} msg=${msg && msg.text ? msg : null} />
    ${list.loaded && !items.length && !list.error ? html`<p class="muted">No ${noun}s yet.</p>` : ''}
    <ul class="provider-list">
      ${items.map((p) => html`<li key=${p.id} class="provider-row">
        <span class="name">${p.name}</span>
        <span class="muted">${p.implementationName || p.implementation}${p.protocol ? ` · ${p.protocol}` : ''}</span>
        <span class=${state(p)[0] ? 'ok-line' : 'muted'}>${state(p)[1]}</span>
        <span class="row">
          <button type="button" class="secondary" aria-label=${`Test ${p.name}`} onClick=${() => test(p)}>Test</button>
          ${readOnly(p) ? '' : html`<button type="button" class="secondary" aria-label=${`Edit ${p.name}`}
            onClick=${() => { setSchema(null); setEditing(p); }}>Edit</button>
          <button type="button" class="secondary" aria-label=${`Delete ${p.name}`} onClick=${() => del(p)}>Delete</button>`}
        </span>
        ${note(p) ? html`<span class="muted small note">${note(p)}</span>` : ''}
      </li>`)}
    </ul>
    <div class="row">
      <button type="button" onClick=${loadSchema}>Add ${noun}</button>
      ${items.length ? html`<button type="button" class="secondary" onClick=${testAll}>Test all</button>` : ''}
    </div>
    ${schema && !editing ? html`<div class="impl-pick" role="group" aria-label=${`Choose the kind of ${noun}`}>
      ${schema.map((s) => html`<button type="button" class="secondary" key=${s.implementation}
        onClick=${() => setEditing({ ...s, name: s.name || s.implementationName })}>${s.implementationName}</button>`)}
    </div>` : ''}
    ${editing ? html`<${ProviderForm} key=${editing.id || editing.implementation} base=${base} noun=${noun} item=${editing} onDone=${done} />` : ''}
  </section>`;
}
