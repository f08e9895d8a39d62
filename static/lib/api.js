// The UI's one way to call reelarr: same-origin session cookie (the browser sends Origin, which the
// server's CSRF check wants), JSON in and out, and every failure turned into words for the page.

/** An API failure whose `message` is fit to show to the user. */
export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** `api(path, {method, body, signal})` → parsed JSON (or null for an empty answer). */
export async function api(path, opts = {}) {
  const init = { method: opts.method || 'GET', credentials: 'same-origin', signal: opts.signal, headers: {} };
  if (opts.body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let r;
  try {
    r = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError('reelarr is not reachable (network error) — is the server running?', 0, null);
  }
  if (r.status === 401 && !opts.noRedirect) {
    window.location.href = '/login';
    throw new ApiError('your session has ended; log in again', 401, null);
  }
  const text = await r.text();
  let body = null;
  if (text) {
    try { body = JSON.parse(text); } catch { body = text; }
  }
  if (!r.ok) {
    const msg = (body && (body.message || body.error)) || `the server answered ${r.status} ${r.statusText}`;
    throw new ApiError(String(msg), r.status, body);
  }
  return body;
}
