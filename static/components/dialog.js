// A modal <dialog> driven by Preact: opened with showModal() (focus trapped, Escape closes,
// the page behind is inert) and reported closed through `onClose`.
import { html, useEffect, useRef } from '../lib/html.js';

/** `<Modal title onClose>children</Modal>`: mounted means open. */
export function Modal({ title, onClose, children, labelId }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const cancel = (ev) => { ev.preventDefault(); onClose(); };
    d.addEventListener('cancel', cancel);
    return () => {
      d.removeEventListener('cancel', cancel);
      if (d.open) d.close();
    };
  }, []);
  const id = labelId || 'dialog-title';
  return html`<dialog ref=${ref} aria-labelledby=${id}>
    <h2 id=${id}>${title}</h2>
    ${children}
  </dialog>`;
}
