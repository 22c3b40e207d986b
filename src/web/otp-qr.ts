import qrcode from "qrcode-generator";

/** What a screen reader says for the picture; the URI itself (it holds the secret) is never text. */
export const OTP_QR_TITLE = "ワンタイムパスワード登録用QRコード / QR code for one-time password registration";

/** Quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4). */
const QUIET = 4;

/**
 * The QR code of a TOTP enrolment URI (otpauth://…) as an SVG string, for the OTP enrolment screen.
 * Error correction M, the smallest version that holds the URI as UTF-8 bytes. The URI appears only
 * as dark modules: the SVG's text is a fixed title and numbers, so nothing of the input can reach
 * the markup, and the secret is not in the page's text for anything that reads it.
 * Each dark run of a row is one `h` segment of a single path: a small, crisp image at any size.
 */
export function otpQrSvg(otpauthUri: string): string {
  const qr = qrcode(0, "M");
  // the library's default byte conversion keeps the low 8 bits of each UTF-16 unit: hand it UTF-8
  // bytes one per character so that any character survives
  qr.addData(Buffer.from(otpauthUri, "utf8").toString("latin1"), "Byte");
  qr.make();
  const n = qr.getModuleCount();
  const size = n + 2 * QUIET;
  let d = "";
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.isDark(row, col)) col++;
      d += `M${start + QUIET} ${row + QUIET}h${col - start}v1h-${col - start}z`;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size * 4}" height="${size * 4}" role="img" aria-labelledby="otp-qr-title" shape-rendering="crispEdges">` +
    `<title id="otp-qr-title">${OTP_QR_TITLE}</title>` +
    `<rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path fill="#000" d="${d}"/>` +
    `</svg>`
  );
}
