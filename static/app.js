// The app shell: checks the session, forces the change of the generated first password, shows the
// main navigation and routes between page modules by the URL hash (#/movies, #/movie/12, ...).
// Each page module's default export is a component receiving `{route}` (the hash path split on '/').
import { html, render, useEffect, useState } from './lib/html.js';
import { api } from './lib/api.js';
import { applyTheme } from './lib/prefs.js';
import { PasswordDialog } from './components/password-dialog.js';
import { Alert } from './components/notice.js';

/** Route name → page module, loaded on first visit. */
const PAGES = {
  movies: () => import('./pages/movies.js'),
  add: () => import('./pages/add.js'),
  movie: () => import('./pages/movie.js'),
  activity: () => import('./pages/activity.js'),
  wanted: () => import('./pages/wanted.js'),
  system: () => import('./pages/system.js'),
  settings: () => import('./pages/settings.js'),
};

const NAV = [
  ['movies', 'Movies'], ['add', 'Add movie'], ['activity', 'Activity'],
  ['wanted', 'Wanted'], ['system', 'System'], ['settings', 'Settings'],
];

/** The hash path as parts: "#/movie/12" → ['movie', '12']; unknown or empty → ['movies']. */
function currentRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return parts.length && PAGES[parts[0]] ? parts : ['movies'];
}

function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Page modules already loaded, so a revisit renders at once. */
const loadedPages = new Map();

/** Loads the route's module on first visit (nothing is shown meanwhile), then renders it. */
function Page({ route }) {
  const name = route[0];
  const [, setTick] = useState(0);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (loadedPages.has(name)) return undefined;
    let live = true;
    PAGES[name]()
      .then((m) => { loadedPages.set(name, m.default); if (live) setTick((t) => t + 1); })
      .catch((e) => { if (live) setError(new Error(`This page could not be loaded: ${e.message}`)); });
    return () => { live = false; };
  }, [name]);
  if (error) return html`<h1>Error</h1><${Alert} error=${error} />`;
  const Comp = loadedPages.get(name);
  if (!Comp) return null;
  // Keyed by the whole route so a page starts fresh when its parameters change (#/movie/1 → /2).
  return html`<${Comp} key=${route.join('/')} route=${route} />`;
}

function Shell({ session }) {
  const route = useRoute();
  const [mustChange, setMustChange] = useState(!!session.mustChangePassword);
  const [error, setError] = useState(null);
  useEffect(() => {
    window.scrollTo(0, 0);
    const label = (NAV.find(([r]) => r === route[0]) || [null, 'Movie'])[1];
    document.title = `${label} · reelarr`;
  }, [route.join('/')]);
  const logout = async () => {
    try {
      await fetch('/logout', { method: 'POST', credentials: 'same-origin' });
      window.location.href = '/login';
    } catch {
      setError('Logging out failed: reelarr is not reachable.');
    }
  };
  const active = route[0] === 'movie' ? 'movies' : route[0];
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/movies" aria-label="reelarr home">reelarr</a>
      <nav aria-label="Main"><ul>
        ${NAV.map(([r, label]) => html`<li><a href=${`#/${r}`} aria-current=${active === r ? 'page' : undefined}>${label}</a></li>`)}
      </ul></nav>
      <button type="button" class="secondary" onClick=${logout}>Log out</button>
    </header>
    <main id="main" tabindex="-1">
      <${Alert} error=${error} />
      ${mustChange
        ? html`<h1>Welcome</h1><p>Choose your own password to continue.</p>`
        : html`<${Page} key=${route[0]} route=${route} />`}
    </main>
    ${mustChange && html`<${PasswordDialog} username=${session.username} onDone=${() => setMustChange(false)} />`}`;
}

async function start() {
  applyTheme();
  const root = document.getElementById('app');
  try {
    const session = await api('/api/v1/session');
    render(html`<${Shell} session=${session} />`, root);
  } catch (e) {
    if (e.status === 401) return; // api() is already on its way to /login
    render(html`<main><h1>reelarr</h1><${Alert} error=${e} /></main>`, root);
  }
}

start();
