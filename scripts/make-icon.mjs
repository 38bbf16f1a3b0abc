#!/usr/bin/env node
// Draws the app icon, build/icon.png (512×512 RGBA), from code so it can be
// regenerated and reviewed: `node scripts/make-icon.mjs`. electron-builder
// turns this one PNG into the .icns (macOS), .ico (Windows) and the Linux
// icon sizes (electron-builder.yml: directories.buildResources = build).
//
// The picture: a rounded square in deep indigo; a ring of eight units (dots)
// coupled to each other and to a bright centre (the attractor state) by thin
// lines; a spiral trajectory settling into the centre. Each pixel is
// supersampled 4×4 for smooth edges.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const SIZE = 512;
const SS = 4;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icon.png');

const C = SIZE / 2;
const RING = 150;
const UNITS = Array.from({ length: 8 }, (_, k) => {
  const a = (k / 8) * 2 * Math.PI - Math.PI / 2;
  return [C + RING * Math.cos(a), C + RING * Math.sin(a)];
});
// Couplings: each unit to the centre and to its two ring neighbours.
const SEGMENTS = [
  ...UNITS.map((u) => [u, [C, C]]),
  ...UNITS.map((u, k) => [u, UNITS[(k + 1) % UNITS.length]]),
];
// A spiral x(t) = r0·e^(-t/τ) at angle 3t, sampled as a polyline.
const SPIRAL = Array.from({ length: 400 }, (_, i) => {
  const t = i / 40;
  const r = 205 * Math.exp(-t / 3.2);
  return [C + r * Math.cos(3 * t + 0.6), C + r * Math.sin(3 * t + 0.6)];
});

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Signed distance to a rounded square filling the canvas with a margin (negative inside). */
function roundedSquare(x, y) {
  const half = SIZE / 2 - 24;
  const radius = 96;
  const qx = Math.abs(x - C) - (half - radius);
  const qy = Math.abs(y - C) - (half - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

// The spiral's segments bucketed by 16-px tile (with the stroke's reach), so a sample tests only its tile's few.
const TILE = 16;
const TILES = SIZE / TILE;
const SPIRAL_WIDTH = 4.5;
const spiralTiles = Array.from({ length: TILES * TILES }, () => []);
for (let i = 1; i < SPIRAL.length; i++) {
  const [a, b] = [SPIRAL[i - 1], SPIRAL[i]];
  const lo = (v) => Math.max(0, Math.floor((v - SPIRAL_WIDTH) / TILE));
  const hi = (v) => Math.min(TILES - 1, Math.floor((v + SPIRAL_WIDTH) / TILE));
  for (let ty = lo(Math.min(a[1], b[1])); ty <= hi(Math.max(a[1], b[1])); ty++) {
    for (let tx = lo(Math.min(a[0], b[0])); tx <= hi(Math.max(a[0], b[0])); tx++) spiralTiles[ty * TILES + tx].push([a, b]);
  }
}

function onSpiral(x, y) {
  const tile = spiralTiles[Math.min(TILES - 1, Math.floor(y / TILE)) * TILES + Math.min(TILES - 1, Math.floor(x / TILE))];
  return tile.some(([a, b]) => distToSegment(x, y, a, b) < SPIRAL_WIDTH);
}

/** Colour of one sample point, as [r, g, b, a] in 0..1. */
function sample(x, y) {
  if (roundedSquare(x, y) > 0) return [0, 0, 0, 0];
  // Background: indigo, lighter towards the top left.
  const g = (x + y) / (2 * SIZE);
  let rgb = [0.16 - 0.08 * g, 0.13 - 0.06 * g, 0.42 - 0.16 * g];
  const over = (colour, alpha) => {
    rgb = rgb.map((c, i) => c * (1 - alpha) + colour[i] * alpha);
  };
  const r = Math.hypot(x - C, y - C);
  // Glow of the attractor.
  over([0.55, 0.75, 1], 0.35 * Math.exp(-((r / 90) ** 2)));
  if (SEGMENTS.some(([a, b]) => distToSegment(x, y, a, b) < 3)) over([0.62, 0.7, 1], 0.55);
  if (onSpiral(x, y)) over([1, 0.78, 0.35], 0.95);
  for (const [ux, uy] of UNITS) {
    const d = Math.hypot(x - ux, y - uy);
    if (d < 24) over([0.93, 0.95, 1], 1);
    else if (d < 29) over([0.3, 0.36, 0.75], 1);
  }
  if (r < 30) over([1, 1, 1], 1);
  return [...rgb, 1];
}

const png = new PNG({ width: SIZE, height: SIZE });
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const [r, g, b, a] = sample(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        // Premultiplied, so transparent samples do not darken the edge.
        acc[0] += r * a;
        acc[1] += g * a;
        acc[2] += b * a;
        acc[3] += a;
      }
    }
    const i = (y * SIZE + x) * 4;
    const alpha = acc[3] / (SS * SS);
    for (let c = 0; c < 3; c++) png.data[i + c] = acc[3] > 0 ? Math.round((255 * acc[c]) / acc[3]) : 0;
    png.data[i + 3] = Math.round(255 * alpha);
  }
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, PNG.sync.write(png));
console.log(`wrote ${out} (${SIZE}×${SIZE})`);
