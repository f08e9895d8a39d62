// The "add this movie" dialog: quality profile, root folder, monitor, minimum availability and
// search on add, then POST /api/v3/movie. The profile and folder chosen last are preselected.
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { getPref, setPref } from '../lib/prefs.js';
import { Modal, useFormSubmit } from './dialog.js';
import { Alert } from './notice.js';

export function AddDialog({ movie, profiles, folders, onAdded, onClose }) {
  const { error, busy, submit } = useFormSubmit(async (f) => {
    const added = await api('/api/v3/movie', {
      method: 'POST',
      body: {
        tmdbId: movie.tmdbId, title: movie.title, year: movie.year,
        qualityProfileId: Number(f.profile.value), rootFolderPath: f.folder.value,
        monitored: f.monitor.value !== 'none', minimumAvailability: f.availability.value,
        addOptions: { searchForMovie: f.search.checked },
      },
    });
    setPref('addProfile', f.profile.value);
    setPref('addFolder', f.folder.value);
    onAdded(added);
  });
  // The last choices are offered again (when they still exist).
  const lastProfile = getPref('addProfile', '');
  const lastFolder = getPref('addFolder', '');
  const profile = profiles.some((p) => String(p.id) === lastProfile) ? lastProfile : String((profiles[0] || {}).id || '');
  const folder = folders.some((r) => r.path === lastFolder) ? lastFolder : (folders[0] || {}).path || '';
  const missing = !profiles.length ? 'There is no quality profile yet: add one in Settings → Quality profiles.'
    : !folders.length ? 'There is no root folder yet: add one in Settings → Root folders.' : null;
  return html`<${Modal} title=${`Add ${movie.title}${movie.year ? ` (${movie.year})` : ''}`} onClose=${onClose} labelId="add-title">
    <form onSubmit=${submit}>
      <label>Quality profile <select name="profile" required value=${profile}>
        ${profiles.map((p) => html`<option value=${String(p.id)}>${p.name}</option>`)}</select></label>
      <label>Root folder <select name="folder" required value=${folder}>
        ${folders.map((r) => html`<option value=${r.path}>${r.path}</option>`)}</select></label>
      <label>Monitor <select name="monitor">
        <option value="movieOnly">Movie only</option><option value="none">None</option></select></label>
      <label>Minimum availability <select name="availability">
        <option value="released">Released</option><option value="inCinemas">In cinemas</option>
        <option value="announced">Announced</option></select></label>
      <label class="check"><input type="checkbox" name="search" /> Search on add</label>
      <${Alert} error=${missing || error} />
      <div class="actions">
        <button type="submit" disabled=${busy || !!missing}>Add movie</button>
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
      </div>
    </form>
  <//>`;
}
