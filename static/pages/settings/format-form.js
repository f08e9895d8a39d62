// One custom format's editor: name, "include when renaming", and its conditions
// (specifications), each with negate/required switches and its schema fields; a new condition
// starts from /api/v3/customformat/schema. Save PUTs or POSTs the whole format.
import { html, useState, useEffect, useRef } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import FieldInput from './field.js';
import { Msg, useMsg, problem } from './msg.js';

export default function FormatForm({ format, kinds, onDone }) {
  const [f, setF] = useState(() => JSON.parse(JSON.stringify(format)));
  const [kind, setKind] = useState('');
  const [msg, say] = useMsg();
  // Keyboard users land in the form that just opened.
  const first = useRef(null);
  useEffect(() => { if (first.current) first.current.focus(); }, []);
  const pre = `cf-${f.id || 'new'}`;
  const set = (k, v) => setF({ ...f, [k]: v });
  const setSpec = (i, s) => set('specifications', f.specifications.map((x, j) => (j === i ? s : x)));
  const addSpec = () => {
    const k = kinds.find((x) => x.implementation === kind);
    if (k) set('specifications', [...f.specifications, { ...JSON.parse(JSON.stringify(k)), name: k.implementationName }]);
  };
  const save = async (e) => {
    e.preventDefault();
    try {
      const r = f.id ? await api(`/api/v3/customformat/${f.id}`, { method: 'PUT', body: f })
        : await api('/api/v3/customformat', { method: 'POST', body: f });
      onDone(`${r.name} saved.`);
    } catch (err) { say.err(`Not saved: ${problem(err)}`); }
  };
  return html`<form class="card-box format-form" onSubmit=${save} aria-label=${f.id ? `Edit ${format.name}` : 'Add custom format'}>
    <h3>${f.id ? `Edit ${format.name}` : 'Add custom format'}</h3>
    <div class="field"><label for=${pre + '-name'}>Format name</label>
      <input ref=${first} id=${pre + '-name'} required value=${f.name} onInput=${(e) => set('name', e.currentTarget.value)} /></div>
    <label class="check"><input type="checkbox" checked=${f.includeCustomFormatWhenRenaming}
      onChange=${(e) => set('includeCustomFormatWhenRenaming', e.currentTarget.checked)} /> Include in {Custom Formats} when renaming</label>
    ${f.specifications.map((s, i) => html`<fieldset key=${i} class="spec">
      <legend>Condition ${i + 1}: ${s.implementationName || s.implementation}</legend>
      <div class="field"><label for=${`${pre}-s${i}-name`}>Condition name</label>
        <input id=${`${pre}-s${i}-name`} value=${s.name} onInput=${(e) => setSpec(i, { ...s, name: e.currentTarget.value })} /></div>
      <div class="checks">
        <label class="check"><input type="checkbox" checked=${s.negate} onChange=${(e) => setSpec(i, { ...s, negate: e.currentTarget.checked })} /> Negate</label>
        <label class="check"><input type="checkbox" checked=${s.required} onChange=${(e) => setSpec(i, { ...s, required: e.currentTarget.checked })} /> Required</label>
      </div>
      ${(s.fields || []).map((fd) => html`<${FieldInput} key=${fd.name} field=${fd} value=${fd.value} idPrefix=${`${pre}-s${i}`}
        onChange=${(v) => setSpec(i, { ...s, fields: s.fields.map((x) => (x.name === fd.name ? { ...x, value: v } : x)) })} />`)}
      <button type="button" class="secondary" onClick=${() => set('specifications', f.specifications.filter((_, j) => j !== i))}>Remove condition ${i + 1}</button>
    </fieldset>`)}
    <div class="row">
      <label for=${pre + '-kind'} class="inline">New condition</label>
      <select id=${pre + '-kind'} value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
        <option value="">Choose a kind…</option>
        ${kinds.map((k) => html`<option key=${k.implementation} value=${k.implementation}>${k.implementationName}</option>`)}
      </select>
      <button type="button" class="secondary" disabled=${!kind} onClick=${addSpec}>Add condition</button>
    </div>
    <div class="row"><button type="submit">Save</button>
      <button type="button" class="secondary" onClick=${() => onDone(null)}>Cancel</button></div>
    <${Msg} msg=${msg} />
  </form>`;
}
