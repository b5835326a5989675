/**
 * Streams the elements of a file holding ONE JSON array (HotpotQA's `hotpot_train_v1.1.json`
 * is a 540 MB array) without reading it as one string: a small scanner tracks string / escape
 * state and bracket depth over 1 MiB chunks, cuts each top-level element, and JSON.parse()s it.
 * Memory is one chunk plus one element. A malformed element is a DataError naming the file and
 * the 1-based element number.
 */
import { createReadStream } from 'node:fs';
import { DataError } from '../formats/data-error.ts';

/** One array element: its 1-based position in the array and the parsed value. */
export interface JsonArrayElement {
  readonly index: number;
  readonly value: unknown;
}

const QUOTE = 34, BACKSLASH = 92, COMMA = 44;
const OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

export async function* streamJsonArray(path: string, chunkBytes = 1 << 20): AsyncGenerator<JsonArrayElement> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes });
  let state: 'start' | 'between' | 'afterComma' | 'element' | 'end' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let index = 0;
  const finish = (text: string): JsonArrayElement => {
    index++;
    try {
      return { index, value: JSON.parse(text) };
    } catch (e) {
      throw new DataError(path, index, `array element ${index} is not valid JSON (${(e as Error).message})`);
    }
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    let start = 0; // start of the current element's text within this chunk
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
          continue;
        }
        if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && depth > 0) depth--;
        else if (depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
          parts.push(chunk.slice(start, i));
          const text = parts.join('');
          parts = [];
          yield finish(text);
          state = c === COMMA ? 'afterComma' : 'end';
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (state === 'start') {
        if (c !== OPEN_BRACKET) throw new DataError(path, undefined, `expected a JSON array ('['), got '${chunk[i]}'`);
        state = 'between';
      } else if (state === 'between' && c === CLOSE_BRACKET) {
        state = 'end';
      } else if (state === 'between' || state === 'afterComma') {
        if (c === CLOSE_BRACKET || c === COMMA) throw new DataError(path, index + 1, `unexpected '${chunk[i]}' where array element ${index + 1} should start`);
        state = 'element';
        start = i;
        i--; // rescan this character as part of the element
      } else if (state === 'end') {
        throw new DataError(path, undefined, `unexpected '${chunk[i]}' after the end of the array`);
      }
    }
    if (state === 'element') parts.push(chunk.slice(start));
  }
  if ((state as string) !== 'end') throw new DataError(path, index + 1, `truncated: the array is not closed (${index} complete elements)`);
}
