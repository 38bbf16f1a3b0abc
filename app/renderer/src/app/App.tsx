/**
 * The app shell: menu and toolbar on top, palette | canvas | inspector, the
 * Problems/Plan panel below, the status bar at the bottom; dialogs and notices
 * float above. Everything it shows is read from the Studio's stores.
 */
import { useCallback, useEffect, useMemo } from 'react';
import { installAutosave } from './autosave.js';
import { CanvasHost } from './canvas/CanvasHost.js';
import { Notices } from './chrome/Notices.js';
import { Palette } from './chrome/Palette.js';
import { StatusBar } from './chrome/StatusBar.js';
import { Toolbar } from './chrome/Toolbar.js';
import { Dialogs } from './dialogs/Dialogs.js';
import { installBeforeUnload, installFileDrop, installHostEvents, installKeyboard } from './dispatch.js';
import { Inspector } from './inspector/Inspector.js';
import { BottomPanel } from './panels/BottomPanel.js';
import { RunDock } from '../run/RunDock.js';
import { Splitter, useStoredSize } from './chrome/Splitter.js';

const BOTTOM_LIMITS = { min: 80, max: 700 };
import { RunClient } from '../run/run-client.js';
import { ExperimentsDock } from '../runs/ExperimentsDock.js';
import { sendStoredBackend } from './settings/engine-backend.js';
import type { Studio } from './studio.js';

export const APP_NAME = 'Attractor Studio';

/** `name • — Attractor Studio` while there are unsaved changes. */
export function windowTitle(name: string, dirty: boolean): string {
  return `${name}${dirty ? ' •' : ''} — ${APP_NAME}`;
}

function useTitle(studio: Studio) {
  useEffect(() => {
    let last = '';
    const sync = () => {
      const { name, dirty } = studio.doc.get();
      const title = windowTitle(name, dirty);
      if (title === last) return;
      last = title;
      document.title = title;
      // Web mode: the tab shows document.title; the desktop window needs telling (and its close prompt needs `dirty`).
      if (studio.isElectron) void studio.call('window.setState', { title, dirty });
    };
    sync();
    return studio.doc.subscribe(sync);
  }, [studio]);
}

export function App({ studio }: { studio: Studio }) {
  useTitle(studio);
  useEffect(() => {
    const offs = [installKeyboard(studio), installHostEvents(studio), installBeforeUnload(studio), installFileDrop(studio)];
    return () => offs.forEach((off) => off());
  }, [studio]);

  // One subscription to engine events, shared by the run panel and the status bar's backend.
  const runClient = useMemo(() => new RunClient(studio.api), [studio]);
  useEffect(() => () => runClient.dispose(), [runClient]);
  // The backend chosen in Settings, before the first run starts the engine.
  useEffect(() => void sendStoredBackend(studio.api), [studio]);

  const [bottom, setBottom] = useStoredSize('attractor.layout.bottom', 210, BOTTOM_LIMITS);

  const onCanvasReady = useCallback(() => {
    void studio.start().then(() => {
      // Autosave starts after the first document is in, so it never saves the empty start-up graph.
      const stop = installAutosave(studio);
      window.addEventListener('pagehide', stop, { once: true });
    });
  }, [studio]);

  return (
    <div className={`shell shell--${studio.info.mode}`} data-testid="app" data-mode={studio.info.mode}>
      <Toolbar studio={studio} />
      <div className="workbench">
        <Palette studio={studio} />
        <div className="centre" style={{ gridTemplateRows: `minmax(0, 1fr) ${bottom}px` }}>
          <CanvasHost studio={studio} onReady={onCanvasReady} />
          <BottomPanel studio={studio} splitter={<Splitter edge="top" size={bottom} onResize={setBottom} testId="bottom-splitter" label="Resize the Problems and Plan panel" />} />
        </div>
        <Inspector studio={studio} />
        {/* Settle / Train / Attention / Gradients: a column beside the inspector, resizable, never over the canvas. */}
        <RunDock host={studio} client={runClient} />
      </div>
      <StatusBar studio={studio} run={runClient} />
      <ExperimentsDock host={studio} />
      <Dialogs studio={studio} />
      <Notices studio={studio} />
    </div>
  );
}
