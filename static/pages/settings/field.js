// One Radarr-style provider field (`{name, label, type, value, selectOptions, helpText, privacy}`
// from a /schema endpoint) as a labelled control. Secrets arrive as "********": the input stays
// a password box and sending "********" back keeps the stored value, as the API documents.
import { html } from '../../lib/html.js';

const listText = (v) => (Array.isArray(v) ? v.join(', ') : v ?? '');
const parseList = (s) => s.split(/[\s,]+/).filter(Boolean).map((x) => (/^-?\d+$/.test(x) ? Number(x) : x));

/** `onChange(newValue)` gets a value of the field's own JSON type. */
export default function FieldInput({ field, value, onChange, idPrefix }) {
  const id = `${idPrefix}-${field.name}`;
  const help = field.helpText ? html`<small id=${id + '-help'} class="muted">${field.helpText}</small>` : '';
  const described = field.helpText ? id + '-help' : undefined;
  const label = field.label || field.name;
  const opts = field.selectOptions || [];
  if (field.type === 'checkbox') {
    return html`<div class="field check"><label><input type="checkbox" checked=${!!value} aria-describedby=${described}
      onChange=${(e) => onChange(e.currentTarget.checked)} /> ${label}</label>${help}</div>`;
  }
  if (field.type === 'select' && opts.length) {
    const multi = Array.isArray(value);
    const pick = (e) => {
      const sel = [...e.currentTarget.selectedOptions].map((o) => Number(o.value));
      onChange(multi ? sel : sel[0]);
    };
    return html`<div class="field"><label for=${id}>${label}</label>
      <select id=${id} multiple=${multi} aria-describedby=${described} onChange=${pick}>
        ${opts.map((o) => html`<option key=${o.value} value=${o.value}
          selected=${multi ? value.includes(o.value) : value === o.value}>${o.name}</option>`)}
      </select>${help}</div>`;
  }
  if (Array.isArray(value) || field.type === 'select' || field.type === 'tag') {
    return html`<div class="field"><label for=${id}>${label}</label>
      <input id=${id} type="text" value=${listText(value)} aria-describedby=${described}
        onInput=${(e) => onChange(parseList(e.currentTarget.value))} />
      <small class="muted">Separate values with commas.</small>${help}</div>`;
  }
  const secret = field.type === 'password' || field.privacy === 'apiKey' || field.privacy === 'password';
  const type = secret ? 'password' : field.type === 'number' ? 'number' : field.type === 'url' ? 'url' : 'text';
  const read = (e) => {
    const s = e.currentTarget.value;
    onChange(type === 'number' ? (s === '' ? null : Number(s)) : s);
  };
  return html`<div class="field"><label for=${id}>${label}</label>
    <input id=${id} type=${type} value=${value ?? ''} step=${type === 'number' ? 'any' : undefined}
      autocomplete=${secret ? 'new-password' : 'off'} aria-describedby=${described} onInput=${read} />${help}</div>`;
}
