import type { FastifyInstance, FastifyRequest } from "fastify";
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import type { TLSSocket } from "node:tls";

/**
 * The certificates that trusted proxies passed in the configured header, by request: `null` when
 * the request came from a trusted proxy without one (so the proxy's own TLS connection, which may
 * carry many users' requests, is never read as a user's). Requests absent from the map were not
 * proxied: their certificate is the one on their own TLS connection.
 */
const proxied = new WeakMap<IncomingMessage, Uint8Array | null>();

/**
 * The DER of the client certificate this request presents, if any: the one on its TLS connection,
 * or — when the connection comes from a trusted proxy (see trustProxyCertificates) — the one the
 * proxy passed in its header. Whether it is any good is decided by lifecycle/ in both cases, never
 * by Node's own verdict (which uses the wall clock) nor by the proxy's.
 */
export function presentedCertificate(req: FastifyRequest): Uint8Array | undefined {
  const fromProxy = proxied.get(req.raw);
  if (fromProxy !== undefined) return fromProxy ?? undefined;
  const socket = req.raw.socket as TLSSocket;
  // getPeerX509Certificate skips the three fingerprints getPeerCertificate computes (measured
  // 35–195 µs a request); only the DER is needed here
  if (typeof socket.getPeerX509Certificate !== "function") return undefined;
  const raw = socket.getPeerX509Certificate()?.raw;
  return raw && raw.length > 0 ? new Uint8Array(raw) : undefined;
}

export function requestContext(req: FastifyRequest) {
  return { address: req.ip };
}

export interface ProxyOptions {
  /** TCP peers whose certificate header is believed: IPv4/IPv6 addresses or CIDR blocks */
  trustedAddresses: string[];
  /** the header carrying the client certificate (nginx: $ssl_client_escaped_cert) */
  certificateHeader: string;
}

/**
 * Whether a TCP peer address is one of the trusted proxies. IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.5`, as a listener on `::` sees IPv4 peers) count as their IPv4 address. The same
 * function is Fastify's `trustProxy`, so `req.ip` follows X-Forwarded-For exactly as far as the
 * certificate header is believed.
 */
export function proxyTrust(addresses: string[]): (address: string | undefined) => boolean {
  if (addresses.length === 0) return () => false;
  const list = new BlockList();
  for (const a of addresses) {
    const [net, bits] = a.split("/");
    const type = isIP(net ?? "") === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(net!, type);
    else list.addSubnet(net!, Number(bits), type);
  }
  return (address) => {
    if (!address) return false;
    const v4 = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : undefined;
    if (v4) return list.check(v4, "ipv4");
    return list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
  };
}

/**
 * A certificate as a proxy passes it: nginx's `$ssl_client_escaped_cert` (URL-encoded PEM), plain
 * PEM (newlines possibly turned into spaces or tabs), or base64 DER (HAProxy's `ssl_c_der,base64`).
 * Undefined when it is none of these.
 */
export function decodeCertificateHeader(value: string): Uint8Array | undefined {
  let text = value.trim();
  if (text.includes("%")) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  const pem = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/.exec(text);
  const b64 = (pem ? pem[1]! : text).replace(/\s+/g, "");
  if (b64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const der = Buffer.from(b64, "base64");
  // a DER SEQUENCE, or nothing a certificate check could make sense of
  return der.length > 16 && der[0] === 0x30 ? new Uint8Array(der) : undefined;
}

/**
 * Makes presentedCertificate(req) read the certificate from `certificateHeader` on requests whose
 * TCP peer (the socket's address, never X-Forwarded-For) is a trusted proxy. From a trusted proxy
 * only the header counts (absent: no certificate). From anyone else the header is ignored, and a
 * request carrying it is logged at warn, without its value.
 */
export function trustProxyCertificates(app: FastifyInstance, o: ProxyOptions): void {
  const trusted = proxyTrust(o.trustedAddresses);
  const name = o.certificateHeader.toLowerCase();
  app.addHook("onRequest", (req, _reply, done) => {
    const value = req.headers[name];
    const peer = req.raw.socket.remoteAddress;
    if (trusted(peer)) {
      const text = Array.isArray(value) ? value.join(",") : value;
      const der = text ? decodeCertificateHeader(text) : undefined;
      if (text && !der) req.log.warn({ peer, header: name }, "a trusted proxy passed a certificate header that is not a certificate; treated as none");
      proxied.set(req.raw, der ?? null);
    } else if (value !== undefined) {
      req.log.warn({ peer, header: name }, "certificate header from an address that is not a trusted proxy: ignored");
    }
    done();
  });
}
