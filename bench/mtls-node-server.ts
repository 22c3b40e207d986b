/**
 * The floor under Inkan's mutual-TLS figure: a bare node:https server with the TLS options Inkan's
 * server uses (src/web/server.ts: the same key, passphrase and certificate, requestCert,
 * rejectUnauthorized false, the bank's issuing CA and root, TLS 1.2 minimum, Node's defaults for
 * everything else) that reads the presented certificate as Inkan does and answers a fixed body.
 * Measured beside Inkan, it tells how much of Inkan's cost per login is Node's TLS and HTTP and how
 * much is Inkan's own (Fastify, the session, the certificate's status from the database); run with
 * the other way of reading the certificate, what that way would save.
 *
 *   node --import tsx bench/mtls-node-server.ts '{"port":8443,"key":"server.key.pem",...}'
 * Prints "listening" once it accepts connections.
 */
import { createServer } from "node:https";
import { readFileSync } from "node:fs";
import type { TLSSocket } from "node:tls";

export interface NodeServerOptions {
  port: number;
  key: string;
  passphrase: string;
  cert: string;
  ca: string[];
  /**
   * how the presented certificate is read: as src/web/client-cert.ts does (getPeerCertificate,
   * which builds Node's legacy object with three fingerprints), or with getPeerX509Certificate
   */
  peer: "getPeerCertificate" | "getPeerX509Certificate";
}

const o = JSON.parse(process.argv[2] ?? "{}") as NodeServerOptions;
const body = '{"ok":true}\n';
const server = createServer(
  {
    key: readFileSync(o.key, "utf8"),
    passphrase: o.passphrase,
    cert: readFileSync(o.cert, "utf8"),
    requestCert: true,
    rejectUnauthorized: false,
    ca: o.ca.map((f) => readFileSync(f, "utf8")),
    minVersion: "TLSv1.2",
  },
  (req, res) => {
    const socket = req.socket as TLSSocket;
    let ok: boolean;
    if (o.peer === "getPeerX509Certificate") ok = (socket.getPeerX509Certificate()?.raw.length ?? 0) > 0;
    else {
      // what src/web/client-cert.ts does on every request
      const peer = socket.getPeerCertificate(false);
      ok = !!(peer && peer.raw && peer.raw.length > 0);
    }
    res.writeHead(ok ? 200 : 400, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  },
);
server.listen(o.port, "127.0.0.1", () => process.stdout.write("listening\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
