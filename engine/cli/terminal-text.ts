/**
 * What reaches the terminal from a file is shown, never obeyed: names, ports, paths and
 * messages can come from a graph file or a dataset, and a control character among them
 * (ESC, CSI, a NUL, a carriage return, a bidirectional override) could set the window
 * title, clear the screen or disguise the rest of the line. Every line the CLI prints goes
 * through `visible`, which writes such characters as \uXXXX escapes: the text stays
 * readable, JSON output stays valid JSON, and line breaks and tabs stay what they are.
 */

// C0 controls but \t and \n, DEL, C1 controls (8-bit CSI is U+009B), bidirectional overrides and isolates.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced here
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function visible(line: string): string {
  return line.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
