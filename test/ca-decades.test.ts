import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { DATABASES, startHarness, run, testBank, type Harness } from "./support/harness.js";
import { apiLogin, estEnroll, estReenroll, newKeyAndCsr, type Identity } from "./support/client.js";
import { writeTemp } from "./support/csr.js";
import { autoSelectClientCertificates, launchChromium, newPortalContext } from "./support/browser.js";
import { loginFromNss } from "./support/nss-login.js";
import { holdOnly, newNssHome, vfychainClient } from "./support/nss.js";
import { FakeClock } from "../src/domain/clock.js";
import { rootOperations } from "../src/cli/runtime.js";
import { toPem } from "../src/ca/certificate-builder.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "tbank";
const DAY = 86_400_000;
const YEAR = 365 * DAY;
const START = Date.parse("2027-01-10T01:00:00Z");
const PASSWORD = "Pass1234";
const P12_PASS = "p12-pass-word";
/** acquires and renews in the portal's own screens, in Chromium; the others over EST */
const PORTAL_USER = "portal01";

const issuerCn = (id: Identity) => new x509.X509Certificate(id.certPem).issuer.replace(/^.*CN=/, "");
const notAfter = (id: Identity) => new x509.X509Certificate(id.certPem).notAfter.getTime();

/** What every verifier says of one certificate at one moment. */
interface Verdicts {
  verify: string;
  ocsp: string;
  nss: string;
}

/**
 * Twelve years of one bank on a fake clock: two users renew every year over EST (half a year
 * apart) and one in the portal (電子証明書発行, then 証明書更新 each year, in Chromium), the root's
 * CRL is re-signed yearly, two rollovers (G1 → G2 → G3) and a drill that revokes G2. At every step,
 * at the fake time: OpenSSL checks the whole chain with both CRLs and asks OCSP; NSS (vfychain,
 * PKIX) checks the whole chain with the CRLs it fetches itself from each certificate's CDP; and
 * Chromium, run on the fake time by libfaketime, logs in with the certificate it finds in its NSS
 * database. Current certificates are good everywhere, replaced and revoked ones are refused
 * everywhere, expired ones too, and nobody is without a working certificate except the drill's
 * holders, who are back to 未発行 with the notice and acquire again.
 */
for (const db of DATABASES) {
  describe(`the bank's CA over twelve years: yearly renewals over EST and in the portal, G1 → G2 → G3, a compromise drill, checked by OpenSSL, NSS and Chromium (${db})`, () => {
    let h: Harness;
    let dir: string;
    let home: string;
    let nssDir: string;
    let policyGone: (() => void) | undefined;
    const clock = new FakeClock(START);
    before(async () => {
      // Chromium runs years ahead of the real clock: the server's TLS certificate covers all of them
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK)], serverTlsUntil: new Date(START + 13 * YEAR) });
      const contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      for (const u of ["early001", "late0002", PORTAL_USER]) await h.addUser(BANK, contractId, u, "general");
      dir = mkdtempSync(join(tmpdir(), "inkan-decades-"));
      home = join(dir, "home");
      nssDir = await newNssHome(home, h.serverCaFile);
      policyGone = autoSelectClientCertificates();
    });
    after(async () => {
      policyGone?.();
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

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

    /** each certificate's generation, kept from when it was live: an expired certificate's may have retired since */
    const chainOf = new Map<string, { issuing: Uint8Array; root: Uint8Array; crl: string; rootCrl: string }>();
    function chain(id: Identity) {
      const issuer = new x509.X509Certificate(id.certPem).issuer;
      for (const g of h.rt.ca.liveGenerations(BANK)) {
        const subject = new x509.X509Certificate(Buffer.from(g.issuing.der)).subject;
        chainOf.set(subject, { issuing: g.issuing.der, root: g.root.der, crl: g.urls.crl, rootCrl: `${h.http}/crl/${BANK}-${g.root.id}.crl` });
      }
      return chainOf.get(issuer);
    }

    /**
     * OpenSSL (verify -crl_check_all and ocsp) and NSS (vfychain fetching the CRLs of the whole
     * chain), all at the fake time: "good", "revoked" (NSS: SEC_ERROR_REVOKED_CERTIFICATE), or the failure.
     * An expired certificate is judged by verify and vfychain only (OCSP answers for unexpired ones).
     */
    async function check(id: Identity, o: { expired?: boolean } = {}): Promise<Verdicts> {
      const c = chain(id);
      if (!c) return { verify: "issuer unknown", ocsp: "issuer unknown", nss: "issuer unknown" };
      const gens = h.rt.ca.liveGenerations(BANK);
      const issuer = new x509.X509Certificate(id.certPem).issuer;
      const live = gens.some((g) => new x509.X509Certificate(Buffer.from(g.issuing.der)).subject === issuer);
      const issuings = live ? gens.map((g) => g.issuing.der) : [c.issuing];
      const leaf = writeTemp(dir, "leaf.pem", id.certPem);
      const cas = writeTemp(dir, "cas.pem", [...issuings, c.root].map((d) => toPem(d)).join(""));
      const issuing = writeTemp(dir, "issuing.pem", toPem(c.issuing));
      // an expired certificate: its generation's CRLs may be gone with it (RFC 5280 lets a CRL drop it); the dates decide
      const crls = o.expired ? [] : ["-crl_check_all", "-CRLfile", await crlPem(c.rootCrl, "root.crl"), "-CRLfile", await crlPem(c.crl, "leaf.crl")];
      const v = await run("openssl", ["verify", "-attime", at(), ...crls, "-CAfile", cas, leaf], undefined, { allowFail: true });
      const verify = v.status === 0 && /: OK/.test(v.stdout) ? "good" : /certificate revoked/.test(v.stdout + v.stderr) ? "revoked" : /certificate has expired/.test(v.stdout + v.stderr) ? "expired" : `failed: ${v.stdout}${v.stderr}`;
      let ocsp = "not asked";
      if (!o.expired) {
        const r = await run("openssl", ["ocsp", "-attime", at(), "-issuer", issuing, "-cert", leaf, "-url", `${h.http}/ocsp/${BANK}`, "-CAfile", cas, "-no_nonce", "-validity_period", skew()], undefined, { allowFail: true });
        ocsp = /: good/.test(r.stdout) && /Response verify OK/.test(r.stderr + r.stdout) ? "good" : /: revoked/.test(r.stdout) ? "revoked" : `failed: ${r.stdout}${r.stderr}`;
      }
      const der = (name: string, d: Uint8Array | ArrayBuffer) => writeTemp(dir, name, Buffer.from(new Uint8Array(d)));
      const nss = await vfychainClient({
        leaf: der("leaf.der", new x509.X509Certificate(id.certPem).rawData),
        intermediates: issuings.map((d, i) => der(`issuing-${i}.der`, d)),
        root: der("root.der", c.root),
        at: clock.now(),
      });
      return { verify, ocsp, nss: nss.verdict };
    }

    /** every identity as a .p12, as the portal hands it out (an EST user's made by OpenSSL from its key and certificate) */
    const p12s = new Map<string, string>();
    async function p12Of(id: Identity, who: string): Promise<string> {
      let file = p12s.get(id.serial);
      if (!file) {
        const key = writeTemp(dir, `${id.serial}.key`, id.keyPem);
        const crt = writeTemp(dir, `${id.serial}.crt`, id.certPem);
        const der = (await run("openssl", ["pkcs12", "-export", "-name", `${who} ${id.serial}`, "-inkey", key, "-in", crt, "-passout", `pass:${P12_PASS}`])).raw;
        file = writeTemp(dir, `${id.serial}.p12`, der);
        p12s.set(id.serial, file);
      }
      return file;
    }

    /** the key and certificate inside a .p12 the page downloaded, read by OpenSSL */
    async function fromP12(file: string): Promise<Identity> {
      const args = ["pkcs12", "-in", file, "-passin", `pass:${P12_PASS}`];
      const certPem = (await run("openssl", ["x509"], (await run("openssl", [...args, "-nokeys", "-clcerts"])).stdout)).stdout;
      const keyPem = (await run("openssl", ["pkey"], (await run("openssl", [...args, "-nocerts", "-nodes"])).stdout)).stdout;
      const id = { keyPem, certPem, serial: new x509.X509Certificate(certPem).serialNumber };
      p12s.set(id.serial, file);
      return id;
    }

    /**
     * Chromium's own login (the certificates it finds in its NSS database, which holds only these;
     * the password only): who the server saw, or why not. A new browser context each time, so the
     * certificate is chosen again.
     */
    async function chromiumLogin(browser: Browser, ids: [string, Identity][]): Promise<string> {
      await holdOnly(nssDir, await Promise.all(ids.map(([who, id]) => p12Of(id, who))), P12_PASS);
      const a = await loginFromNss(browser, h, BANK);
      await a.page.context().close();
      const [who, id] = ids[0]!;
      if (a.loginStatus === 200 && a.meStatus === 200 && a.loginId === who && a.serial === id.serial) return "logged in";
      return a.presented === null ? `no certificate presented (login ${a.loginStatus})` : `refused (${a.presented}; login ${a.loginStatus})`;
    }

    // ---- the portal's own screens, in the Chromium of the moment ----
    const CERT_PRESENTED = (id: string) => `電子証明書（ログインID：${id}）が選択されています`;

    async function download(page: Page): Promise<Identity> {
      const [dl] = await Promise.all([page.waitForEvent("download"), page.locator("#p12-download").click()]);
      const file = join(dir, `${PORTAL_USER}-${randomBytes(4).toString("hex")}.p12`);
      await dl.saveAs(file);
      return fromP12(file);
    }

    /** ログイン with the presented certificate and the password, to the page the server sends it to */
    async function certLogin(page: Page, loginId: string) {
      await page.goto(`${h.https}/${BANK}/login`);
      await page.getByText(CERT_PRESENTED(loginId)).waitFor();
      await page.locator("#cert-password").fill(PASSWORD);
      await page.locator("form:has(#cert-password) button[type=submit]").click();
      await page.waitForURL((u) => !u.pathname.endsWith("/login"));
    }

    /** 電子証明書発行 from the login screen: 証明書取得認証 → 証明書発行確認 → 発行 → 証明書発行結果 → the .p12 */
    async function acquireInPortal(browser: Browser): Promise<Identity> {
      const context = await newPortalContext(browser, h.https);
      const page = await context.newPage();
      await page.goto(`${h.https}/${BANK}/login`);
      await page.getByText("電子証明書が選択されていません。").waitFor();
      await page.getByRole("link", { name: "電子証明書発行" }).click();
      await page.waitForURL(/\/certificate\/issue$/);
      await page.locator("#loginId").fill(PORTAL_USER);
      await page.locator("#password").fill(PASSWORD);
      await page.getByRole("button", { name: "認証" }).click();
      await page.waitForURL(/\/certificate\/issue\/confirm$/);
      const id = await issueAndDownload(page);
      await context.close();
      return id;
    }

    /** the .p12's passphrase twice → 発行 → the result screen → the downloaded .p12, which holds the certificate the result shows */
    async function issueAndDownload(page: Page): Promise<Identity> {
      await page.locator("#p12-password").fill(P12_PASS);
      await page.locator("#p12-confirm").fill(P12_PASS);
      await page.getByRole("button", { name: "発行" }).click();
      await page.locator("#issue-result").waitFor({ state: "visible" });
      const serial = (await page.locator('#issue-result [data-field="serial"]').innerText()).trim();
      const id = await download(page);
      assert.equal(id.serial, serial, "the downloaded file holds the certificate the result shows");
      return id;
    }

    /** inside the window: ログイン → 証明書更新選択 (更新する) → 証明書発行確認（更新） → 発行 → the new .p12 */
    async function renewInPortal(browser: Browser, old: Identity): Promise<Identity> {
      const context = await newPortalContext(browser, h.https, { cert: { keyPem: old.keyPem, certPem: old.certPem } });
      const page = await context.newPage();
      await certLogin(page, PORTAL_USER);
      await page.waitForURL(/\/renewal\/select$/);
      assert.equal(await page.getByRole("radio", { name: "更新する", exact: true }).isChecked(), true, "renewing now is the default");
      await page.getByRole("button", { name: "実行" }).click();
      await page.waitForURL(/\/renewal$/);
      await page.locator("#password").fill(PASSWORD);
      const id = await issueAndDownload(page);
      assert.notEqual(id.serial, old.serial);
      await context.close();
      return id;
    }

    test("twelve years, every step checked by OpenSSL, NSS and Chromium; logins never fail except for the drill's holders until they acquire again", { timeout: 900_000 }, async () => {
      const held: Record<string, Identity> = {};
      /** replaced at this moment: refused everywhere as revoked */
      let replaced: [string, Identity][] = [];
      /** replaced before and not yet seen expired */
      let retiring: [string, Identity][] = [];
      const generationsSeen = new Set<string>();

      /**
       * One moment of the twelve years: a Chromium on that fake time (its NSS database without a
       * user certificate, so the portal's acquisition screen sees none), what happens then, and
       * every certificate checked by every verifier.
       */
      const moment = async (label: string, what: (browser: Browser) => Promise<void>) => {
        const browser = await launchChromium({ home, at: clock.now() });
        try {
          await holdOnly(nssDir);
          await what(browser);
          const when = `${label} (${clock.now().toISOString()})`;
          for (const [who, id] of Object.entries(held)) {
            assert.equal(await chromiumLogin(browser, [[who, id]]), "logged in", `Chromium logs in as ${who} with its ${issuerCn(id)} certificate at ${when}`);
            assert.deepEqual(await check(id), { verify: "good", ocsp: "good", nss: "good" }, `${who}'s ${issuerCn(id)} certificate at ${when}`);
            generationsSeen.add(issuerCn(id).replace(/^.* - /, ""));
          }
          // the first login with a new certificate has activated it and superseded the one it replaces
          for (const [who, id] of replaced) {
            assert.notEqual((await apiLogin(h, BANK, id, PASSWORD)).status, 200, `${who}'s replaced certificate no longer logs in`);
            assert.deepEqual(await check(id), { verify: "revoked", ocsp: "revoked", nss: "SEC_ERROR_REVOKED_CERTIFICATE" }, `${who}'s replaced ${issuerCn(id)} certificate at ${when}`);
            assert.match(await chromiumLogin(browser, [[who, id]]), /^refused \(refused; cause=\w+; login 4\d\d\)$/, `Chromium presents ${who}'s replaced certificate and is refused at ${when}`);
          }
          retiring.push(...replaced);
          replaced = [];
          const expired = retiring.filter(([, id]) => notAfter(id) < clock.now().getTime());
          retiring = retiring.filter((r) => !expired.includes(r));
          for (const [who, id] of expired) {
            assert.deepEqual(await check(id, { expired: true }), { verify: "expired", ocsp: "not asked", nss: "SEC_ERROR_EXPIRED_CERTIFICATE" }, `${who}'s expired ${issuerCn(id)} certificate at ${when}`);
          }
          // all of them in the database at once, and nothing else: Chromium offers none of them
          if (expired.length) assert.match(await chromiumLogin(browser, expired), /^no certificate presented \(login 4\d\d\)$/, `Chromium offers no expired certificate (${expired.map(([w]) => w).join(", ")}) at ${when}`);
        } finally {
          await browser.close().catch(() => undefined);
        }
      };

      const acquire = async (who: string) => {
        const r = await estEnroll(h, BANK, who, PASSWORD, await newKeyAndCsr({ kind: "p256" }));
        assert.equal(r.status, 200, `${who} acquires at ${clock.now().toISOString()}: ${r.text}`);
        held[who] = r.identity!;
        assert.equal((await apiLogin(h, BANK, held[who], PASSWORD)).status, 200);
      };
      const renew = async (who: string, browser: Browser) => {
        const old = held[who]!;
        if (who === PORTAL_USER) {
          // its first login with the new certificate is Chromium's, at the moment's checks
          held[who] = await renewInPortal(browser, old);
        } else {
          const r = await estReenroll(h, BANK, old, who, PASSWORD, await newKeyAndCsr({ kind: "p256" }));
          assert.equal(r.status, 200, `${who} renews at ${clock.now().toISOString()}: ${r.text}`);
          held[who] = r.identity!;
          // the first login with the new certificate activates it and supersedes the old one
          assert.equal((await apiLogin(h, BANK, held[who], PASSWORD)).status, 200, `${who} logs in with the renewed certificate`);
        }
        replaced.push([who, old]);
      };

      await moment("the start", async (browser) => {
        await acquire("early001");
        held[PORTAL_USER] = await acquireInPortal(browser);
      });
      await move(START + YEAR / 2);
      await moment("half a year on", async () => acquire("late0002"));
      for (let y = 1; y <= 11; y++) {
        // the root's CRL, re-signed in the yearly ceremony before it runs out
        await move(START + y * YEAR - 40 * DAY);
        await (await rootOperations(h.rt)).signRootCrl(BANK, "ceremony");
        if (y === 3) await (await rootOperations(h.rt)).rollover(BANK, "ceremony");
        for (const half of [0, 0.5]) {
          if (y === 7 && half === 0.5) {
            // G3 between two renewals: "early001" and the portal's user renewed onto G2 half a year ago, "late0002" now gets G3
            await (await rootOperations(h.rt)).rollover(BANK, "ceremony");
          }
          await move(START + (y + half) * YEAR - 20 * DAY);
          await moment(`year ${y + half}`, async (browser) => {
            for (const who of Object.keys(held)) {
              // renewed as soon as its window is open: 30 days before the end
              if (clock.now().getTime() >= notAfter(held[who]!) - 30 * DAY) await renew(who, browser);
            }
          });
        }
        if (y === 7) {
          // the drill: G2 revoked by the root; its holders are refused, back to 未発行 with the notice
          await move(START + 7.5 * YEAR);
          const gen2 = h.rt.ca.liveGenerations(BANK).find((g) => g.generation.number === 2)!;
          await (await rootOperations(h.rt)).revokeGeneration(BANK, 2, "cACompromise", "ceremony");
          const reset = await h.rt.lifecycle.issuerRevoked(BANK, gen2.issuing.id, "ceremony");
          assert.equal(reset.reset, 2, "early001 and the portal's user held G2 certificates");
          assert.match(issuerCn(held.late0002!), /- G3$/);
          for (const who of ["early001", PORTAL_USER]) {
            assert.match(issuerCn(held[who]!), /- G2$/);
            assert.notEqual((await apiLogin(h, BANK, held[who], PASSWORD)).status, 200);
            const user = (await h.rt.store.getUserByLoginId(BANK, who))!;
            assert.equal((await h.rt.store.notices.forRecipient(BANK, user.id, ["ca_compromised"])).length, 1, `${who} has the security notice`);
            // refused by every verifier (the root's CRL lists G2) as the replaced ones are
            replaced.push([who, held[who]!]);
            delete held[who];
          }
          await moment("after the drill", async (browser) => {
            await acquire("early001");
            held[PORTAL_USER] = await acquireInPortal(browser);
          });
          assert.match(issuerCn(held.early001!), /- G3$/);
          assert.match(issuerCn(held[PORTAL_USER]!), /- G3$/);
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
