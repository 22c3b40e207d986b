import { test } from "node:test";
import assert from "node:assert/strict";
import { otpQrSvg, OTP_QR_TITLE } from "./otp-qr.js";

/**
 * A strict little XML reader, enough for this SVG: every tag closes in order, every attribute is
 * quoted once, no raw `<` or `&` in text or attribute values. Returns the elements and the text.
 */
function parseXml(s: string): { elements: Array<{ name: string; attrs: Record<string, string> }>; text: string[] } {
  const elements: Array<{ name: string; attrs: Record<string, string> }> = [];
  const text: string[] = [];
  const stack: string[] = [];
  let i = 0;
  let rootClosed = false;
  while (i < s.length) {
    if (s[i] !== "<") {
      const end = s.indexOf("<", i);
      const t = s.slice(i, end < 0 ? s.length : end);
      assert.ok(stack.length > 0, `text outside the root: ${t}`);
      assert.doesNotMatch(t, /&(?!(amp|lt|gt|quot|apos);)/, "raw & in text");
      assert.doesNotMatch(t, />/, "raw > in text");
      text.push(t);
      i += t.length;
      continue;
    }
    const close = s.indexOf(">", i);
    assert.ok(close > i, "unterminated tag");
    const tag = s.slice(i + 1, close);
    assert.ok(!tag.includes("<"), `< inside a tag: ${tag}`);
    i = close + 1;
    if (tag.startsWith("/")) {
      assert.equal(stack.pop(), tag.slice(1), "tags close in order");
      if (stack.length === 0) rootClosed = true;
      continue;
    }
    assert.ok(!rootClosed, "one root element");
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*")*)\s*$/.exec(body);
    assert.ok(m, `malformed tag: <${tag.slice(0, 80)}>`);
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      assert.ok(!(a[1]! in attrs), `attribute twice: ${a[1]}`);
      attrs[a[1]!] = a[2]!;
    }
    elements.push({ name: m[1]!, attrs });
    if (!selfClosing) stack.push(m[1]!);
  }
  assert.equal(stack.length, 0, "every element closed");
  assert.ok(rootClosed);
  return { elements, text };
}

/** The dark modules the path draws, as a set of "x,y" in viewBox units. */
function darkCells(d: string): Set<string> {
  const cells = new Set<string>();
  const re = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/g;
  let consumed = 0;
  for (const m of d.matchAll(re)) {
    assert.equal(m.index, consumed, "the path is only runs");
    consumed += m[0].length;
    const [x, y, w, back] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    assert.equal(w, back);
    for (let k = 0; k < w; k++) cells.add(`${x + k},${y}`);
  }
  assert.equal(consumed, d.length);
  return cells;
}

/** Byte-mode capacity at error correction M, versions 1–15 (ISO/IEC 18004 table 7). */
const BYTES_M = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412];
const expectedModules = (bytes: number) => 17 + 4 * (BYTES_M.findIndex((cap) => bytes <= cap) + 1);

const uri = (secret: string, account = "aouser01") => `otpauth://totp/Aoba%20Bank:${account}?issuer=Aoba%20Bank&secret=${secret}&algorithm=SHA1&digits=6&period=30`;

test("the SVG is well-formed, titled for screen readers, and sized by the URI's length", () => {
  for (const u of [uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"), "otpauth://totp/x?secret=AB", uri("A".repeat(32), "x".repeat(150))]) {
    const svg = otpQrSvg(u);
    const { elements, text } = parseXml(svg);
    const root = elements[0]!;
    assert.equal(root.name, "svg");
    assert.equal(root.attrs.xmlns, "http://www.w3.org/2000/svg");
    assert.equal(root.attrs.role, "img");
    const title = elements.find((e) => e.name === "title")!;
    assert.equal(elements[1], title, "the title is the first child");
    assert.equal(root.attrs["aria-labelledby"], title.attrs.id);
    assert.deepEqual(text, [OTP_QR_TITLE]);

    const n = expectedModules(Buffer.byteLength(u));
    const size = n + 8;
    assert.equal(root.attrs.viewBox, `0 0 ${size} ${size}`, `${Buffer.byteLength(u)} bytes → ${n} modules and the quiet zone`);
    const cells = darkCells(elements.find((e) => e.name === "path")!.attrs.d!);
    for (const c of cells) {
      const [x, y] = c.split(",").map(Number) as [number, number];
      assert.ok(x >= 4 && y >= 4 && x < 4 + n && y < 4 + n, "nothing dark in the quiet zone");
    }
    // the three finder patterns: a dark 7×7 ring, a light ring, a dark 3×3 core
    for (const [ox, oy] of [[4, 4], [4 + n - 7, 4], [4, 4 + n - 7]] as const) {
      for (let dy = 0; dy < 7; dy++) {
        for (let dx = 0; dx < 7; dx++) {
          const ring = dx === 0 || dy === 0 || dx === 6 || dy === 6;
          const core = dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4;
          assert.equal(cells.has(`${ox + dx},${oy + dy}`), ring || core, `finder at ${ox},${oy} (${dx},${dy})`);
        }
      }
    }
  }
});

test("the URI is only in the modules: markup in it cannot reach the SVG, and the secret is not text", () => {
  const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const hostile = `otpauth://totp/</title><script>alert(1)</script>&amp;"'?secret=${secret}`;
  for (const u of [uri(secret), hostile, "otpauth://totp/銀行:利用者?secret=AB"]) {
    const svg = otpQrSvg(u);
    parseXml(svg);
    assert.ok(!svg.includes(secret), "the secret is not echoed");
    assert.ok(!svg.includes("otpauth"), "the URI is not echoed");
    assert.doesNotMatch(svg, /script|alert|&/i);
    assert.deepEqual([...svg.matchAll(/<(\w+)/g)].map((m) => m[1]), ["svg", "title", "rect", "path"]);
  }
  // different URIs, different pictures; the same URI, the same picture
  assert.notEqual(otpQrSvg(uri("AAAAAAAAAAAAAAAA")), otpQrSvg(uri("BBBBBBBBBBBBBBBB")));
  assert.equal(otpQrSvg(uri(secret)), otpQrSvg(uri(secret)));
});
