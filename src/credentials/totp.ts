import { TOTP, Secret } from "otpauth";

/** RFC 6238: SHA-1, 6 digits, 30-second steps, as every authenticator app and bank token uses. */
const PERIOD = 30;

function totp(secretBase32: string, label = "", issuer = "Inkan") {
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/**
 * The time step a code belongs to, within ±1 step of now, or undefined. The caller accepts each
 * step at most once (replay) by recording the last step used.
 */
export function totpStep(secretBase32: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secretBase32).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}

export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** otpauth:// URI for authenticator apps (the QR code on the enrolment screen encodes this). */
export function totpUri(secretBase32: string, issuer: string, loginId: string): string {
  return totp(secretBase32, loginId, issuer).toString();
}
