// UI preferences kept in the browser (localStorage), shared by the shell, the Movies page and the
// Settings → UI section, so each reads and writes the same keys in one way.

const KEYS = { theme: 'reelarr.theme', moviesView: 'reelarr.moviesView' };

/** A stored preference, or `fallback` when unset or storage is blocked. */
export function getPref(name, fallback) {
  try {
    const v = window.localStorage.getItem(KEYS[name] || `reelarr.${name}`);
    return v === null ? fallback : v;
  } catch {
    return fallback;
  }
}

/** Stores a preference (silently kept in memory only when storage is blocked). */
export function setPref(name, value) {
  try {
    window.localStorage.setItem(KEYS[name] || `reelarr.${name}`, value);
  } catch { /* private mode: the choice lasts until reload */ }
  if (name === 'theme') applyTheme();
}

/** Applies the theme preference ('system', 'light' or 'dark') to <html data-theme>. */
export function applyTheme() {
  const t = getPref('theme', 'system');
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}
