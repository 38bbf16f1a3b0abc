/** Short-lived notices (a refused connection, a save, an error from the host), bottom right, newest last. */
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';

export function Notices({ studio }: { studio: Studio }) {
  const { notices } = useStore(studio.ui);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice--${n.tone}`} data-testid="notice" role={n.tone === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button className="notice__close" aria-label="Dismiss" onClick={() => studio.ui.dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
