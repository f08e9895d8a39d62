// Naming: Radarr's naming config and the media-management options beside it, each a generated
// form over its /api/v3/config resource; only the fields reelarr honours are editable (the file
// name format and hardlinks), the others are shown as fixed.
import { html } from '../../lib/html.js';
import ConfigForm from './config-form.js';

export default function NamingSection() {
  return html`<section class="settings-section" aria-labelledby="naming-h">
    <h2 id="naming-h">Naming</h2>
    <${ConfigForm} path="/api/v3/config/naming" title="Movie naming" idPrefix="naming" editable=${['standardMovieFormat']} />
    <${ConfigForm} path="/api/v3/config/mediamanagement" title="Media management" idPrefix="mm" editable=${['copyUsingHardlinks']} />
  </section>`;
}
