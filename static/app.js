// The app frame: checks the session, asks for a new password after the first login, and routes
// between views by the URL hash. Views fill in as the API grows.
const view = document.getElementById('view');

async function api(path, opts = {}) {
  const r = await fetch(path, Object.assign({credentials: 'same-origin'}, opts));
  if (r.status === 401) { window.location.href = '/login'; throw new Error('unauthorized'); }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.message || ('HTTP ' + r.status));
  return body;
}

const views = {
  movies: () => '<h1>Movies</h1><p>Your library is empty.</p>',
  add: () => '<h1>Add movie</h1><p>Search TMDB to add a movie.</p>',
  activity: () => '<h1>Activity</h1><p>Nothing in the queue.</p>',
  system: async () => {
    const h = await fetch('/health').then(r => r.json());
    return `<h1>System</h1><p>Status: <strong class="status-${h.status}">${h.status}</strong></p>`;
  },
  settings: () => '<h1>Settings</h1><p>Configuration lives in config.toml.</p>',
};

async function render() {
  const name = (location.hash.replace(/^#\//, '') || 'movies').split('/')[0];
  const fn = views[name] || views.movies;
  try { view.innerHTML = await fn(); } catch (e) { view.textContent = e.message; }
}

async function start() {
  const me = await api('/api/v1/session');
  if (me.mustChangePassword) document.getElementById('change-password').showModal();
  window.addEventListener('hashchange', render);
  render();
}

document.getElementById('logout').addEventListener('click', async () => {
  await fetch('/logout', {method: 'POST'});
  window.location.href = '/login';
});

document.getElementById('password-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const err = document.getElementById('password-error');
  try {
    await api('/api/v1/user/password', {
      method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({currentPassword: f.current.value, newPassword: f.next.value}),
    });
    document.getElementById('change-password').close();
  } catch (e) { err.textContent = e.message; err.hidden = false; }
});

start().catch(() => {});
