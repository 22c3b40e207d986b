import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { newKeyAndCsr, estEnroll, estReenroll, apiLogin, api, type Identity } from "./support/client.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "cbank";

for (const db of DATABASES) {
  describe(`concurrency: parallel renewals, revoke against renew (${db})`, () => {
    let h: Harness;
    const ids: Record<string, Identity> = {};
    before(async () => {
      // renewal always open (window longer than validity), so the tests need no clock games
      h = await startHarness({ db, serve: true, banks: [testBank(BANK, { policy: { renewalWindow: "P400D" } })] });
      const c = await h.addContract(BANK);
      for (const [id, role] of [["master01", "master"], ["user01", "general"], ["user02", "general"]] as const) {
        await h.addUser(BANK, c, id, role);
        const r = await estEnroll(h, BANK, id, "Pass1234", await newKeyAndCsr());
        assert.equal(r.status, 200, r.text);
        ids[id] = r.identity!;
        assert.equal((await apiLogin(h, BANK, ids[id], "Pass1234")).status, 200); // in use: active
      }
    });
    after(async () => h?.close());

    async function states(loginId: string) {
      const u = (await h.rt.store.getUserByLoginId(BANK, loginId))!;
      return (await h.rt.store.userCertificates(BANK, u.id)).map((c) => c.state);
    }

    test("20 parallel renewals for one user give exactly one pending certificate, and the active one stays", async () => {
      const csrs = await Promise.all(Array.from({ length: 20 }, () => newKeyAndCsr()));
      const answers = await Promise.all(csrs.map((k) => estReenroll(h, BANK, ids.user01!, "user01", "Pass1234", k)));
      const ok = answers.filter((a) => a.status === 200);
      assert.ok(ok.length >= 1, answers.map((a) => a.status).join(","));
      for (const a of answers) assert.ok(a.status === 200 || (a.status === 409 && /同じお手続きが処理中/.test(a.text)), `${a.status} ${a.text}`);
      const s = await states("user01");
      assert.equal(s.filter((x) => x === "pending").length, 1, s.join(","));
      assert.equal(s.filter((x) => x === "active").length, 1);
      assert.equal(s.filter((x) => x === "signing").length, 0);
      // every certificate handed out is on record, and all but the pending one are published revoked
      const pending = (await h.rt.store.listCertificates(BANK, { state: "pending" }))[0]!;
      const crl = new x509.X509Crl(Buffer.from(h.rt.ca.crl(BANK, h.rt.ca.bank(BANK)!.issuing.id)!.der));
      for (const a of ok) {
        const rec = await h.rt.store.getCertificate(BANK, a.identity!.serial);
        assert.ok(rec, "recorded");
        if (rec!.serial !== pending.serial) assert.ok(crl.findRevoked(rec!.serial), "superseded one is on the CRL");
      }
      // the winner's certificate, once used, supersedes the old one: still exactly one valid
      const winner = ok.find((a) => a.identity!.serial === pending.serial)!.identity!;
      assert.equal((await apiLogin(h, BANK, winner, "Pass1234")).status, 200);
      const after = await states("user01");
      assert.deepEqual(after.filter((x) => x === "active" || x === "pending"), ["active"]);
    });

    test("revocation racing a renewal ends consistent: nothing of the user's stays valid", async () => {
      const master = (await apiLogin(h, BANK, ids.master01, "Pass1234")).session!;
      const renewals = Array.from({ length: 5 }, async () => estReenroll(h, BANK, ids.user02!, "user02", "Pass1234", await newKeyAndCsr()));
      const revoke = api(h, master, `/api/${BANK}/users/user02/revoke`, { confirmPassword: "Conf5678", reason: "keyCompromise" });
      const [rv, ...rn] = await Promise.all([revoke, ...renewals]);
      assert.equal(rv.status, 200, rv.text);
      const s = await states("user02");
      // renewals that finished before the revocation were revoked with it; later ones were refused
      assert.deepEqual(s.filter((x) => x === "active" || x === "pending" || x === "signing"), [], s.join(","));
      for (const a of rn) assert.ok(a.status === 200 || a.status === 401 || a.status === 403 || a.status === 409, `${a.status} ${a.text}`);
      const crl = new x509.X509Crl(Buffer.from(h.rt.ca.crl(BANK, h.rt.ca.bank(BANK)!.issuing.id)!.der));
      const u = (await h.rt.store.getUserByLoginId(BANK, "user02"))!;
      for (const c of await h.rt.store.userCertificates(BANK, u.id)) assert.ok(crl.findRevoked(c.serial), `${c.serial} (${c.state}) on the CRL`);
      // and the old certificate no longer logs in
      assert.equal((await apiLogin(h, BANK, ids.user02!, "Pass1234")).status, 403);
    });
  });
}
