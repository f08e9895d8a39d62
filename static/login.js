// Login page: posts credentials as JSON, then goes to the app (which asks for a new password if needed).
document.getElementById('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const err = document.getElementById('login-error');
  err.hidden = true;
  try {
    const r = await fetch('/login', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({username: form.username.value, password: form.password.value}),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.message || ('HTTP ' + r.status));
    window.location.href = '/';
  } catch (e) {
    err.textContent = e.message;
    err.hidden = false;
  }
});
