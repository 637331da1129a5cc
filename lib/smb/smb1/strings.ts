/**
 * SMB1 strings, [MS-CIFS] 2.2.1.1 (SMB_STRING, OEM_STRING): UTF-16LE when
 * FLAGS2_UNICODE is set, else OEM bytes; NUL-terminated. A Unicode string in
 * an SMB_Data block is aligned to an even offset from the start of the SMB
 * header, so one pad byte may precede it. Every scan is bounded by the view
 * it reads from (a command's block), never by the message or the stream.
 * @module
 */
import type { Cursor } from "../../bytes/cursor.ts";

import { latin1, utf16le } from "../../bytes/text.ts";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes as text: ASCII as is, else UTF-8 when valid (Samba sends its unix charset), else Latin-1. */
export function decodeOem(b: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    try {
      return UTF8.decode(b);
    } catch {
      // not UTF-8: fall through to Latin-1
    }
  }
  return latin1(b);
}

/** UTF-16LE bytes as text; an odd trailing byte is dropped, unpaired surrogates become U+FFFD. */
export function decodeUtf16(b: Uint8Array): string {
  return utf16le(b);
}

/** Text of a fixed-length field, trailing NULs removed. */
export function decodeFixed(b: Uint8Array, unicode: boolean): string {
  const s = unicode ? decodeUtf16(b) : decodeOem(b);
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return s.slice(0, end);
}

/**
 * Reads a NUL-terminated string at the cursor and moves past its terminator.
 * `base` is the offset of the cursor's view from the start of the SMB header:
 * a Unicode string first skips one pad byte when `base + pos` is odd. With no
 * terminator before the end of the view the rest of the view is the string.
 * At the very end of the view it returns "" without throwing. `aligned`
 * false reads a Unicode string where it stands (fields the senders do not pad).
 */
export function readSmbString(c: Cursor, unicode: boolean, base: number, aligned = true): string {
  const b = c.bytes;
  if (unicode) {
    if (aligned && ((base + c.pos) & 1) !== 0 && c.remaining > 0) c.skip(1);
    const start = c.pos;
    let end = start;
    while (end + 1 < b.length && (b[end] !== 0 || b[end + 1] !== 0)) end += 2;
    const text = decodeUtf16(b.subarray(start, Math.min(end, b.length)));
    c.seek(Math.min(end + 2, b.length));
    return text;
  }
  return readOemString(c);
}

/** Reads a NUL-terminated OEM string (never aligned), bounded by the cursor's view. */
export function readOemString(c: Cursor): string {
  const b = c.bytes;
  const start = c.pos;
  let end = start;
  while (end < b.length && b[end] !== 0) end++;
  const text = decodeOem(b.subarray(start, end));
  c.seek(Math.min(end + 1, b.length));
  return text;
}
