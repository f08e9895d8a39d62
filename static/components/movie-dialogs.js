// The movie page's two dialogs: edit (monitored, profile, availability, path, tags; PUT) and delete
// (optionally with its files; DELETE ?deleteFiles=).
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Modal, useFormSubmit } from './dialog.js';
import { Alert } from './notice.js';

export function EditDialog({ movie, profiles, tags, onSaved, onClose }) {
  const { error, busy, submit } = useFormSubmit(async (f) => {
    const chosen = tags.filter((t) => f[`tag-${t.id}`].checked).map((t) => t.id);
    const saved = await api(`/api/v3/movie/${movie.id}`, {
      method: 'PUT',
      body: {
        id: movie.id, monitored: f.monitored.checked, qualityProfileId: Number(f.profile.value),
        minimumAvailability: f.availability.value, path: f.path.value, tags: chosen,
      },
    });
    onSaved(saved);
  });
  const has = new Set(movie.tags || []);
  return html`<${Modal} title=${`Edit ${movie.title}`} onClose=${onClose} labelId="edit-title">
    <form onSubmit=${submit}>
      <label class="check"><input type="checkbox" name="monitored" checked=${movie.monitored} /> Monitored</label>
      <label>Quality profile <select name="profile" value=${String(movie.qualityProfileId)}>
        ${profiles.map((p) => html`<option value=${String(p.id)}>${p.name}</option>`)}</select></label>
      <label>Minimum availability <select name="availability" value=${movie.minimumAvailability || 'released'}>
        <option value="released">Released</option><option value="inCinemas">In cinemas</option>
        <option value="announced">Announced</option></select></label>
      <label>Path <input name="path" value=${movie.path || ''} required /></label>
      <fieldset class="tags"><legend>Tags</legend>
        ${tags.length === 0 && html`<p class="muted">No tags yet.</p>`}
        ${tags.map((t) => html`<label class="check"><input type="checkbox" name=${`tag-${t.id}`} checked=${has.has(t.id)} /> ${t.label}</label>`)}
      </fieldset>
      <${Alert} error=${error} />
      <div class="actions">
        <button type="submit" disabled=${busy}>Save</button>
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
      </div>
    </form>
  <//>`;
}

export function DeleteDialog({ movie, onDeleted, onClose }) {
  const { error, busy, submit } = useFormSubmit(async (f) => {
    const files = f.files.checked;
    await api(`/api/v3/movie/${movie.id}?deleteFiles=${files}`, { method: 'DELETE' });
    onDeleted();
  });
  return html`<${Modal} title=${`Delete ${movie.title}?`} onClose=${onClose} labelId="delete-title">
    <form onSubmit=${submit}>
      <p>The movie leaves the library${movie.path ? html`; its folder is <code>${movie.path}</code>` : ''}.</p>
      <label class="check"><input type="checkbox" name="files" /> Delete files</label>
      <p class="muted">With “Delete files”, the movie's folder and everything in it are deleted from disk.</p>
      <${Alert} error=${error} />
      <div class="actions">
        <button type="submit" class="danger" disabled=${busy}>Yes, delete</button>
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
      </div>
    </form>
  <//>`;
}
