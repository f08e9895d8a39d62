// Windowed rendering for long lists (a 10,000-movie library): measures which rows of fixed height
// `rowHeight` are in the viewport (page scroll) plus a margin, so only those are put in the DOM.
import { useLayoutEffect, useState } from '../lib/html.js';

/** `{first, last, width}`: row range [first, last) to render and the element's inner width. */
export function useWindowRows(ref, rowHeight, overscan = 4) {
  const [range, setRange] = useState({ first: 0, last: 12, width: 0 });
  useLayoutEffect(() => {
    let frame = 0;
    const measure = () => {
      frame = 0;
      const el = ref.current;
      if (!el) return;
      const top = Math.max(0, -el.getBoundingClientRect().top);
      const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
      const last = Math.ceil((top + window.innerHeight) / rowHeight) + overscan;
      const width = el.clientWidth;
      setRange((r) => (r.first === first && r.last === last && r.width === width ? r : { first, last, width }));
    };
    const schedule = () => { if (!frame) frame = requestAnimationFrame(measure); };
    measure();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    const ro = new ResizeObserver(schedule);
    ro.observe(ref.current);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      ro.disconnect();
    };
  }, [rowHeight, overscan]);
  return range;
}
