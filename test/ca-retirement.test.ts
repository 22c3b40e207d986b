import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DATABASES, startHarness, run, testBank, type Harness } from "./support/harness.js";
import { writeTemp } from "./support/csr.js";
import { FakeClock } from "../src/domain/clock.js";
import { openRuntime, rootOperations } from "../src/cli/runtime.js";
import { toPem } from "../src/ca/certificate-builder.js";

const BANK = "tbank";
const DAY = 86_400_000;
const YEAR = 365 * DAY;
const START = Date.parse("2027-01-10T01:00:00Z");

/**
 * A generation retires when its certificate (and so every certificate it signed) has run out; its
 * last CRL stays at its URL until that CRL's nextUpdate, then the URL answers 404. On a fake clock:
 * G1 from the start, G2 rolled over in year five, G1's end passed.
 */
for (const db of DATABASES) {
  describe(`a retired generation's last CRL stays published until its nextUpdate (${db})`, () => {
    let h: Harness;
    let dir: string;
    const clock = new FakeClock(START);
    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK)] });
      dir = mkdtempSync(join(h.dataDir, "retired-"));
    });
    after(async () => h?.close());

    const move = async (ms: number) => {
      clock.set(ms);
      await h.rt.ca.poll();
    };
    /** the HTTP status and body of a plain-HTTP URL, as a verifier fetches it */
    async function fetch(path: string): Promise<{ status: number; body: Buffer }> {
      const file = join(dir, "body");
      const r = await run("curl", ["-s", "-o", file, "-w", "%{http_code}", `${h.http}${path}`]);
      return { status: Number(r.stdout), body: readFileSync(file) };
    }

    test("G1's last CRL is served, unchanged and verifiable, from its retirement to its nextUpdate, by a process started after the retirement too; then 404; G2's goes on", { timeout: 300_000 }, async () => {
      const g1 = h.rt.ca.bank(BANK)!;
      const g1Id = g1.issuing.id;
      await move(START + 5 * YEAR);
      await (await rootOperations(h.rt)).rollover(BANK, "ceremony");
      const g2Id = h.rt.ca.bank(BANK)!.issuing.id;
      assert.notEqual(g2Id, g1Id);

      // the day before G1 runs out its CRL is rebuilt as usual (past half its life): its last one
      const end = g1.issuingNotAfter.getTime();
      await move(end - DAY);
      const last = h.rt.ca.crl(BANK, g1Id)!;
      assert.ok(last.nextUpdate > end, "the last CRL reaches past the generation's end");
      assert.equal((await fetch(`/crl/${BANK}-${g1Id}.crl`)).status, 200);

      await move(end + 3600_000);
      assert.deepEqual(h.rt.ca.liveGenerations(BANK).map((g) => g.issuing.id), [g2Id], "G1 is retired");
      const served = await fetch(`/crl/${BANK}-${g1Id}.crl`);
      assert.equal(served.status, 200);
      assert.deepEqual(served.body, Buffer.from(last.der), "the last CRL, byte for byte");
      const crlPem = writeTemp(dir, "g1.crl", toPem(served.body, "X509 CRL"));
      const g1Pem = writeTemp(dir, "g1.pem", toPem(g1.issuing.der));
      const check = await run("openssl", ["crl", "-in", crlPem, "-CAfile", g1Pem, "-noout", "-crlnumber", "-nextupdate"], undefined, { allowFail: true });
      assert.equal(check.status, 0, check.stderr);
      assert.match(check.stdout + check.stderr, /verify OK/);
      assert.match(check.stdout, new RegExp(`crlNumber=0x0*${last.number.toString(16).toUpperCase()}\\b`));
      assert.equal(new Date(/nextUpdate=(.*)/.exec(check.stdout)![1]!).getTime(), last.nextUpdate);
      // its certificate stays at caIssuers for as long, for a verifier checking that CRL's signature
      const cert = await fetch(`/ca/${BANK}-${g1Id}.crt`);
      assert.equal(cert.status, 200);
      assert.deepEqual(cert.body, Buffer.from(g1.issuing.der));
      // no rebuild for a retired generation, whatever the poll does
      await move(end + 5 * DAY);
      assert.equal(h.rt.ca.crl(BANK, g1Id)!.number, last.number);

      // a serving process started after the retirement serves it from the database
      const later = await openRuntime(h.rt.config, { clock });
      try {
        assert.equal(later.ca.liveGenerations(BANK).length, 1);
        assert.deepEqual(Buffer.from(later.ca.statusView().crl(BANK, g1Id)!.der), Buffer.from(last.der));
        await move(last.nextUpdate);
        assert.equal(later.ca.statusView().crl(BANK, g1Id), undefined, "past its nextUpdate");
      } finally {
        await later.close();
      }

      assert.equal((await fetch(`/crl/${BANK}-${g1Id}.crl`)).status, 404, "past its nextUpdate: gone");
      assert.equal((await fetch(`/ca/${BANK}-${g1Id}.crt`)).status, 404);
      // the live generation's own CRL is unaffected
      const g2Crl = await fetch(`/crl/${BANK}-${g2Id}.crl`);
      assert.equal(g2Crl.status, 200);
      assert.ok(h.rt.ca.crl(BANK, g2Id)!.nextUpdate > clock.now().getTime());
    });
  });
}
