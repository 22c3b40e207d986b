import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import { DATABASES, startHarness, type Harness } from "./support/harness.js";
import { opensslCsr } from "./support/csr.js";
import { verifyAuditChain } from "../src/audit/verify.js";
import { acquire } from "../src/lifecycle/acquisition.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "tbank";

for (const db of DATABASES) {
  describe(`record before sign, and the tamper-evident audit chain (${db})`, () => {
    let h: Harness;
    let contractId: number;
    before(async () => {
      h = await startHarness({ db });
      contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      await h.addUser(BANK, contractId, "user01", "general");
      await h.addUser(BANK, contractId, "user02", "general");
    });
    after(async () => h?.close());

    test("a crash between recording and signing leaves a record that is finished on restart, same serial, no one locked out", async () => {
      const bank = h.rt.lifecycle.bank(BANK);
      const user = (await h.rt.store.getUserByLoginId(BANK, "user01"))!;
      const contract = (await h.rt.store.getContract(BANK, contractId))!;
      const csr = await opensslCsr("p256");
      // the process "dies" at the moment of signing: the record and the TBS are already stored
      const bankCa = h.rt.ca.bank(BANK)!;
      const realSign = bankCa.sign.bind(bankCa);
      bankCa.sign = async () => {
        throw new Error("SIGKILL");
      };
      await assert.rejects(acquire({ deps: h.rt, bank: bank, ctx: { actorKind: "user", actorId: "user01" } }, { user, contract }, csr.b64), /SIGKILL/);
      bankCa.sign = realSign;
      const left = await h.rt.store.unfinishedSignings(BANK);
      assert.equal(left.length, 1);
      assert.equal(left[0]!.state, "signing");
      assert.equal(left[0]!.der, null);
      // restart: recovery signs the stored TBS; the certificate is exactly what was recorded
      assert.equal(await h.rt.lifecycle.recover(), 1);
      const done = (await h.rt.store.getCertificate(BANK, left[0]!.serial))!;
      assert.equal(done.state, "pending");
      const cert = new x509.X509Certificate(Buffer.from(done.der!));
      assert.equal(cert.serialNumber, left[0]!.serial);
      assert.deepEqual(Buffer.from(cert.rawData).subarray(4, 4 + done.tbsDer.length), Buffer.from(done.tbsDer));
      assert.equal(await h.rt.lifecycle.recover(), 0, "nothing left");
      // the user asks again with the same key and gets that very certificate
      const again = await acquire({ deps: h.rt, bank: bank, ctx: { actorKind: "user", actorId: "user01" } }, { user, contract }, csr.b64);
      assert.equal(again.serial, done.serial);
      assert.equal(again.repeated, true);
    });

    test("parallel acquisitions for one user end with exactly one valid certificate", async () => {
      const bank = h.rt.lifecycle.bank(BANK);
      const user = (await h.rt.store.getUserByLoginId(BANK, "user02"))!;
      const contract = (await h.rt.store.getContract(BANK, contractId))!;
      const csrs = await Promise.all(Array.from({ length: 8 }, () => opensslCsr("p256")));
      const results = await Promise.allSettled(csrs.map((c) => acquire({ deps: h.rt, bank: bank, ctx: { actorKind: "user", actorId: "user02" } }, { user, contract }, c.b64)));
      assert.ok(results.some((r) => r.status === "fulfilled"));
      const certs = await h.rt.store.userCertificates(BANK, user.id);
      const live = certs.filter((c) => c.state === "pending" || c.state === "active" || c.state === "signing");
      assert.equal(live.length, 1, `states: ${certs.map((c) => c.state).join(",")}`);
      // every replaced one is published as revoked (superseded)
      const crl = h.rt.ca.crl(BANK, h.rt.ca.bank(BANK)!.issuing.id)!;
      const list = new x509.X509Crl(Buffer.from(crl.der));
      for (const c of certs.filter((x) => x.state === "superseded")) assert.ok(list.findRevoked(c.serial), `${c.serial} on the CRL`);
    });

    test("audit verify passes, then names the first changed, inserted or deleted record", async () => {
      const ok = await verifyAuditChain(h.rt.store, BANK);
      assert.equal(ok.ok, true);
      assert.ok(ok.count >= 8);
      const kdb = (h.rt.store as any).kdb;
      const rows = await kdb.selectFrom("audit_events").selectAll().where("bank_id", "=", BANK).orderBy("seq").execute();
      const victim = rows[3];

      // changed: one character of one record
      await kdb.updateTable("audit_events").set({ actor_id: "someone-else" }).where("id", "=", victim.id).execute();
      let v = await verifyAuditChain(h.rt.store, BANK);
      assert.deepEqual(v.ok ? null : [v.firstBadSeq, v.problem], [Number(victim.seq), "record content was changed"]);
      await kdb.updateTable("audit_events").set({ actor_id: victim.actor_id }).where("id", "=", victim.id).execute();
      assert.equal((await verifyAuditChain(h.rt.store, BANK)).ok, true);

      // deleted: a record in the middle
      await kdb.deleteFrom("audit_events").where("id", "=", victim.id).execute();
      v = await verifyAuditChain(h.rt.store, BANK);
      assert.equal(v.ok ? 0 : v.firstBadSeq, Number(victim.seq));
      const { id: _id, ...copy } = victim;
      await kdb.insertInto("audit_events").values(copy).execute();
      assert.equal((await verifyAuditChain(h.rt.store, BANK)).ok, true);

      // inserted: a forged record with the next seq shifts everything after it
      await kdb.updateTable("audit_events").set({ seq: sql`seq + 1000` }).where("bank_id", "=", BANK).where("seq", ">", 4).execute();
      await kdb.insertInto("audit_events").values({ ...copy, seq: 5, action: "forged" }).execute();
      v = await verifyAuditChain(h.rt.store, BANK);
      assert.equal(v.ok ? 0 : v.firstBadSeq, 5);
      await kdb.deleteFrom("audit_events").where("bank_id", "=", BANK).where("seq", "=", 5).execute();
      await kdb.updateTable("audit_events").set({ seq: sql`seq - 1000` }).where("bank_id", "=", BANK).where("seq", ">", 1000).execute();
      assert.equal((await verifyAuditChain(h.rt.store, BANK)).ok, true);

      // deleted at the end: caught by the head kept on the bank row
      const last = rows[rows.length - 1];
      await kdb.deleteFrom("audit_events").where("id", "=", last.id).execute();
      v = await verifyAuditChain(h.rt.store, BANK);
      assert.equal(v.ok ? 0 : v.firstBadSeq, Number(last.seq));
    });
  });
}
