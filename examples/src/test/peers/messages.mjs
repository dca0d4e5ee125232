// The messages every echo peer sends, shared by the Node scripts: short and long, ASCII and not,
// text and binary. The Python and browser peers build the same set (see their sources).

/** A text of exactly `length` UTF-16 units mixing 1- to 4-byte UTF-8 characters. */
export function mixedText(length) {
  const pattern = 'Ferry ⛴ fährt über den Fluß; 渡し船 😀 ';
  let text = '';
  while (text.length < length) text += pattern;
  text = text.slice(0, length);
  // Never end on half a surrogate pair.
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) + 'x' : text;
}

/** `length` bytes counting up modulo 251 (a prime, so frames never line up with the pattern). */
export function patternBytes(length) {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 251;
  return bytes;
}

export const echoCases = [
  { name: 'short ASCII text', data: 'hello' },
  { name: 'empty text', data: '' },
  { name: 'non-ASCII text', data: 'héllo wörld ✓ 😀 日本語' },
  { name: '70 KiB text', data: mixedText(70 * 1024) },
  { name: '100 KiB binary', data: patternBytes(100 * 1024) },
  { name: 'empty binary', data: Buffer.alloc(0) },
  { name: '1 MiB binary', data: patternBytes(1024 * 1024) },
];
