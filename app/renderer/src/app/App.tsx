/**
 * The app shell: menu and toolbar on top, then the workbench's columns — palette | Runs |
 * canvas over notices over the Problems/Plan panel | inspector | run panel — and the status
 * bar at the bottom; only dialogs float above. The columns' widths are fitted to the window
 * by chrome/workbench-layout.ts. Everything it shows is read from the Studio's stores.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
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
import { Splitter } from './chrome/Splitter.js';
import { useWorkbenchLayout } from './chrome/workbench-layout.js';
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

  const workbench = useRef<HTMLDivElement>(null);
  const layout = useWorkbenchLayout(workbench);

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
      <div className="workbench" ref={workbench} style={{ gridTemplateColumns: layout.columns }}>
        <Palette studio={studio} />
        <ExperimentsDock host={studio} column={layout.runs} />
        <div className="centre" style={{ gridTemplateRows: `minmax(0, 1fr) auto ${layout.bottom}px` }}>
          <CanvasHost studio={studio} onReady={onCanvasReady} />
          {/* A row of their own: a notice takes room from the canvas for its few seconds rather than covering it. */}
          <Notices studio={studio} />
          <BottomPanel studio={studio} splitter={<Splitter edge="top" size={layout.bottom} onResize={layout.setBottom} testId="bottom-splitter" label="Resize the Problems and Plan panel" />} />
        </div>
        <Inspector studio={studio} />
        <RunDock host={studio} client={runClient} column={layout.run} />
      </div>
      <StatusBar studio={studio} run={runClient} />
      <Dialogs studio={studio} />
    </div>
  );
}
