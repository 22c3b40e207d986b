import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "node:http";
import type { Server as TlsServer } from "node:tls";
import { tlsListenerOptions } from "../web/transport.js";
import type { FastifyInstance } from "fastify";
import { toPem } from "../ca/certificate-builder.js";
import { ensureServerTls } from "../ca/server-tls.js";
import { buildServers } from "../web/server.js";
import { buildStaffServer, staffCsrfKey } from "../web/staff-server.js";
import { Metrics } from "../web/metrics.js";
import { metricsServer } from "../web/metrics-server.js";
import type { Runtime } from "./runtime.js";
import { systemClock } from "../domain/clock.js";
import { Notifier } from "../notify/notifier.js";
import { Throttle } from "../web/throttle.js";
import { AuditCheckpointer } from "../audit/checkpoints.js";
import { FileSink, StdoutSink, defaultSinkFile } from "../audit/checkpoint-sink.js";
import { openAuditSigner } from "../ca/audit-key.js";
import { caExpiries } from "../ca/ca-expiries.js";

/**
 * Writes each bank's CA certificates as PEM files people and scripts can point OpenSSL at:
 * root.pem, issuing.pem and ocsp.pem of the active generation; chain.pem (the nginx bundle) with
 * every live generation then the root; issuing-G<n>.pem and ocsp-G<n>.pem for each generation.
 */
export function writeCaFiles(rt: Runtime): void {
  for (const id of rt.ca.bankIds()) {
    const b = rt.ca.bank(id)!;
    const dir = join(rt.config.dataDir, "ca", id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, "root.pem"), toPem(b.root.der));
    writeFileSync(join(dir, "issuing.pem"), toPem(b.issuing.der));
    writeFileSync(join(dir, "chain.pem"), rt.ca.chain(id)!.map((d) => toPem(d)).join(""));
    writeFileSync(join(dir, "ocsp.pem"), toPem(b.ocsp.der));
    for (const g of rt.ca.liveGenerations(id)) {
      writeFileSync(join(dir, `issuing-G${g.generation.number}.pem`), toPem(g.issuing.der));
      writeFileSync(join(dir, `ocsp-G${g.generation.number}.pem`), toPem(g.ocsp.der));
    }
  }
  writeFileSync(join(rt.config.dataDir, "ca", "staff-ca.pem"), rt.staffCa.pem);
}

/** The CA names the HTTPS listener asks a client certificate of: every live generation and root. */
function clientCas(rt: Runtime): string[] {
  return rt.ca.bankIds().flatMap((id) => rt.ca.chain(id)!.map((d) => toPem(d)));
}

export interface Serving {
  https: FastifyInstance;
  http: FastifyInstance;
  notifier: Notifier;
  httpsPort: number;
  httpPort: number;
  /** the bank staff console, on its own origin */
  staff: FastifyInstance;
  staffPort: number;
  /** Prometheus metrics, on their own listener (loopback by default) */
  metricsPort: number;
  stop(): Promise<void>;
}

/** How long a request in flight may take to finish once the node is asked to stop. */
export const STOP_GRACE_MS = 2500;

/** Signed audit checkpoints to the configured sink, with the key under <dataDir>/audit/. */
export function auditCheckpointer(rt: Runtime): AuditCheckpointer {
  const sink = rt.config.audit.sink === "stdout" ? new StdoutSink() : new FileSink(rt.config.audit.file ?? defaultSinkFile(rt.config.dataDir));
  return new AuditCheckpointer({ store: rt.store, clock: rt.clock, signer: openAuditSigner(rt.config.dataDir, rt.passphrase), sink, bankIds: rt.ca.bankIds() });
}

function port(app: FastifyInstance | { server: Server }): number {
  const a = app.server.address();
  return typeof a === "object" && a ? a.port : 0;
}

/** Starts both listeners, the status poll and crash recovery. */
export async function serve(rt: Runtime): Promise<Serving> {
  // a serving process never holds a root token's PIN (docs/ca-ceremony.md): refused before it listens
  const rootPins = rt.config.banks.filter((b) => b.rootKeyStore?.kind === "pkcs11" && b.rootKeyStore.pin).map((b) => b.id);
  if (rootPins.length) throw new Error(`INKAN_ROOT_PKCS11_PIN is set (banks ${rootPins.join(", ")}): a serving process never holds the root token's PIN; unset it and start again (only the root ceremonies need it)`);
  const recovered = await rt.lifecycle.recover();
  if (recovered > 0) rt.log.warn({ recovered }, "finished certificates left unsigned by an earlier crash");
  writeCaFiles(rt);
  // the server's own certificate faces real clients and their real clocks, whatever clock the
  // rules run on (tests move an injected one across years)
  const tls = await ensureServerTls(rt.config.dataDir, rt.config.serverNames, rt.passphrase, systemClock);
  const clientCaPem = clientCas(rt);
  const metrics = new Metrics();
  metrics.watchCa(() => ({
    now: rt.clock.now(),
    ...caExpiries(rt.ca),
    issuance: rt.ca.bankIds().flatMap((bank) => {
      const h = rt.lifecycle.issuerHorizon(bank);
      return h ? [{ bank, lastIssuance: h.lastIssuance }] : [];
    }),
  }));
  const throttle = await Throttle.open({ config: rt.config.throttle });
  // the app handed out knows where it came from: the public address, and the server's own CA
  // unless TLS ends at a proxy with a certificate of its own (publicHttpsUrl), where the system's CAs verify it
  let appServer = rt.urls.https;
  const appServerCa = rt.config.publicHttpsUrl ? undefined : tls.caPem;
  const { https, http } = await buildServers({
    lifecycle: rt.lifecycle,
    ca: rt.ca.statusView(),
    metrics,
    tls,
    clientCaPem,
    logger: rt.log,
    bodyLimit: rt.config.bodyLimit,
    proxy: rt.config.proxy,
    timeouts: rt.config.timeouts,
    throttle,
    appEmbedded: () => ({ server: appServer, serverCaPem: appServerCa }),
    health: async () => {
      try {
        await rt.store.listBanks();
        return { ok: true, detail: { database: rt.store.dialect, banks: rt.ca.bankIds() } };
      } catch {
        return { ok: false, detail: { database: "unreachable" } };
      }
    },
  });
  // a rollover or a drill (a ceremony, often in another process) changes what clients are asked for
  rt.ca.onGenerationsChanged(() => {
    writeCaFiles(rt);
    const { minVersion, ciphers, ecdhCurve, honorCipherOrder, secureOptions } = tlsListenerOptions(rt.config.timeouts);
    (https.server as unknown as TlsServer).setSecureContext({ key: tls.key, passphrase: tls.passphrase, cert: tls.cert, ca: clientCas(rt), minVersion, ciphers, ecdhCurve, honorCipherOrder, secureOptions });
  });
  await https.listen({ host: rt.config.host, port: rt.config.httpsPort });
  if (!rt.config.publicHttpsUrl) appServer = appServer.replace(/:\d+$/, `:${port(https)}`);
  await http.listen({ host: rt.config.host, port: rt.config.httpPort });
  const staff = await buildStaffServer({
    lifecycle: rt.lifecycle,
    staffCaPem: rt.staffCa.pem,
    tls,
    logger: rt.log,
    bodyLimit: rt.config.bodyLimit,
    csrfKey: staffCsrfKey(rt.passphrase),
    clock: rt.clock,
    timeouts: rt.config.timeouts,
    portalUrl: rt.urls.https,
  });
  await staff.listen({ host: rt.config.host, port: rt.config.staffPort });
  const metricsListener = metricsServer(metrics, rt.config.timeouts);
  await new Promise<void>((resolve, reject) => {
    metricsListener.once("error", reject);
    metricsListener.listen(rt.config.metrics.port, rt.config.metrics.host, () => resolve());
  });
  rt.ca.startPolling(rt.config.statusPollMs);
  const notifier = new Notifier(rt.store, rt.clock, rt.config, rt.log);
  notifier.start();
  const checkpoints = auditCheckpointer(rt);
  checkpoints.start(rt.config.audit.checkpointMs);
  return {
    https,
    http,
    notifier,
    httpsPort: port(https),
    httpPort: port(http),
    staff,
    staffPort: port(staff),
    metricsPort: port({ server: metricsListener }),
    async stop() {
      // no new scheduled round (notice delivery, status poll with its CRL rebuild); those under way go on
      rt.ca.stop();
      const rounds = notifier.stop();
      // no new connection; idle kept-alive ones close; requests in flight get STOP_GRACE_MS, then
      // their connections are cut (a request is one transaction: cut, it is as if never sent)
      const servers = [https.server, http.server, staff.server, metricsListener];
      const cut = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), STOP_GRACE_MS);
      await Promise.all([https.close(), http.close(), staff.close(), new Promise((r) => metricsListener.close(r))]);
      clearTimeout(cut);
      // the poll under way and any CRL build the requests asked for finish before the database closes
      await Promise.all([rounds, rt.ca.close()]);
      // after the listeners: what was done until the last request is signed
      await checkpoints.stop().catch((err) => rt.log.error({ err }, "final audit checkpoint failed"));
    },
  };
}
