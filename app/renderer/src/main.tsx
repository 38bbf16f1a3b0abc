/**
 * The renderer's entry: connect to the services (Electron preload or the
 * web-mode WebSocket), learn which mode we run in, then render the shell.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api/index.js';
import { App } from './app/App.js';
import { Studio } from './app/studio.js';
import './app/styles.css';

const root = createRoot(document.getElementById('root')!);

async function boot(): Promise<void> {
  const api = await getApi();
  const info = await api.call('app.info', {});
  const studio = new Studio(api, info);
  // End-to-end tests (?e2e) may read state a person sees only indirectly; nothing else gets a global handle.
  if (new URLSearchParams(window.location.search).has('e2e')) (window as unknown as { studio?: Studio }).studio = studio;
  root.render(
    <StrictMode>
      <App studio={studio} />
    </StrictMode>,
  );
}

boot().catch((err: unknown) => {
  root.render(
    <div className="boot-error" role="alert" data-testid="boot-error">
      <h1>Attractor Studio could not start</h1>
      <p>{err instanceof Error ? err.message : String(err)}</p>
      <p>In a browser, the page must be served by the Attractor Studio host (npm run serve); reload once it runs.</p>
    </div>,
  );
});
