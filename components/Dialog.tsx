import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

/** A modal on the native <dialog>: focus is trapped and Escape closes it, from the keyboard too. */
export function Dialog({ title, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const mounted = useRef(true);
  useEffect(() => {
    const dialog = ref.current;
    mounted.current = true;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      // Closing on unmount fires 'close' later; it must not close whatever dialog opens next.
      mounted.current = false;
      dialog?.close();
    };
  }, []);
  const close = () => {
    if (mounted.current) onClose();
  };
  const titleId = `dialog-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={close}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
