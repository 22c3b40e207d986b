import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { newKeyAndCsr } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { rootOperations } from "../src/cli/runtime.js";
import { REVOCATION_REASONS } from "../src/domain/certificate.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "tbank";
const BASE = { address: "127.0.0.1" };

/**
 * While a drill's command (another process) resets a revoked generation's holders batch by batch,
 * the serving process does not rebuild that generation's ever longer CRL at every status poll — the
 * root's CRL already has every verifier refuse the generation whole — but publishes it once its
 * records have stood still for a moment. The active generation's CRL is rebuilt at the first poll
 * that sees a change, as before.
 */
for (const db of DATABASES) {
  describe(`a revoked generation's CRL waits for the drill to settle (${db})`, () => {
    let h: Harness;
    const lines: string[] = [];
    const clock = new FakeClock(Date.parse("2027-03-01T00:00:00Z"));
    before(async () => {
      h = await startHarness({ db, clock, serve: false, logLines: lines, banks: [testBank(BANK)] });
      const contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      for (const u of ["g1one001", "g1two002", "g1thr003", "g2one004"]) await h.addUser(BANK, contractId, u, "general");
    });
    after(async () => h?.close());

    const acquire = async (loginId: string) => {
      const c = await h.rt.lifecycle.enrollWithPassword(BANK, { loginId, password: "Pass1234", csrBody: (await newKeyAndCsr()).csrB64 }, BASE);
      await h.rt.lifecycle.useCertificate(BANK, c.der, BASE, "test");
      return c;
    };
    const builds = (generation: number) => lines.filter((l) => l.includes('"CRL rebuilt"') && JSON.parse(l).generation === generation).length;
    const entries = (caId: number) => new x509.X509Crl(Buffer.from(h.rt.ca.crl(BANK, caId)!.der)).entries.length;
    /** what another process's write does: records change, and this process learns of it only at its poll */
    const revokeElsewhere = (c: { serial: string; der: Uint8Array }, caId: number) =>
      h.rt.store.write(BANK, (w) => w.revokeAll([{ serial: c.serial, caId, notAfter: new x509.X509Certificate(Buffer.from(c.der)).notAfter }], { reason: REVOCATION_REASONS.cACompromise, state: "revoked", actor: "cli:elsewhere", at: clock.now(), notify: false }));

    test("batches of the drill change G1's records: no G1 build until they stand still; a G2 revocation is published at the first poll", async () => {
      const g1Certs = [await acquire("g1one001"), await acquire("g1two002"), await acquire("g1thr003")];
      const g1 = h.rt.ca.bank(BANK)!.issuing.id;
      await (await rootOperations(h.rt)).rollover(BANK, "ceremony");
      const g2Cert = await acquire("g2one004");
      const g2 = h.rt.ca.bank(BANK)!.issuing.id;
      await (await rootOperations(h.rt)).revokeGeneration(BANK, 1, "cACompromise", "ceremony");
      await h.rt.ca.poll();
      const before = builds(1);

      for (const c of g1Certs) {
        await revokeElsewhere(c, g1);
        clock.set(clock.now().getTime() + 500);
        await h.rt.ca.poll();
        assert.equal(builds(1), before, "no G1 CRL while its records are changing");
      }
      assert.equal(entries(g1), 0);
      clock.set(clock.now().getTime() + 1000);
      await h.rt.ca.poll();
      assert.equal(builds(1), before, "under two seconds of quiet: still waiting");
      clock.set(clock.now().getTime() + 1500);
      await h.rt.ca.poll();
      assert.equal(builds(1), before + 1, "once quiet, one build");
      assert.equal(entries(g1), 3, "with every revocation of the drill");

      const g2Before = builds(2);
      await revokeElsewhere(g2Cert, g2);
      await h.rt.ca.poll();
      assert.equal(builds(2), g2Before + 1, "the active generation's CRL is rebuilt at the first poll");
      assert.equal(entries(g2), 1);
    });
  });
}
