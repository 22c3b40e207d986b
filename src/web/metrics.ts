import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** What the CA gauges read at each scrape (seconds are computed then, on the CA's clock). */
export interface CaReadings {
  /** per bank: when the active issuing generation stops being allowed to sign (issuer_expiring) */
  issuance: Array<{ bank: string; lastIssuance: Date }>;
  /** every CA and OCSP responder certificate served (kind root | issuing | ocsp; generation G1, G2, … or "" for the root) */
  certificates: Array<{ bank: string; kind: string; generation: string; notAfter: Date }>;
  /** every CRL served (ca: root, G1, G2, …) */
  crls: Array<{ bank: string; ca: string; nextUpdate: Date }>;
  now: Date;
}

/** The service's Prometheus metrics; one registry per server so tests can run several. */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Histogram({
    name: "inkan_http_request_duration_seconds",
    help: "HTTP requests by route and status",
    labelNames: ["route", "method", "status"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly issued = new Counter({ name: "inkan_certificates_issued_total", help: "certificates issued", labelNames: ["bank"], registers: [this.registry] });
  readonly refused = new Counter({ name: "inkan_requests_refused_total", help: "requests refused, by reason", labelNames: ["bank", "reason"], registers: [this.registry] });
  readonly ocsp = new Counter({ name: "inkan_ocsp_responses_total", help: "OCSP answers", labelNames: ["bank"], registers: [this.registry] });

  private caReadings: (() => CaReadings) | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const read = () => this.caReadings?.();
    this.caGauges(read);
    new Gauge({
      name: "inkan_issuing_ca_issuance_seconds_left",
      help: "seconds until the bank's active issuing CA generation may no longer sign (a certificate must not outlive it): roll over before 0",
      labelNames: ["bank"],
      registers: [this.registry],
      collect() {
        const r = read();
        this.reset();
        for (const i of r?.issuance ?? []) this.set({ bank: i.bank }, Math.round((i.lastIssuance.getTime() - r!.now.getTime()) / 1000));
      },
    });
  }

  private caGauges(read: () => CaReadings | undefined): void {
    new Gauge({
      name: "inkan_ca_certificate_expiry_timestamp_seconds",
      help: "when each CA and OCSP responder certificate runs out (Unix time)",
      labelNames: ["bank", "kind", "generation"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of read()?.certificates ?? []) this.set({ bank: c.bank, kind: c.kind, generation: c.generation }, Math.floor(c.notAfter.getTime() / 1000));
      },
    });
    new Gauge({
      name: "inkan_crl_next_update_timestamp_seconds",
      help: "nextUpdate of each CRL served (Unix time): the root's and each live generation's",
      labelNames: ["bank", "ca"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of read()?.crls ?? []) this.set({ bank: c.bank, ca: c.ca }, Math.floor(c.nextUpdate.getTime() / 1000));
      },
    });
  }

  /** The CA's state, read at every scrape. */
  watchCa(read: () => CaReadings): void {
    this.caReadings = read;
  }
}
