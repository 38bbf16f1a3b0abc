/** One sweep task's output (logs/<index>.log, a Slurm task's or a pool process's), tailed while the view is open. */
import { useEffect, useState } from 'react';
import type { AttractorApi } from '../../../shared/api.js';
import { POLL_MS } from './requests.js';

/** Characters kept on screen: the tail is what matters while a task runs. */
const KEEP = 20_000;

export function SweepLog({ api, graphPath, sweepId, index }: { api: AttractorApi; graphPath: string; sweepId: string; index: number }) {
  const [text, setText] = useState('');
  useEffect(() => {
    let live = true;
    let offset = 0;
    setText('');
    const read = async () => {
      for (;;) {
        const r = await api.call('runs.log', { graphPath, sweepId, index, offset }).catch(() => null);
        if (!live || !r || r.offset === offset) return;
        offset = r.offset;
        setText((t) => (t + r.text).slice(-KEEP));
      }
    };
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, graphPath, sweepId, index]);
  return (
    <pre className="sweep-log mono" data-testid="sweep-log">
      {text || 'no output yet'}
    </pre>
  );
}
