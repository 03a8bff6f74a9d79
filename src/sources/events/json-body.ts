/** Deeper than any EventBridge envelope or notification; bounds the recursion of later JSON walks. */
const MAX_JSON_DEPTH = 64;

export class JsonBodyError extends Error {
  override name = 'JsonBodyError';
}

/**
 * JSON.parse with a nesting limit checked on the text first: V8 parses 10k levels fine, but
 * JSON.stringify (used to hash notifications) and other recursive walks would overflow the stack.
 */
export function parseJsonLimited(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) throw new JsonBodyError(`JSON nested deeper than ${maxDepth} levels`);
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new JsonBodyError(`malformed JSON: ${(err as Error).message}`);
  }
}
