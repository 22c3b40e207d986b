import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { estEnroll, newKeyAndCsr } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { rootOperations } from "../src/cli/runtime.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "tbank";
const DAY = 86_400_000;

for (const db of DATABASES) {
  describe(`no certificate outlives its issuer: warned a year ahead, then refused, until a rollover (${db})`, () => {
    let h: Harness;
    const clock = new FakeClock("2027-01-10T01:00:00Z");
    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK)] });
      const contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      for (const u of ["user01", "user02", "user03", "user04"]) await h.addUser(BANK, contractId, u, "general");
    });
    after(async () => h?.close());

    const scrape = async () => (await fetch(`http://127.0.0.1:${h.serving!.metricsPort}/metrics`)).text();
    /** the value of one series, by its exact label text */
    async function series(name: string, labels: string): Promise<number | undefined> {
      const line = (await scrape()).split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
    }
    async function gauge(): Promise<number> {
      const text = await scrape();
      const m = /^inkan_issuing_ca_issuance_seconds_left\{bank="tbank"\} (-?\d+)$/m.exec(text);
      assert.ok(m, text.slice(0, 400));
      return Number(m[1]);
    }

    test("the gauge counts down; within the last year the dashboard rule warns; past the last day issuance is refused (ja/en); a rollover lifts it", async () => {
      const issuerEnd = h.rt.ca.bank(BANK)!.issuingNotAfter.getTime();
      assert.equal((await estEnroll(h, BANK, "user01", "Pass1234", await newKeyAndCsr())).status, 200);
      const left = await gauge();
      assert.ok(left > 8 * 365 * 86_400 && left < 9 * 365 * 86_400, `about 10 years less a validity and ~60 days: ${left}`);
      assert.equal(h.rt.lifecycle.issuerHorizon(BANK)!.state, "ok");

      // half a year before the last allowed issuance: warned, still issued
      const last = h.rt.lifecycle.issuerHorizon(BANK)!.lastIssuance.getTime();
      assert.ok(last < issuerEnd - 365 * DAY - 60 * DAY);
      clock.set(last - 180 * DAY);
      assert.equal(h.rt.lifecycle.issuerHorizon(BANK)!.state, "warn");
      const g = await gauge();
      assert.ok(g > 179 * 86_400 && g <= 180 * 86_400, String(g));
      const warned = await estEnroll(h, BANK, "user02", "Pass1234", await newKeyAndCsr());
      assert.equal(warned.status, 200, warned.text);
      const notAfter = new x509.X509Certificate(warned.identity!.certPem).notAfter.getTime();
      assert.ok(notAfter + 30 * DAY < issuerEnd, "the certificate and its renewal window end before its issuer");

      // a day past it: refused, in Japanese then English, and audited as a refusal
      clock.set(last + DAY);
      const refused = await estEnroll(h, BANK, "user03", "Pass1234", await newKeyAndCsr());
      assert.equal(refused.status, 503);
      assert.match(refused.text, /現在、証明書を発行できません。金融機関の発行CAの切替え中です/);
      assert.match(refused.text, /Certificates cannot be issued at the moment: the bank's issuing CA is being replaced/);
      assert.ok((await gauge()) < 0);
      assert.equal(h.rt.lifecycle.issuerHorizon(BANK)!.state, "refuse");
      const audit = await h.rt.store.auditEvents({ bankId: BANK, from: new Date(last), to: new Date(last + 2 * DAY), limit: 10 });
      assert.ok(audit.some((e: any) => e.result === "refused" && JSON.stringify(e.detail ?? e).includes("issuer_expiring")), JSON.stringify(audit));

      // the way out: a rollover (a ceremony with the root's own store), and issuance goes on with G2
      const made = await (await rootOperations(h.rt)).rollover(BANK, "test");
      assert.equal(made.generation, 2);
      const after = await estEnroll(h, BANK, "user03", "Pass1234", await newKeyAndCsr());
      assert.equal(after.status, 200, after.text);
      assert.match(new x509.X509Certificate(after.identity!.certPem).issuer, /TEST CA - G2$/);
      assert.equal(h.rt.lifecycle.issuerHorizon(BANK)!.state, "ok");
      assert.ok((await gauge()) > 8 * 365 * 86_400);
    });

    test("every CA and OCSP responder certificate's end and every CRL's nextUpdate is a gauge, each live generation's too", async () => {
      const sec = (d: Date | number) => Math.floor(new Date(d).getTime() / 1000);
      const gens = h.rt.ca.liveGenerations(BANK);
      assert.deepEqual(gens.map((g) => g.generation.number), [2, 1]);
      for (const g of gens) {
        const n = `G${g.generation.number}`;
        assert.equal(await series("inkan_ca_certificate_expiry_timestamp_seconds", `bank="tbank",kind="issuing",generation="${n}"`), sec(g.issuingNotAfter));
        assert.equal(await series("inkan_ca_certificate_expiry_timestamp_seconds", `bank="tbank",kind="ocsp",generation="${n}"`), sec(new x509.X509Certificate(Buffer.from(g.ocsp.der)).notAfter));
        assert.equal(await series("inkan_crl_next_update_timestamp_seconds", `bank="tbank",ca="${n}"`), sec(h.rt.ca.crl(BANK, g.issuing.id)!.nextUpdate));
      }
      const root = gens[0]!.root;
      assert.equal(await series("inkan_ca_certificate_expiry_timestamp_seconds", `bank="tbank",kind="root",generation=""`), sec(new x509.X509Certificate(Buffer.from(root.der)).notAfter));
      assert.equal(await series("inkan_crl_next_update_timestamp_seconds", `bank="tbank",ca="root"`), sec(h.rt.ca.crl(BANK, root.id)!.nextUpdate));
    });
  });
}
