/** The streaming multipart reader, fed its body whole and in chunks of every small size. */
import * as assert from "node:assert/strict";
import {
  type FilePartInfo,
  firstFilePart,
  multipartBoundary,
  MultipartError,
} from "../../functions/multipart.ts";
import { chunked } from "./helpers.ts";
import { concat } from "../_support/bytes.ts";

const enc = new TextEncoder();
const BOUNDARY = "----formdata-test-7f3a";
const FILE = new Uint8Array(3000).map((_, i) => (i * 7 + (i >> 5)) & 0xff);
// Bytes that look like the start of a delimiter inside the file.
FILE.set(enc.encode(`\r\n--${BOUNDARY.slice(0, 10)}`), 1200);

function body(parts: (string | Uint8Array)[]): Uint8Array {
  return concat(...parts.map((p) => typeof p === "string" ? enc.encode(p) : p));
}

const FORM = body([
  "preamble to ignore\r\n",
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`,
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="empty"\r\n\r\n\r\n`,
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="capture"; filename="a.pcap"\r\n`,
  "Content-Type: application/octet-stream\r\n\r\n",
  FILE,
  `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="second"; filename="b"\r\n\r\nxx`,
  `\r\n--${BOUNDARY}--\r\n`,
]);

async function read(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(
    await new Response(stream as ReadableStream<Uint8Array<ArrayBuffer>>).arrayBuffer(),
  );
}

Deno.test("firstFilePart gives the first file's bytes whatever the chunk size", async () => {
  for (const size of [1, 2, 3, 7, 13, 31, 64, 100, 1000, FORM.length]) {
    const info: FilePartInfo = {};
    const got = await read(firstFilePart(chunked(FORM, size), BOUNDARY, info));
    assert.deepEqual(got, FILE, `chunk size ${size}`);
    assert.equal(info.filename, "a.pcap");
    // The text fields before the file, by name.
    assert.deepEqual([...info.fields ?? []], [["note", ["hello"]], ["empty", [""]]]);
  }
});

Deno.test("firstFilePart ends a file cut short where the upload ended", async () => {
  const cut = FORM.subarray(0, FORM.indexOf(0x0d, 400) + 900);
  const got = await read(firstFilePart(chunked(cut, 50), BOUNDARY));
  assert.ok(got.length > 0 && got.length < FILE.length);
  assert.deepEqual(got, FILE.subarray(0, got.length));
});

Deno.test("firstFilePart errors with MultipartError when there is no file part", async () => {
  const noFile = body([
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${BOUNDARY}--\r\n`,
  ]);
  for (
    const input of [
      noFile,
      body(["not multipart at all"]),
      body([`--${BOUNDARY}\r\n`, "x".repeat(20000)]),
    ]
  ) {
    await assert.rejects(read(firstFilePart(chunked(input, 100), BOUNDARY)), MultipartError);
  }
});

Deno.test("multipartBoundary reads quoted and bare boundaries", () => {
  assert.equal(multipartBoundary("multipart/form-data; boundary=abc123"), "abc123");
  assert.equal(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b:c"'), "a b:c");
  assert.equal(multipartBoundary("multipart/form-data"), undefined);
});

Deno.test("firstFilePart keeps at most 64 fields of 64 KiB before the file", async () => {
  const parts: string[] = [];
  for (let i = 0; i < 70; i++) {
    parts.push(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv${i}\r\n`);
  }
  parts.push(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="big"\r\n\r\n`);
  const form = body([
    ...parts,
    "x".repeat(70 * 1024),
    `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="c"; filename="a"\r\n\r\n`,
    FILE,
    `\r\n--${BOUNDARY}--\r\n`,
  ]);
  const info: FilePartInfo = {};
  assert.deepEqual(await read(firstFilePart(chunked(form, 1000), BOUNDARY, info)), FILE);
  assert.equal(info.fields?.size, 64);
  assert.equal(info.fields?.has("big"), false);
});
