import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, run, type Harness } from "./support/harness.js";
import { opensslCsr, writeTemp } from "./support/csr.js";
import { FakeClock } from "../src/domain/clock.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "tbank";

for (const db of DATABASES) {
  describe(`status answers over time, and what reaches the log (${db})`, () => {
    let h: Harness;
    const clock = new FakeClock("2027-04-01T00:00:00Z");
    const logLines: string[] = [];
    before(async () => {
      h = await startHarness({ db, clock, serve: true, logLines });
      const c = await h.addContract(BANK);
      await h.addUser(BANK, c, "master01", "master", "Secret123");
    });
    after(async () => h?.close());

    test("the CRL is rebuilt on schedule at half its validity, with a growing number, by the poll", async () => {
      const caId = h.rt.ca.bank(BANK)!.issuing.id;
      const first = h.rt.ca.crl(BANK, caId)!;
      const crl1 = new x509.X509Crl(Buffer.from(first.der));
      assert.equal(crl1.thisUpdate.toISOString(), "2027-04-01T00:00:00.000Z");
      assert.equal(crl1.nextUpdate!.toISOString(), "2027-04-08T00:00:00.000Z", "crlValidity P7D");
      clock.advance(3 * 86_400_000);
      await h.rt.ca.poll();
      assert.equal(h.rt.ca.crl(BANK, caId)!.number, first.number, "not yet: less than half gone");
      clock.advance(86_400_000 + 1000);
      await h.rt.ca.poll();
      const second = h.rt.ca.crl(BANK, caId)!;
      assert.equal(second.number, first.number + 1);
      assert.equal(new x509.X509Crl(Buffer.from(second.der)).nextUpdate!.toISOString(), "2027-04-12T00:00:01.000Z");
    });

    test("OCSP answers carry the injected time and are re-signed when half their validity has passed", async () => {
      const csr = await opensslCsr("p256");
      const issued = await h.rt.lifecycle.enrollWithPassword(BANK, { loginId: "master01", password: "Secret123", csrBody: csr.b64 }, { address: "127.0.0.1" });
      const serialArg = "0x" + issued.serial;
      const issuing = `${h.dataDir}/ca/${BANK}/issuing.pem`;
      const reqFile = `${csr.dir}/req.der`;
      await run("openssl", ["ocsp", "-issuer", issuing, "-serial", serialArg, "-no_nonce", "-reqout", reqFile]);
      const ask = async () => (await run("curl", ["-s", "-H", "Content-Type: application/ocsp-request", "--data-binary", `@${reqFile}`, `${h.http}/ocsp/${BANK}`])).raw;
      const a = await ask();
      const b = await ask();
      assert.deepEqual(a, b, "same request, same cached answer");
      clock.advance(12 * 3600_000 + 1000);
      const c = await ask();
      assert.notDeepEqual(c, a, "re-signed after half of ocspValidity (P1D)");
      const text = (await run("openssl", ["ocsp", "-respin", writeTemp(csr.dir, "resp.der", c), "-resp_text", "-noverify"])).stdout;
      assert.match(text, /This Update: Apr  5 12:00:02 2027 GMT/);
      assert.match(text, /Cert Status: good/);
    });

    test("no password, passphrase or authorization header reaches the log", async () => {
      const csr = await opensslCsr("p256");
      await run("curl", ["-s", "--cacert", h.serverCaFile, "-u", "master01:WrongPass99", "-H", "Content-Type: application/pkcs10", "--data-binary", csr.b64, `${h.https}/.well-known/est/${BANK}/simpleenroll`]);
      await run("curl", ["-s", "--cacert", h.serverCaFile, "-u", "master01:Secret123", "-H", "Content-Type: application/pkcs10", "--data-binary", csr.b64, `${h.https}/.well-known/est/${BANK}/simpleenroll`]);
      const all = logLines.join("");
      assert.ok(logLines.length > 4, "the log did record the requests");
      assert.match(all, /simpleenroll/);
      for (const secret of ["Secret123", "WrongPass99", Buffer.from("master01:Secret123").toString("base64"), h.rt.passphrase]) {
        assert.ok(!all.includes(secret), `log must not contain ${secret.slice(0, 4)}…`);
      }
    });
  });
}

describe("CRLs built in the same second", () => {
  test("regression (NSS keeps the older of two CRLs with the same thisUpdate): each new CRL's thisUpdate is strictly later", async () => {
    const clock = new FakeClock("2027-04-01T00:00:00.100Z");
    const h = await startHarness({ db: "sqlite", clock });
    try {
      const caId = h.rt.ca.bank(BANK)!.issuing.id;
      const updates: number[] = [];
      for (let i = 0; i < 3; i++) {
        await h.rt.ca.rebuildCrl(BANK);
        updates.push(new x509.X509Crl(Buffer.from(h.rt.ca.crl(BANK, caId)!.der)).thisUpdate.getTime());
      }
      assert.deepEqual(updates.map((u) => u - updates[0]!), [0, 1000, 2000]);
    } finally {
      await h.close();
    }
  });
});
