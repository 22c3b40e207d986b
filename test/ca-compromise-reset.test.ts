import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { newKeyAndCsr } from "./support/client.js";
import { openRuntime, rootOperations } from "../src/cli/runtime.js";
import { loadConfig } from "../src/config/load.js";
import { resetAfterIssuerRevoked } from "../src/lifecycle/ca-compromise.js";
import { verifyAuditChain } from "../src/audit/verify.js";
import { REVOCATION_REASONS } from "../src/domain/certificate.js";

const BANK = "tbank";
const BASE = { address: "127.0.0.1" };

/**
 * The drill's reset, user by user, over several write transactions (two holders a batch here):
 * every live certificate of the revoked generation is revoked with cACompromise; a holder left with
 * nothing returns to 未発行 — sessions ended, one security notice named for their newest revoked
 * certificate, one audit record — while a holder whose renewal already gave them a newer
 * generation's certificate keeps it, their session and no notice. Nobody else is touched, and a
 * second run changes nothing.
 */
for (const db of DATABASES) {
  describe(`compromise drill: the revoked generation's holders, batch by batch (${db})`, () => {
    let h: Harness;
    const ids: Record<string, number> = {};
    let contractId: number;
    before(async () => {
      // renewal open at once, so that a certificate can be renewed today
      h = await startHarness({ db, serve: false, banks: [testBank(BANK, { policy: { validity: "P40D", renewalWindow: "P42D" } as any })] });
      contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      for (const u of ["one00001", "two00002", "kept0003", "sess0004", "g2only05", "gone0006"]) ids[u] = await h.addUser(BANK, contractId, u, "general");
    });
    after(async () => h?.close());

    async function acquire(loginId: string) {
      const kc = await newKeyAndCsr();
      const c = await h.rt.lifecycle.enrollWithPassword(BANK, { loginId, password: "Pass1234", csrBody: kc.csrB64 }, BASE);
      await h.rt.lifecycle.useCertificate(BANK, c.der, BASE, "test");
      return c;
    }
    async function renew(loginId: string, current: Uint8Array) {
      const kc = await newKeyAndCsr();
      return h.rt.lifecycle.renew(BANK, { presented: current, loginId, password: "Pass1234", csrBody: kc.csrB64 }, BASE);
    }
    const session = (loginId: string) => h.rt.store.write(BANK, (w) => w.addSession({ idHash: `s-${loginId}`, userId: ids[loginId]!, certSerial: null, csrf: "c", at: new Date() }));
    const sessionCount = async (loginId: string) => (await h.rt.store.getSession(BANK, `s-${loginId}`)) ? 1 : 0;
    const certs = (loginId: string) => h.rt.store.userCertificates(BANK, ids[loginId]!);
    const notices = (loginId: string) => h.rt.store.notices.forRecipient(BANK, ids[loginId]!, ["ca_compromised"]);

    test("revoked with cACompromise, reset and notified once each, the renewed holder kept, the rest untouched, all audited", async () => {
      await acquire("one00001");
      const two = await acquire("two00002");
      // an active G1 certificate and a pending G1 renewal of it
      const twoPending = await renew("two00002", two.der);
      const kept = await acquire("kept0003");
      await acquire("sess0004");
      const gone = await acquire("gone0006");
      await h.rt.lifecycle.revoke(BANK, { serial: gone.serial, reason: "keyCompromise" }, { actorKind: "cli", actorId: "test" });
      // one certificate revoked the ordinary way: its holder is told by a "revoked" notice
      assert.deepEqual((await h.rt.store.notices.forRecipient(BANK, ids.gone0006!, ["revoked"])).map((n) => n.certSerial), [gone.serial]);
      for (const u of ["kept0003", "sess0004", "g2only05"]) await session(u);

      const g1 = h.rt.ca.bank(BANK)!.issuing.id;
      await (await rootOperations(h.rt)).rollover(BANK, "ceremony");
      const keptG2 = await renew("kept0003", kept.der);
      await acquire("g2only05");
      assert.notEqual(h.rt.ca.bank(BANK)!.issuing.id, g1);
      await (await rootOperations(h.rt)).revokeGeneration(BANK, 1, "cACompromise", "ceremony");

      const deps = { store: h.rt.store, ca: h.rt.ca, clock: h.rt.clock };
      const out = await resetAfterIssuerRevoked(deps, h.rt.lifecycle.bank(BANK), g1, "ceremony", 2);
      assert.deepEqual(out, { reset: 3, kept: 1, certificates: 5 });

      for (const u of ["one00001", "two00002", "kept0003", "sess0004"]) {
        const g1Certs = (await certs(u)).filter((c) => c.caId === g1);
        assert.ok(g1Certs.length > 0);
        for (const c of g1Certs) assert.deepEqual([c.state, c.revocationReason], ["revoked", REVOCATION_REASONS.cACompromise], `${u} ${c.serial}`);
      }
      const revocations = await h.rt.store.revokedEntries(g1, new Date());
      assert.equal(revocations.count, 6, "five by the drill and the one revoked before");

      for (const u of ["one00001", "two00002", "sess0004"]) {
        assert.ok((await h.rt.store.getUserByLoginId(BANK, u))!.certsResetAt, `${u} back to 未発行`);
        assert.equal((await notices(u)).length, 1, `${u}: one notice`);
      }
      assert.equal((await notices("two00002"))[0]!.certSerial, twoPending.serial, "named for the newest revoked certificate");
      assert.equal(await sessionCount("sess0004"), 0, "the reset holder's session ended");

      // the renewed holder keeps the newer generation's certificate, the session, and gets no notice
      assert.equal((await certs("kept0003")).find((c) => c.serial === keptG2.serial)!.state, "pending");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "kept0003"))!.certsResetAt, null);
      assert.equal((await notices("kept0003")).length, 0);
      assert.equal(await sessionCount("kept0003"), 1);
      // not holders: untouched
      assert.deepEqual((await certs("g2only05")).map((c) => c.state), ["active"]);
      assert.equal(await sessionCount("g2only05"), 1);
      assert.equal((await notices("g2only05")).length + (await notices("gone0006")).length, 0);
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "gone0006"))!.certsResetAt, null);

      const audit = await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(Date.now() + 60_000), actions: ["certificate.reset"], limit: 10 });
      const byUser = new Map(audit.map((e) => [e.targetLoginId, JSON.parse(e.detail)]));
      assert.deepEqual([...byUser.keys()].sort(), ["kept0003", "one00001", "sess0004", "two00002"]);
      assert.deepEqual(["one00001", "two00002", "kept0003", "sess0004"].map((u) => byUser.get(u).reset), [true, true, false, true]);
      assert.equal(byUser.get("two00002").revoked.split(" ").length, 2);
      assert.deepEqual(await verifyAuditChain(h.rt.store, BANK).then((v) => v.ok), true);

      // again: nothing left to do
      assert.deepEqual(await resetAfterIssuerRevoked(deps, h.rt.lifecycle.bank(BANK), g1, "ceremony", 2), { reset: 0, kept: 0, certificates: 0 });
      assert.equal((await notices("one00001")).length, 1);
    });

    test("a serving node whose status poll has not yet seen the revocation refuses the generation's certificates saying why all the same", async () => {
      for (const u of ["late0007", "kcmp0008"]) ids[u] = await h.addUser(BANK, contractId, u, "general");
      const late = await acquire("late0007");
      const g2 = h.rt.ca.bank(BANK)!.issuing.id;
      // another node on the same database, between two polls: it knows G2 as live and unrevoked
      const other = await openRuntime(loadConfig(h.dataDir, {}));
      try {
        await (await rootOperations(h.rt)).rollover(BANK, "ceremony");
        await (await rootOperations(h.rt)).revokeGeneration(BANK, 2, "cACompromise", "ceremony");
        await resetAfterIssuerRevoked({ store: h.rt.store, ca: h.rt.ca, clock: h.rt.clock }, h.rt.lifecycle.bank(BANK), g2, "ceremony");
        assert.equal(other.ca.identifyClient(late.der)?.issuerRevoked, false, "the other node has not polled");
        await assert.rejects(() => other.lifecycle.useCertificate(BANK, late.der, BASE, "test"), (e: any) => e.code === "certificate_refused" && e.params.cause === "issuer_revoked");
      } finally {
        await other.close();
      }
      // a certificate revoked on its own, in a generation that is not, is just revoked
      const own = await acquire("kcmp0008");
      await h.rt.lifecycle.revoke(BANK, { serial: own.serial, reason: "cACompromise" }, { actorKind: "cli", actorId: "test" });
      await assert.rejects(() => h.rt.lifecycle.useCertificate(BANK, own.der, BASE, "test"), (e: any) => e.code === "certificate_refused" && e.params.cause === "revoked");
    });
  });
}
