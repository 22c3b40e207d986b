import { constants } from "node:crypto";

/**
 * What every listener shares below HTTP: the TLS profile and how long a client may take. A slow
 * client is cut off, never waited for: a connection that trickles its headers or body, or sits idle,
 * holds a socket and memory that real customers need.
 */
export interface ListenerTimeouts {
  /** from the TCP connection to a finished TLS handshake */
  handshakeMs: number;
  /** from the start of a request to the end of its headers */
  headersMs: number;
  /** from the start of a request to the last byte of its body */
  requestMs: number;
  /** a kept-alive connection with no request in it */
  keepAliveMs: number;
  /** a socket with no byte moving either way (a client that stops reading the answer) */
  idleMs: number;
}

/**
 * Mozilla's "intermediate" profile (TLS 1.3, and TLS 1.2 for older clients) without its DHE suites:
 * ECDHE key exchange and AEAD ciphers only, so no CBC (LUCKY13) and no SHA-1 MAC. The TLS 1.3 names
 * are listed too: a list without them would turn TLS 1.3 off.
 */
export const TLS_CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

/** Node's own per-request timers (headers, whole request) are checked at this interval. */
function checkingInterval(t: ListenerTimeouts): number {
  return Math.max(50, Math.min(1000, Math.floor(Math.min(t.headersMs, t.requestMs) / 4)));
}

/** node:http's options for the timeouts (given at creation: the checking interval cannot be changed later). */
export function httpTimeoutOptions(t: ListenerTimeouts) {
  return {
    // node refuses a headers timeout longer than the whole request's
    headersTimeout: Math.min(t.headersMs, t.requestMs),
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: checkingInterval(t),
  };
}

/** Fastify's names for the same timeouts (it sets them on the server it makes, over node's). */
export function fastifyTimeoutOptions(t: ListenerTimeouts) {
  return { connectionTimeout: t.idleMs, keepAliveTimeout: t.keepAliveMs, requestTimeout: t.requestMs };
}

/**
 * The TLS and HTTP options of an HTTPS listener: the profile above, client-initiated renegotiation
 * refused (SSL_OP_NO_RENEGOTIATION: a renegotiation costs the server a handshake each time and
 * gains a client nothing here, the certificate is asked for in the first one), and the timeouts.
 */
export function tlsListenerOptions(t: ListenerTimeouts) {
  return {
    minVersion: "TLSv1.2" as const,
    ciphers: TLS_CIPHERS,
    ecdhCurve: "X25519:prime256v1:secp384r1",
    // Mozilla intermediate: every suite offered is strong, so the client's preference (e.g. ChaCha20
    // on phones without AES instructions) may choose
    honorCipherOrder: false,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
    handshakeTimeout: t.handshakeMs,
    ...httpTimeoutOptions(t),
  };
}

/**
 * An HTTPS listener that asks every client for a certificate and lets the handshake through
 * without one: the application decides (a refusal screen that says why beats a failed handshake),
 * with the CAs in `ca` offered to the client as acceptable issuers.
 */
export function clientCertificateListener(tls: { key: string | Buffer; passphrase?: string; cert: string | Buffer }, ca: string | Buffer | Array<string | Buffer>, t: ListenerTimeouts) {
  return { key: tls.key, passphrase: tls.passphrase, cert: tls.cert, requestCert: true, rejectUnauthorized: false, ca, ...tlsListenerOptions(t) };
}
