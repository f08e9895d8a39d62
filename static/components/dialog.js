// A modal <dialog> driven by Preact: opened with showModal() (focus trapped, Escape closes,
// the page behind is inert), reported closed through `onClose`, focus returned to its opener.
import { html, useEffect, useRef, useState } from '../lib/html.js';

/** `<Modal title onClose>children</Modal>`: mounted means open. */
export function Modal({ title, onClose, children, labelId }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement;
    if (d && !d.open) d.showModal();
    const cancel = (ev) => { ev.preventDefault(); onClose(); };
    d.addEventListener('cancel', cancel);
    return () => {
      d.removeEventListener('cancel', cancel);
      if (d.open) d.close();
      // Back to the control that opened the dialog (keyboard users keep their place).
      setTimeout(() => { if (opener && opener.isConnected) opener.focus(); }, 0);
    };
  }, []);
  const id = labelId || 'dialog-title';
  return html`<dialog ref=${ref} aria-labelledby=${id}>
    <h2 id=${id}>${title}</h2>
    ${children}
  </dialog>`;
}

/** A dialog form's submit: stops the page load, marks the form busy and runs `action(form)`. A
 * thrown error is shown through `error` and the form can be sent again; on success it stays busy
 * (the dialog is about to close). */
export function useFormSubmit(action) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget;
    setBusy(true);
    setError(null);
    try {
      await action(form);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return { error, busy, submit };
}
