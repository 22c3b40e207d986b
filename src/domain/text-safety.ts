/**
 * Characters refused in every name and free-text field (issue 13): control characters (Cc), and
 * format characters (Cf) — the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069,
 * U+200E/U+200F) that make a name read differently from what it is ("U+202E"), zero-width ones and
 * the byte-order mark — and the line and paragraph separators.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}
