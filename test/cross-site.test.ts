import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { addStaffMember } from "./support/staff.js";
import { apiLogin, https, type Answer, type Identity } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";

const BANK = "tbank";
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const cookies = (r: Answer) => ([] as string[]).concat((r.headers["set-cookie"] as string[] | string | undefined) ?? []);
const cookieOf = (r: Answer, name: string) => cookies(r).find((c) => c.startsWith(`${name}=`));
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
const JA_REFUSED = "ほかのサイトや保存された画面からの送信は無効です";
const EN_REFUSED = "it did not come from this site's own screen";

/** A staff operator made by the real `inkan staff add` (support/staff.ts). */
const addStaff = async (h: Harness, id: string): Promise<Identity> => (await addStaffMember(h, { bank: BANK, id, role: "operator", passphrase: "staff-P12-secret" })).identity;

/**
 * Issue 13: every state-changing request of the portal and staff console, login, logout and
 * 証明書取得認証 included, comes from our own pages (src/web/origin-check.ts); the API refuses a
 * foreign Origin and accepts none (apps); EST is not a browser's.
 */
for (const db of DATABASES) {
  describe(`cross-site requests and cookie names (${db})`, () => {
    let h: Harness;
    let staffOrigin: string;
    let op01: Identity;
    let op02: Identity;
    const clock = new FakeClock(Date.now());

    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK)] });
      const c = await h.rt.lifecycle.addContract(BANK, { code: "C1", name: "株式会社テスト", loginMethod: "password" }, { actorKind: "cli", actorId: "test" });
      await h.addUser(BANK, c, "user0001", "master");
      staffOrigin = `https://localhost:${h.serving!.staffPort}`;
      op01 = await addStaff(h, "op01");
      op02 = await addStaff(h, "op02");
      clock.set(Date.now() + 1000);
    });
    after(async () => h?.close());

    const login = (headers: Record<string, string> = {}, noOrigin = false) =>
      https(h, { path: `/${BANK}/login`, body: form({ loginId: "user0001", password: "Pass1234" }), headers: { ...FORM, ...headers }, noOrigin });

    test("portal login: another site's Origin, a cross-site Sec-Fetch-Site, or no sign of either is refused with a ja/en page and no session", async () => {
      for (const [why, r] of [
        ["foreign origin", await login({ origin: "https://evil.example" })],
        ["null origin", await login({ origin: "null" })],
        ["http origin", await login({ origin: h.https.replace("https:", "http:") })],
        ["sec-fetch-site", await login({ "sec-fetch-site": "cross-site" })],
        ["same-site", await login({ "sec-fetch-site": "same-site" })],
        ["no origin", await login({}, true)],
      ] as const) {
        assert.equal(r.status, 403, why);
        assert.match(String(r.headers["content-type"]), /text\/html/, why);
        assert.match(r.text, new RegExp(JA_REFUSED), why);
        assert.equal(cookieOf(r, "__Host-inkan_session"), undefined, why);
      }
      const en = await login({ origin: "https://evil.example", "accept-language": "en" });
      assert.match(en.text, /<html lang="en">/);
      assert.ok(en.text.includes(EN_REFUSED));
      // what a browser sends from our own page: Origin, Sec-Fetch-Site, or both
      assert.equal((await login()).status, 303);
      assert.equal((await login({ "sec-fetch-site": "same-origin" }, true)).status, 303);
      // a hidden origin ("null": a no-referrer page, a sandboxed frame) counts only with Sec-Fetch-Site
      assert.equal((await login({ origin: "null", "sec-fetch-site": "same-origin" })).status, 303);
      assert.equal((await login({ origin: "null", "sec-fetch-site": "cross-site" })).status, 403);
    });

    test("the session and language cookies are __Host- (Path=/, Secure, no Domain); the grant __Secure- on its own path", async () => {
      const r = await login();
      const session = cookieOf(r, "__Host-inkan_session")!;
      assert.match(session, /; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      assert.doesNotMatch(session, /Domain=/i);
      const lang = cookieOf(await https(h, { path: "/lang/en?back=/" }), "__Host-inkan_lang")!;
      assert.match(lang, /^__Host-inkan_lang=en; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/);
      const staffLang = cookieOf(await https(h, { origin: staffOrigin, path: "/lang/en?back=/" }), "__Host-inkan_lang")!;
      assert.match(staffLang, /^__Host-inkan_lang=en; Path=\/;/);
      // 証明書取得認証 only on a certificate contract: a grant for a certificate-method user
      const cc = await h.addContract(BANK, "C2");
      await h.addUser(BANK, cc, "cert0001", "master");
      const auth = await https(h, { path: `/${BANK}/certificate/issue`, body: form({ loginId: "cert0001", password: "Pass1234" }), headers: FORM });
      assert.equal(auth.status, 303, auth.text);
      assert.match(cookieOf(auth, "__Secure-inkan_grant")!, new RegExp(`; Path=/${BANK}/certificate; HttpOnly; Secure; SameSite=Strict$`));
      const foreign = await https(h, { path: `/${BANK}/certificate/issue`, body: form({ loginId: "cert0001", password: "Pass1234" }), headers: { ...FORM, origin: "https://evil.example" } });
      assert.equal(foreign.status, 403);
      assert.equal(cookieOf(foreign, "__Secure-inkan_grant"), undefined);
      // the old names open nothing
      const cookie = session.split(";")[0]!;
      assert.equal((await https(h, { path: `/${BANK}/top`, headers: { cookie } })).status, 200);
      const old = await https(h, { path: `/${BANK}/top`, headers: { cookie: cookie.replace("__Host-", "") } });
      assert.equal(old.status, 303);
    });

    test("portal logout from another site is refused and the session lives on", async () => {
      const cookie = cookieOf(await login(), "__Host-inkan_session")!.split(";")[0]!;
      const top = await https(h, { path: `/${BANK}/top`, headers: { cookie } });
      const csrf = hidden(top.text, "csrf");
      const out = await https(h, { path: `/${BANK}/logout`, body: form({ csrf }), headers: { ...FORM, cookie, origin: "https://evil.example" } });
      assert.equal(out.status, 403);
      assert.equal((await https(h, { path: `/${BANK}/top`, headers: { cookie } })).status, 200);
      const ours = await https(h, { path: `/${BANK}/logout`, body: form({ csrf }), headers: { ...FORM, cookie } });
      assert.equal(ours.status, 303);
      assert.equal((await https(h, { path: `/${BANK}/top`, headers: { cookie } })).status, 303);
    });

    test("the API: a foreign Origin is refused in JSON; none (an app) or our own is accepted; EST is not checked", async () => {
      const foreign = await https(h, { path: `/api/${BANK}/login`, body: { loginId: "user0001", password: "Pass1234" }, headers: { origin: "https://evil.example" } });
      assert.equal(foreign.status, 403);
      assert.equal(foreign.json.error, "cross_site_refused");
      assert.match(foreign.json.message.ja, new RegExp(JA_REFUSED));
      const form403 = await https(h, { path: `/api/${BANK}/login`, body: form({ loginId: "user0001", password: "Pass1234" }), headers: { ...FORM, "sec-fetch-site": "cross-site" } });
      assert.equal(form403.status, 403);
      assert.equal((await apiLogin(h, BANK, undefined, "Pass1234", "user0001")).status, 200);
      const own = await https(h, { path: `/api/${BANK}/login`, body: { loginId: "user0001", password: "Pass1234" }, headers: { origin: h.https } });
      assert.equal(own.status, 200);
      // EST: its clients send no Origin, and one that does is not refused for it (Basic + pkcs10 body)
      const est = await https(h, { path: `/.well-known/est/${BANK}/simpleenroll`, body: "AAAA", headers: { "content-type": "application/pkcs10", origin: "https://evil.example", authorization: "Basic " + Buffer.from("user0001:wrong").toString("base64") } });
      assert.notEqual(est.status, 403);
      assert.doesNotMatch(est.text, new RegExp(JA_REFUSED));
    });

    test("the staff console: a change from another site, or without Origin, is refused before the form token is looked at", async () => {
      const page = await https(h, { origin: staffOrigin, path: "/unlock", identity: op01 });
      assert.equal(page.status, 200, page.text);
      const csrf = hidden(page.text, "csrf");
      const cookie = cookies(page).map((c) => c.split(";")[0]).join("; ");
      const body = form({ csrf, loginId: "user0001", reference: "R-1" });
      const headers = { ...FORM, ...(cookie ? { cookie } : {}) };
      for (const [why, r] of [
        ["foreign", await https(h, { origin: staffOrigin, path: "/confirm/unlock", identity: op01, body, headers: { ...headers, origin: h.https } })],
        ["cross-site", await https(h, { origin: staffOrigin, path: "/confirm/unlock", identity: op01, body, headers: { ...headers, "sec-fetch-site": "same-site" } })],
        ["none", await https(h, { origin: staffOrigin, path: "/confirm/unlock", identity: op01, body, headers, noOrigin: true })],
      ] as const) {
        assert.equal(r.status, 403, why);
        assert.ok(r.text.includes(JA_REFUSED) && r.text.includes(EN_REFUSED), why);
      }
      const ok = await https(h, { origin: staffOrigin, path: "/confirm/unlock", identity: op01, body, headers });
      assert.equal(ok.status, 200, ok.text);
    });

    test("the staff form token is per staff session: new with each session, dead when it ends (8 hours), bound to the certificate", async () => {
      const staffGet = (who: Identity, cookie?: string) => https(h, { origin: staffOrigin, path: "/unlock", identity: who, headers: cookie ? { cookie } : {} });
      const confirm = (who: Identity, csrf: string, cookie?: string) =>
        https(h, { origin: staffOrigin, path: "/confirm/unlock", identity: who, body: form({ csrf, loginId: "user0001", reference: "R-2" }), headers: { ...FORM, ...(cookie ? { cookie } : {}) } });
      const sessionCookie = (r: Answer) => cookieOf(r, "__Host-inkan_staff");

      const first = await staffGet(op01);
      const set = sessionCookie(first)!;
      assert.match(set, /^__Host-inkan_staff=[A-Za-z0-9_-]{32}\.\d+\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      const cookie1 = set.split(";")[0]!;
      const a = hidden(first.text, "csrf");
      assert.match(a, /^[A-Za-z0-9_-]{43}$/);
      // the same session: no new cookie, the same token, and its form is accepted
      const again = await staffGet(op01, cookie1);
      assert.equal(sessionCookie(again), undefined);
      assert.equal(hidden(again.text, "csrf"), a);
      assert.equal((await confirm(op01, a, cookie1)).status, 200);
      // the form token without its session's cookie, or under another session, is refused
      assert.equal((await confirm(op01, a)).status, 403);
      const second = await staffGet(op01);
      const cookie2 = sessionCookie(second)!.split(";")[0]!;
      const b = hidden(second.text, "csrf");
      assert.notEqual(b, a);
      assert.equal((await confirm(op01, a, cookie2)).status, 403);
      assert.equal((await confirm(op01, b, cookie2)).status, 200);
      // another staff member's certificate with op01's cookie: a session of its own, op01's token dead
      const other = await staffGet(op02, cookie1);
      assert.ok(sessionCookie(other), "a new session for op02");
      assert.notEqual(hidden(other.text, "csrf"), a);
      assert.equal((await confirm(op02, a, cookie1)).status, 403);
      // a forged or altered cookie is no session
      const forged = cookie1.replace(/\.(\d+)\./, (_m, t: string) => `.${Number(t) + 1}.`);
      assert.equal((await confirm(op01, a, forged)).status, 403);
      // 8 hours on, the session has ended: its token is refused and the next page starts a new one
      clock.advance(8 * 3600_000);
      assert.equal((await confirm(op01, a, cookie1)).status, 403);
      const later = await staffGet(op01, cookie1);
      assert.ok(sessionCookie(later));
      assert.notEqual(hidden(later.text, "csrf"), a);
    });
  });
}
