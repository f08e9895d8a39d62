// UI preferences kept in this browser (localStorage), shared by the Settings page that edits them
// and the shell/pages that follow them: the theme override and the Movies page's default view.
// Theme: `<html data-theme="light|dark">` overrides prefers-color-scheme; absent = follow the system.

const KEYS = { theme: 'reelarr.theme', moviesView: 'reelarr.moviesView' };
const DEFAULTS = { theme: 'system', moviesView: 'posters' };

/** The stored preference `name` ('theme' | 'moviesView'), or its default. */
export function getPref(name) {
  try {
    return localStorage.getItem(KEYS[name]) || DEFAULTS[name];
  } catch {
    return DEFAULTS[name];
  }
}

/** Stores a preference (the default value removes the key) and applies the theme at once. */
export function setPref(name, value) {
  try {
    if (value === DEFAULTS[name]) localStorage.removeItem(KEYS[name]);
    else localStorage.setItem(KEYS[name], value);
  } catch { /* private mode: the choice lasts for this page only */ }
  if (name === 'theme') applyTheme();
}

/** Sets or clears `data-theme` on <html> from the stored choice; the shell calls it at start. */
export function applyTheme() {
  const t = getPref('theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}
