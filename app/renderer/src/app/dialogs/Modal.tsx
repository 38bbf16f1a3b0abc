/** A modal dialog: backdrop, title, Escape closes, focus moves in on open and back out on close. */
import { useEffect, useRef, type ReactNode } from 'react';

export function Modal(props: { title: string; testId: string; onClose(): void; wide?: boolean; children: ReactNode; footer?: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    // The field to type in, else the default button; the close × only when there is nothing else.
    const first = ['[autofocus]', 'input:not([hidden])', '.modal__body button, .modal__footer button.primary', '.modal__footer button', 'button']
      .map((sel) => box.current?.querySelector<HTMLElement>(sel))
      .find(Boolean);
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`modal${props.wide ? ' modal--wide' : ''}`} role="dialog" aria-modal="true" aria-label={props.title} data-testid={props.testId} ref={box}>
        <header className="modal__header">
          <h2>{props.title}</h2>
          <button className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="modal__body">{props.children}</div>
        {props.footer && <footer className="modal__footer">{props.footer}</footer>}
      </div>
    </div>
  );
}
