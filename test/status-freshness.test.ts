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

describe("a burst of revocations", () => {
  // regression: forty acquisitions in ten seconds, each superseding the unused pending certificate,
  // left the CRL's thisUpdate 31 seconds ahead of the clock ("not yet valid" everywhere)
  for (const db of DATABASES) {
    test(`40 acquisitions at once (${db}): CRLs coalesced, none dated after it is signed, every revocation published when its call returns`, async () => {
      const clock = new FakeClock("2027-04-01T00:00:00.100Z"); // stands still: the worst case
      const h = await startHarness({ db, clock });
      try {
        const c = await h.addContract(BANK);
        const userId = await h.addUser(BANK, c, "burst01", "master", "Secret123");
        const csrs = await Promise.all(Array.from({ length: 40 }, () => opensslCsr("p256")));
        const caId = h.rt.ca.bank(BANK)!.issuing.id;
        const before = h.rt.ca.crl(BANK, caId)!.number;
        const started = performance.now();
        const results = await Promise.allSettled(csrs.map((csr) => h.rt.lifecycle.enrollWithPassword(BANK, { loginId: "burst01", password: "Secret123", csrBody: csr.b64 }, { address: "127.0.0.1" })));
        const elapsedMs = performance.now() - started;
        assert.ok(results.filter((r) => r.status === "fulfilled").length >= 1, "at least one acquisition went through");
        const crl = h.rt.ca.crl(BANK, caId)!;
        const parsed = new x509.X509Crl(Buffer.from(crl.der));
        assert.ok(parsed.thisUpdate.getTime() <= clock.now().getTime(), `thisUpdate ${parsed.thisUpdate.toISOString()} is not after the clock`);
        const superseded = (await h.rt.store.userCertificates(BANK, userId)).filter((x) => x.state === "superseded").map((x) => x.serial);
        assert.ok(superseded.length >= 20, `the burst superseded pending certificates (${superseded.length})`);
        const listed = new Set(parsed.entries.map((e) => e.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, "").padStart(32, "0")));
        assert.deepEqual(superseded.filter((s) => !listed.has(s)), [], "every superseded certificate is on the CRL served when the calls returned");
        const builds = crl.number - before;
        assert.ok(builds >= 1 && builds <= Math.ceil(elapsedMs / 1000) + 1, `${builds} CRLs in ${Math.round(elapsedMs)} ms: at most one a second`);
        // (how many fewer depends on how fast the 40 arrive: on a loaded machine they spread over seconds)
        assert.ok(builds < superseded.length, `coalesced: ${builds} CRLs for ${superseded.length} revocations`);
        console.log(`# burst (${db}): ${superseded.length} revocations, ${builds} CRLs in ${Math.round(elapsedMs)} ms`);
      } finally {
        await h.close();
      }
    });
  }
});
