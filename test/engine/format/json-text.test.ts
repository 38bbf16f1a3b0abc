import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findSyntaxError, nestingDepth, positionAt } from '../../../engine/format/json-text.js';

const err = (text: string) => {
  const e = findSyntaxError(text);
  return e && `${e.line}:${e.column} ${e.message}`;
};

describe('findSyntaxError', () => {
  it('accepts valid JSON', () => {
    for (const t of ['{}', '[]', ' 1 ', '"\\u00e9\\n"', '{"a":[1,-2.5e3,true,false,null,{"b":"c"}]}', '\n\t{ "x" : [ ] }\n']) {
      expect(findSyntaxError(t), t).toBeUndefined();
    }
  });

  it('explains the common hand-editing mistakes', () => {
    expect(err('{"a": 1,}')).toBe('1:9 trailing comma before "}"');
    expect(err('[1, 2,\n]')).toBe('2:1 trailing comma before "]"');
    expect(err("{'a': 1}")).toBe('1:2 strings need double quotes ("), not single quotes');
    expect(err('{a: 1}')).toBe('1:2 expected a property name in double quotes, got "a"');
    expect(err('{"a" 1}')).toBe('1:6 expected ":" after the property name, got "1"');
    expect(err('{"a": 1 "b": 2}')).toBe('1:9 expected "," or "}" after a property value, got "\\""');
    expect(err('[1 2]')).toBe('1:4 expected "," or "]" after an array item, got "2"');
    expect(err('{\n  // note\n  "a": 1}')).toBe('2:3 comments are not allowed in JSON');
    expect(err('{"a": NaN}')).toBe('1:7 expected a value (JSON has no NaN or Infinity), got "N"');
    expect(err('{"a": 01}')).toBe('1:8 invalid number ("01"…)');
    expect(err('{"a": "two\nlines"}')).toBe('1:11 a line break inside a string (write it as an escape such as \\n or \\t)');
    expect(err('{"a": "\\x"}')).toBe('1:8 invalid escape "\\x" in a string');
    expect(err('{} {}')).toBe('1:4 unexpected "{" after the end of the JSON value');
  });

  it('says what was left open when the text ends early', () => {
    expect(err('{\n  "nodes": [\n    {"id": "a"}')).toBe('3:16 unexpected end of the text: the "[" opened at line 2, column 12 is never closed');
    expect(err('{"name": "unfinished')).toBe('1:21 unexpected end of the text: the string opened at line 1, column 10 is never closed');
    expect(err('')).toBe('1:1 unexpected end of the text: expected a value');
  });

  it('finds an error wherever JSON.parse finds one', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (json, at, junk) => {
        const text = json.slice(0, at % (json.length + 1)) + junk + json.slice(at % (json.length + 1));
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('positionAt and nestingDepth', () => {
  it('counts lines for \\n, \\r\\n and \\r', () => {
    expect(positionAt('ab\ncd\r\nef\rgh', 10)).toEqual({ offset: 10, line: 4, column: 1 });
    expect(positionAt('ab\ncd\r\nef\rgh', 9)).toEqual({ offset: 9, line: 3, column: 3 });
    expect(positionAt('ab\ncd', 4)).toEqual({ offset: 4, line: 2, column: 2 });
  });

  it('measures nesting outside strings and stops at the limit', () => {
    expect(nestingDepth('{"a": [[1]], "b": "[[[[{{"}')).toEqual({ depth: 3 });
    expect(nestingDepth('[[[[["\\"["]]]]]', 3)).toEqual({ depth: 4, exceededAt: 3 });
  });
});
