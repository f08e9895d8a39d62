// Plain-text formatting shared by the pages: sizes, dates, durations and quality names.

/** 1536 → "1.5 KB"; null/undefined → "—". */
export function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  let v = Number(n);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** An ISO date as the browser's local date (and time when `withTime`); "—" when absent. */
export function date(iso, withTime = false) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return withTime ? d.toLocaleString() : d.toLocaleDateString();
}

/** The quality name out of Radarr's QualityModel ({quality: {name}}), or "Unknown". */
export function quality(q) {
  return (q && q.quality && q.quality.name) || 'Unknown';
}

/** "hh:mm:ss" time left → "1 h 2 min" / "3 min" / "45 s"; null → "—". */
export function timeLeft(hms) {
  if (!hms) return '—';
  const [h, m, s] = hms.split(':').map(Number);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** Minutes → "2 h 16 min"; 0 → "—". */
export function runtime(min) {
  if (!min) return '—';
  return min >= 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min} min`;
}

/** Radarr's camelCase event names in words ("downloadFolderImported" → "Imported"). */
const EVENTS = {
  grabbed: 'Grabbed', downloadFolderImported: 'Imported', downloadFailed: 'Download failed',
  movieFileDeleted: 'File deleted', movieFolderImported: 'Folder imported',
  movieFileRenamed: 'File renamed', downloadIgnored: 'Ignored', unknown: 'Unknown',
};
export function eventName(t, data) {
  if ((!t || t === 'unknown') && data && data.reelarrEventType) return words(data.reelarrEventType);
  return EVENTS[t] || t || 'Unknown';
}

/** "grabResent" → "Grab resent". */
function words(camel) {
  const w = camel.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** A history record's own explanation, if it has one (journal messages, failure reasons). */
export function eventDetails(data) {
  return (data && (data.message || data.reason)) || '';
}

/** A queue item's status in words (Radarr's status strings). */
const STATUSES = {
  downloading: 'Downloading', queued: 'Queued', paused: 'Paused', completed: 'Completed',
  failed: 'Failed', warning: 'Stalled', delay: 'Delayed',
};
export function queueStatus(s) {
  return STATUSES[s] || s || '';
}
