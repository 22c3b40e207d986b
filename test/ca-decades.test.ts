import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { DATABASES, startHarness, run, testBank, type Harness } from "./support/harness.js";
import { apiLogin, estEnroll, estReenroll, newKeyAndCsr, type Identity } from "./support/client.js";
import { writeTemp } from "./support/csr.js";
import { FakeClock } from "../src/domain/clock.js";
import { rootOperations } from "../src/cli/runtime.js";
import { toPem } from "../src/ca/certificate-builder.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "tbank";
const DAY = 86_400_000;
const YEAR = 365 * DAY;
const START = Date.parse("2027-01-10T01:00:00Z");

const issuerCn = (id: Identity) => new x509.X509Certificate(id.certPem).issuer.replace(/^.*CN=/, "");

/**
 * Twelve years of one bank on a fake clock: two users renew every year over EST (half a year
 * apart), the root's CRL is re-signed yearly, two rollovers (G1 → G2 → G3) and a drill that revokes
 * G2. At every step OpenSSL, at the fake time (-attime), checks the whole chain with both CRLs and
 * asks OCSP: current certificates good, replaced ones revoked, and nobody without a working
 * certificate except the drill's holder, who is back to 未発行 with the notice and acquires again.
 */
for (const db of DATABASES) {
  describe(`the bank's CA over twelve years: yearly renewals, G1 → G2 → G3, a compromise drill (${db})`, () => {
    let h: Harness;
    let dir: string;
    const clock = new FakeClock(START);
    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK)] });
      const contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      for (const u of ["early001", "late0002"]) await h.addUser(BANK, contractId, u, "general");
      dir = mkdtempSync(join(tmpdir(), "inkan-decades-"));
    });
    after(async () => h?.close());

    const at = () => String(Math.floor(clock.now().getTime() / 1000));
    // openssl ocsp judges the answer's thisUpdate/nextUpdate on the real clock (-attime covers the chain only): allow the distance
    const skew = () => String(Math.ceil(Math.abs(clock.now().getTime() - Date.now()) / 1000) + 86_400);
    const move = async (ms: number) => {
      clock.set(ms);
      // what a serving process does at its poll: CRLs past half their life, responders due, retired generations
      await h.rt.ca.poll();
    };

    async function crlPem(url: string, name: string) {
      const der = (await run("curl", ["-s", "-f", url])).raw;
      return writeTemp(dir, name, (await run("openssl", ["crl", "-inform", "DER"], der)).stdout);
    }

    /** openssl verify -crl_check_all and openssl ocsp, both at the fake time; "good", "revoked" or the failure */
    async function check(id: Identity): Promise<{ verify: string; ocsp: string }> {
      const cert = new x509.X509Certificate(id.certPem);
      const gens = h.rt.ca.liveGenerations(BANK);
      const gen = gens.find((g) => new x509.X509Certificate(Buffer.from(g.issuing.der)).subject === cert.issuer);
      if (!gen) return { verify: "issuer retired", ocsp: "issuer retired" };
      const leaf = writeTemp(dir, "leaf.pem", id.certPem);
      const cas = writeTemp(dir, "cas.pem", [...gens.map((g) => g.issuing.der), gen.root.der].map((d) => toPem(d)).join(""));
      const issuing = writeTemp(dir, "issuing.pem", toPem(gen.issuing.der));
      const leafCrl = await crlPem(gen.urls.crl, "leaf.crl");
      const rootCrl = await crlPem(`${h.http}/crl/${BANK}-${gen.root.id}.crl`, "root.crl");
      const v = await run("openssl", ["verify", "-attime", at(), "-crl_check_all", "-CAfile", cas, "-CRLfile", rootCrl, "-CRLfile", leafCrl, leaf], undefined, { allowFail: true });
      const o = await run("openssl", ["ocsp", "-attime", at(), "-issuer", issuing, "-cert", leaf, "-url", `${h.http}/ocsp/${BANK}`, "-CAfile", cas, "-no_nonce", "-validity_period", skew()], undefined, { allowFail: true });
      const ocsp = /: good/.test(o.stdout) && /Response verify OK/.test(o.stderr + o.stdout) ? "good" : /: revoked/.test(o.stdout) ? "revoked" : `failed: ${o.stdout}${o.stderr}`;
      const verify = v.status === 0 && /: OK/.test(v.stdout) ? "good" : /certificate revoked/.test(v.stdout + v.stderr) ? "revoked" : `failed: ${v.stdout}${v.stderr}`;
      return { verify, ocsp };
    }

    test("twelve years, every step checked by OpenSSL; logins never fail except for the drill's holder until they acquire again", { timeout: 600_000 }, async () => {
      const held: Record<string, Identity> = {};
      const generationsSeen = new Set<string>();
      const acquire = async (who: string) => {
        const r = await estEnroll(h, BANK, who, "Pass1234", await newKeyAndCsr({ kind: "p256" }));
        assert.equal(r.status, 200, `${who} acquires at ${clock.now().toISOString()}: ${r.text}`);
        held[who] = r.identity!;
        assert.equal((await apiLogin(h, BANK, held[who], "Pass1234")).status, 200);
      };
      const renew = async (who: string) => {
        const old = held[who]!;
        const r = await estReenroll(h, BANK, old, who, "Pass1234", await newKeyAndCsr({ kind: "p256" }));
        assert.equal(r.status, 200, `${who} renews at ${clock.now().toISOString()}: ${r.text}`);
        held[who] = r.identity!;
        // the first login with the new certificate activates it and supersedes the old one
        assert.equal((await apiLogin(h, BANK, held[who], "Pass1234")).status, 200, `${who} logs in with the renewed certificate`);
        assert.notEqual((await apiLogin(h, BANK, old, "Pass1234")).status, 200, "the replaced certificate no longer logs in");
        const was = await check(old);
        assert.equal(was.ocsp, "revoked", `the replaced certificate is revoked over OCSP (${clock.now().toISOString()})`);
      };
      const allGood = async (label: string) => {
        for (const [who, id] of Object.entries(held)) {
          const c = await check(id);
          assert.deepEqual(c, { verify: "good", ocsp: "good" }, `${who}'s ${issuerCn(id)} certificate at ${label}`);
          generationsSeen.add(issuerCn(id).replace(/^.* - /, ""));
        }
      };

      await acquire("early001");
      await move(START + YEAR / 2);
      await acquire("late0002");
      await allGood("the start");
      for (let y = 1; y <= 11; y++) {
        // the root's CRL, re-signed in the yearly ceremony before it runs out
        await move(START + y * YEAR - 40 * DAY);
        await (await rootOperations(h.rt)).signRootCrl(BANK, "ceremony");
        if (y === 3) await (await rootOperations(h.rt)).rollover(BANK, "ceremony");
        for (const half of [0, 0.5]) {
          if (y === 7 && half === 0.5) {
            // G3 between two renewals: "early001" renewed onto G2 half a year ago, "late0002" now gets G3
            await (await rootOperations(h.rt)).rollover(BANK, "ceremony");
          }
          await move(START + (y + half) * YEAR - 20 * DAY);
          for (const who of Object.keys(held)) {
            // renewed as soon as its window is open: 30 days before the end
            if (clock.now().getTime() >= new x509.X509Certificate(held[who]!.certPem).notAfter.getTime() - 30 * DAY) await renew(who);
          }
          await allGood(`year ${y + half}`);
        }
        if (y === 7) {
          // the drill: G2 revoked by the root; its holder is refused, back to 未発行 with the notice
          await move(START + 7.5 * YEAR);
          const gen2 = h.rt.ca.liveGenerations(BANK).find((g) => g.generation.number === 2)!;
          await (await rootOperations(h.rt)).revokeGeneration(BANK, 2, "cACompromise", "ceremony");
          const reset = await h.rt.lifecycle.issuerRevoked(BANK, gen2.issuing.id, "ceremony");
          assert.equal(reset.reset, 1, "only early held a G2 certificate");
          assert.match(issuerCn(held.early001!), /- G2$/);
          assert.match(issuerCn(held.late0002!), /- G3$/);
          assert.notEqual((await apiLogin(h, BANK, held.early001!, "Pass1234")).status, 200);
          const c = await check(held.early001!);
          assert.equal(c.verify, "revoked", "the root's CRL lists G2");
          const user = (await h.rt.store.getUserByLoginId(BANK, "early001"))!;
          assert.equal((await h.rt.store.notices.forRecipient(BANK, user.id, ["ca_compromised"])).length, 1);
          await acquire("early001");
          assert.match(issuerCn(held.early001!), /- G3$/);
          await allGood("after the drill");
        }
      }
      assert.deepEqual([...generationsSeen].sort(), ["G1", "G2", "G3"]);
      // G1 has run out (2037) and retired; G2 was revoked; G3 signs
      assert.deepEqual(h.rt.ca.liveGenerations(BANK).map((g) => `G${g.generation.number}${g.generation.revokedAt ? "r" : ""}`), ["G3", "G2r"]);
      const verify = await h.cli(["audit", "verify", "--bank", BANK]);
      assert.equal(verify.status, 0, verify.stderr);
    });
  });
}
