// A graph file on the command line (app/main/args.ts): pure argv handling, no Electron needed.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphPathFromArgv } from '../../../app/main/args.js';

describe('graphPathFromArgv', () => {
  it('finds a graph file after the executable, resolved against the working directory', () => {
    expect(graphPathFromArgv(['/opt/attractor-studio', 'net.attractor.json'], '/home/u')).toBe(resolve('/home/u', 'net.attractor.json'));
    expect(graphPathFromArgv(['/opt/attractor-studio', '/data/a.attractor.json'], '/home/u')).toBe('/data/a.attractor.json');
  });
  it('skips the app path of an unpackaged run, switches and non-graph arguments', () => {
    const argv = ['/usr/bin/electron', '.', '--no-sandbox', '-psn_0_123', '--original-process-start-time=1', 'notes.txt', 'g.json'];
    expect(graphPathFromArgv(argv, '/w', 2)).toBe(resolve('/w', 'g.json'));
  });
  it('is null without a graph file', () => {
    expect(graphPathFromArgv(['/opt/attractor-studio'], '/w')).toBeNull();
    expect(graphPathFromArgv(['/usr/bin/electron', 'x.json'], '/w', 2)).toBeNull();
  });
});
