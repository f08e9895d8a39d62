// GET with the response headers too, for the few answers whose meaning is in a header:
// `x-reelarr-stale` (cached TMDB lookups), `x-reelarr-indexer-warnings` (skipped indexers) and
// `Retry-After` on a 503. Errors are lib/api.js's ApiError, with `retryAfter` in seconds when given.
import { ApiError } from '../lib/api.js';

export async function getWithHeaders(path) {
  let r;
  try {
    r = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError('reelarr is not reachable (network error) — is the server running?', 0, null);
  }
  if (r.status === 401) {
    window.location.href = '/login';
    throw new ApiError('your session has ended; log in again', 401, null);
  }
  const text = await r.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  if (!r.ok) {
    const msg = (body && (body.message || body.error)) || `the server answered ${r.status} ${r.statusText}`;
    const err = new ApiError(String(msg), r.status, body);
    const ra = Number(r.headers.get('retry-after') || (body && body.retry_after_seconds));
    err.retryAfter = Number.isFinite(ra) && ra > 0 ? Math.ceil(ra) : null;
    throw err;
  }
  return { body, headers: r.headers };
}
