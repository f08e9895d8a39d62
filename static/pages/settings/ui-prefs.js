// UI preferences, stored in this browser only (lib/prefs.js): theme override and the Movies
// page's default view. Applied at once; nothing is sent to the server.
import { html, useState } from '../../lib/html.js';
import { getPref, setPref } from '../../lib/prefs.js';

export default function UiSection() {
  const [theme, setTheme] = useState(getPref('theme', 'system'));
  const [view, setView] = useState(getPref('moviesView', 'posters'));
  const [saved, setSaved] = useState('');
  const change = (name, set, label) => (e) => {
    const v = e.currentTarget.value;
    setPref(name, v);
    set(v);
    setSaved(`${label} saved in this browser.`);
  };
  return html`<section class="settings-section" aria-labelledby="ui-h">
    <h2 id="ui-h">UI</h2>
    <p class="muted">Kept in this browser only.</p>
    <div class="field narrow"><label for="pref-theme">Theme</label>
      <select id="pref-theme" value=${theme} onChange=${change('theme', setTheme, 'Theme')}>
        <option value="system">Follow the system</option><option value="light">Light</option><option value="dark">Dark</option>
      </select></div>
    <div class="field narrow"><label for="pref-view">Default movies view</label>
      <select id="pref-view" value=${view} onChange=${change('moviesView', setView, 'Default movies view')}>
        <option value="posters">Posters</option><option value="table">Table</option>
      </select></div>
    <p role="status" class="ok-line">${saved}</p>
  </section>`;
}
