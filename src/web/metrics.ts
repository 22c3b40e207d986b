import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
