// The forced change of the generated first password: a modal the user cannot dismiss until the
// new password is saved (POST /api/v1/user/password).
import { html, useEffect, useRef, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Alert } from './notice.js';

export function PasswordDialog({ onDone }) {
  const ref = useRef(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = ref.current;
    d.showModal();
    const keep = (ev) => ev.preventDefault();
    d.addEventListener('cancel', keep);
    return () => d.removeEventListener('cancel', keep);
  }, []);
  const submit = async (ev) => {
    ev.preventDefault();
    const f = ev.currentTarget;
    setError(null);
    if (f.next.value.length < 8) { setError('The new password needs at least 8 characters.'); return; }
    setBusy(true);
    try {
      await api('/api/v1/user/password', {
        method: 'POST', body: { currentPassword: f.current.value, newPassword: f.next.value },
      });
      ref.current.close();
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<dialog ref=${ref} aria-label="Password change required">
    <form onSubmit=${submit}>
      <h2>Choose a new password</h2>
      <p>This account still uses the generated first password.</p>
      <label>Current password <input name="current" type="password" autocomplete="current-password" required /></label>
      <label>New password <input name="next" type="password" autocomplete="new-password" minlength="8" required aria-describedby="pw-hint" /></label>
      <p id="pw-hint" class="muted">At least 8 characters.</p>
      <${Alert} error=${error} />
      <button type="submit" disabled=${busy}>Save</button>
    </form>
  </dialog>`;
}
