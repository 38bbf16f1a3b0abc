/** Node ids for new nodes: `<kind>-<n>`, the smallest n ≥ 1 not in use, so ids stay short and readable. */
export function nextId(prefix: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const id = `${prefix}-${n}`;
    if (!taken.has(id)) return id;
  }
}
