/**
 * JSON text diagnostics the built-in parser does not give: where a syntax error is (V8's
 * messages carry a position only for some errors) and how deeply the text nests.
 * Both run on the raw text, so they work on files JSON.parse rejects.
 */

export interface TextPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface SyntaxProblem extends TextPosition {
  readonly message: string;
}

/** 1-based line and column of a UTF-16 offset; "\r\n", "\n" and a lone "\r" each end a line. */
export function positionAt(text: string, offset: number): TextPosition {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: end, line, column: end - lineStart + 1 };
}

/** The deepest bracket nesting, and where it first goes past `limit` (strings skipped). */
export function nestingDepth(text: string, limit = Infinity): { depth: number; exceededAt?: number } {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return { depth: max, exceededAt: i };
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return { depth: max };
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a person sees at `offset`: the character, quoted, or "the end of the text". */
function seen(text: string, i: number): string {
  if (i >= text.length) return 'the end of the text';
  const ch = String.fromCodePoint(text.codePointAt(i)!);
  if (ch === '\n' || ch === '\r') return 'a line break';
  if (ch === '\t') return 'a tab';
  return JSON.stringify(ch);
}

/**
 * The first syntax error in `text`, or undefined when it is valid JSON. Only called after
 * JSON.parse has failed, so it favours clear messages over speed.
 */
export function findSyntaxError(text: string): SyntaxProblem | undefined {
  let i = 0;
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 47 && (text[i + 1] === '/' || text[i + 1] === '*')) throw new JsonSyntax(i, 'comments are not allowed in JSON');
      else return;
    }
  };
  const fail = (what: string): never => {
    if (i >= text.length) throw new JsonSyntax(i, `unexpected end of the text: ${what}`);
    if (text[i] === "'") throw new JsonSyntax(i, 'strings need double quotes ("), not single quotes');
    throw new JsonSyntax(i, `${what}, got ${seen(text, i)}`);
  };

  const string = () => {
    const open = i++;
    for (;;) {
      if (i >= text.length) {
        const at = positionAt(text, open);
        throw new JsonSyntax(i, `unexpected end of the text: the string opened at line ${at.line}, column ${at.column} is never closed`);
      }
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) throw new JsonSyntax(i, `${seen(text, i)} inside a string (write it as an escape such as \\n or \\t)`);
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new JsonSyntax(i, 'a \\u escape needs four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new JsonSyntax(i, `invalid escape "\\${e ?? ''}" in a string`);
      } else i++;
    }
  };

  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-') throw new JsonSyntax(i, `invalid number ${seen(text, i)}`);
    i += m[0].length;
    if (/[0-9.eE]/.test(text[i] ?? '')) throw new JsonSyntax(i, `invalid number (${JSON.stringify(text.slice(i - m[0].length, i + 1))}…)`);
  };

  const value = (depth: number): void => {
    ws();
    const c = text[i];
    if (c === '{') return object(depth + 1);
    if (c === '[') return array(depth + 1);
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === 'N' || c === 'I' || text.startsWith('-I', i)) fail('expected a value (JSON has no NaN or Infinity)');
    fail('expected a value');
  };

  const unclosed = (open: number, bracket: string) => {
    const at = positionAt(text, open);
    return `the "${bracket}" opened at line ${at.line}, column ${at.column} is never closed`;
  };

  const object = (depth: number) => {
    if (depth > 1000) throw new JsonSyntax(i, 'nested too deeply');
    const open = i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (i >= text.length) fail(unclosed(open, '{'));
      if (text[i] === '}') throw new JsonSyntax(i, 'trailing comma before "}"');
      if (text[i] !== '"') fail('expected a property name in double quotes');
      string();
      ws();
      if (text[i] !== ':') fail('expected ":" after the property name');
      i++;
      value(depth);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(i >= text.length ? unclosed(open, '{') : 'expected "," or "}" after a property value');
    }
  };

  const array = (depth: number) => {
    if (depth > 1000) throw new JsonSyntax(i, 'nested too deeply');
    const open = i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') throw new JsonSyntax(i, 'trailing comma before "]"');
      if (i >= text.length) fail(unclosed(open, '['));
      value(depth);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(i >= text.length ? unclosed(open, '[') : 'expected "," or "]" after an array item');
    }
  };

  try {
    value(0);
    ws();
    if (i < text.length) throw new JsonSyntax(i, `unexpected ${seen(text, i)} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (!(err instanceof JsonSyntax)) throw err;
    return { ...positionAt(text, err.offset), message: err.message };
  }
}
