import type { FastifyRequest } from "fastify";
import type { TLSSocket } from "node:tls";

/**
 * The DER of the client certificate presented on this request's TLS connection, if any. Whether it
 * is any good is decided by lifecycle/, never by Node's own verdict (which uses the wall clock).
 */
export function presentedCertificate(req: FastifyRequest): Uint8Array | undefined {
  const socket = req.raw.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== "function") return undefined;
  const peer = socket.getPeerCertificate(false);
  return peer && peer.raw && peer.raw.length > 0 ? new Uint8Array(peer.raw) : undefined;
}

export function requestContext(req: FastifyRequest) {
  return { address: req.ip };
}
