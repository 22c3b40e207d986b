import { test } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { estEnroll, https, newKeyAndCsr, type Identity } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const cookieOf = (r: { headers: Record<string, unknown> }, name: string) => {
  const all = ([] as string[]).concat((r.headers["set-cookie"] as string[] | string | undefined) ?? []);
  return all.find((c) => c.startsWith(`${name}=`))?.split(";")[0];
};
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";

async function pemCsr(): Promise<{ keyPem: string; pem: string }> {
  const kc = await newKeyAndCsr({ kind: "p256" });
  return { keyPem: kc.keyPem, pem: `-----BEGIN CERTIFICATE REQUEST-----\n${kc.csrB64.replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE REQUEST-----\n` };
}

/** Logs in through the portal's form with a certificate; the session cookie and the page's CSRF token. */
async function portalLogin(h: Harness, id: Identity) {
  const r = await https(h, { path: "/tbank/login", identity: id, body: form({ password: "Pass1234" }), headers: FORM });
  assert.equal(r.status, 303, r.text);
  const cookie = cookieOf(r, "__Host-inkan_session")!;
  const top = await https(h, { path: "/tbank/top", identity: id, headers: { cookie } });
  assert.equal(top.status, 200, top.text);
  return { cookie, csrf: hidden(top.text, "csrf"), top };
}

for (const db of DATABASES) {
  test(`portal web hygiene and the in-page acquisition's server side (${db})`, async () => {
    const clock = new FakeClock(new Date("2026-04-01T01:00:00Z"));
    const h = await startHarness({ db, clock, serve: true, banks: [testBank("tbank", { policy: { sessionIdle: "PT15M" } })] });
    try {
      const contract = await h.addContract("tbank");
      await h.addUser("tbank", contract, "master01", "master");
      await h.addUser("tbank", contract, "user0001", "general");
      await h.addUser("tbank", contract, "user0002", "general");

      // every page carries the policy: no inline script or style, never framed, HTTPS only
      const login = await https(h, { path: "/tbank/login" });
      assert.equal(login.status, 200);
      const csp = String(login.headers["content-security-policy"]);
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.match(String(login.headers["strict-transport-security"]), /max-age=\d+/);
      assert.doesNotMatch(login.text, /<script(?![^>]*\bsrc=)/, "no inline script");
      assert.doesNotMatch(login.text, /\sstyle="/, "no inline style");
      assert.match(login.text, /<html lang="ja">/);
      assert.match(login.text, /電子証明書発行/);

      // English by the browser's wish, and by the toggle; the toggle never sends anyone elsewhere
      const en = await https(h, { path: "/tbank/login", headers: { "accept-language": "en-US,en;q=0.9" } });
      assert.match(en.text, /<html lang="en">/);
      assert.match(en.text, /Certificate issuance/);
      const toggle = await https(h, { path: "/lang/en?back=%2F%2Fevil.example%2F" });
      assert.equal(toggle.status, 303);
      assert.equal(toggle.headers.location, "/");
      const toggled = await https(h, { path: "/tbank/login", headers: { cookie: cookieOf(toggle, "__Host-inkan_lang")!, "accept-language": "ja" } });
      assert.match(toggled.text, /<html lang="en">/);
      // a cookie that is not valid percent-encoding is ignored (it made a 500 on every page): the
      // browser's language then, and the other cookies still read
      const badCookie = await https(h, { path: "/tbank/login", headers: { cookie: "__Host-inkan_lang=%E0%A4%A; __Host-inkan_session=%", "accept-language": "en" } });
      assert.equal(badCookie.status, 200, badCookie.text);
      assert.match(badCookie.text, /<html lang="en">/);
      const badCookieTop = await https(h, { path: "/tbank/top", headers: { cookie: "__Host-inkan_lang=%E0%A4%A; __Host-inkan_session=%ZZ" } });
      assert.equal(badCookieTop.status, 303);
      assert.equal(badCookieTop.headers.location, "/tbank/login?ended=1");
      const badCookieApi = await https(h, { path: "/api/tbank/me", headers: { cookie: "__Host-inkan_session=%E0%A4%A" } });
      assert.equal(badCookieApi.status, 401);
      assert.equal(badCookieApi.json.error, "session_invalid");

      // 証明書取得認証 → a grant → the page's CSR (as browser/issue.ts sends it) → 証明書発行結果 facts
      const bad = await https(h, { path: "/tbank/certificate/issue", body: form({ loginId: "user0001", password: "Wrong999" }), headers: FORM });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /ログインIDまたはログインパスワードが正しくありません/);
      const auth = await https(h, { path: "/tbank/certificate/issue", body: form({ loginId: "user0001", password: "Pass1234" }), headers: FORM });
      assert.equal(auth.status, 303, auth.text);
      const grant = cookieOf(auth, "__Secure-inkan_grant")!;
      assert.ok(grant);
      const confirm = await https(h, { path: "/tbank/certificate/issue/confirm", headers: { cookie: grant } });
      assert.equal(confirm.status, 200);
      assert.match(confirm.text, /id="issue-form"/);
      assert.match(confirm.text, /<script src="\/assets\/issue.js"/);
      const csrf = hidden(confirm.text, "csrf");
      const csr = await pemCsr();
      const noCsrf = await https(h, { path: "/tbank/certificate/issue/csr", body: { csr: csr.pem, csrf: "x" }, headers: { cookie: grant, accept: "application/json" } });
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.json.error, "csrf_invalid");
      const noGrant = await https(h, { path: "/tbank/certificate/issue/csr", body: { csr: csr.pem, csrf }, headers: { accept: "application/json" } });
      assert.equal(noGrant.status, 401);
      const malformed = await https(h, { path: "/tbank/certificate/issue/csr", body: { csr: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", csrf }, headers: { cookie: grant, accept: "application/json" } });
      assert.equal(malformed.status, 400);
      assert.ok(malformed.json.message.ja && malformed.json.message.en);
      const issued = await https(h, { path: "/tbank/certificate/issue/csr", body: { csr: csr.pem, csrf }, headers: { cookie: grant, accept: "application/json" } });
      assert.equal(issued.status, 200, issued.text);
      assert.match(issued.json.fields.commonName, /^user0001 A00\d \d{20}$/);
      assert.equal(issued.json.fields.organization, "Test Bank, Ltd.");
      assert.match(issued.json.fields.notAfter, /^2027年04月02日 08時59分59秒$/);
      assert.equal(issued.json.chain.length, 2);
      // a double click or a retry after a lost answer: the same certificate, not a second one
      const again = await https(h, { path: "/tbank/certificate/issue/csr", body: { csr: csr.pem, csrf }, headers: { cookie: grant, accept: "application/json" } });
      assert.equal(again.json.fields.serial, issued.json.fields.serial);
      const user1: Identity = { keyPem: csr.keyPem, certPem: issued.json.certificate, serial: issued.json.fields.serial };

      // the login screen greets the certificate's holder; the password alone logs in
      const greet = await https(h, { path: "/tbank/login", identity: user1 });
      assert.match(greet.text, /ログインID：user0001/);
      const s1 = await portalLogin(h, user1);
      assert.match(s1.top.text, /2027年04月02日 08時59分59秒/);

      // a changing form without the session's CSRF token is refused and changes nothing
      const forged = await https(h, { path: "/tbank/otp", identity: user1, body: form({ confirmPassword: "Conf5678", csrf: "forged" }), headers: { ...FORM, cookie: s1.cookie } });
      assert.equal(forged.status, 403);
      assert.match(forged.text, /最初からやり直してください/);

      // the master revokes user0001 once, even when the confirmation form is sent twice
      const mk = await newKeyAndCsr();
      const m = await estEnroll(h, "tbank", "master01", "Pass1234", mk);
      const master = m.identity!;
      const ms = await portalLogin(h, master);
      const list = await https(h, { path: "/tbank/admin/users?task=revoke", identity: master, headers: { cookie: ms.cookie } });
      assert.equal(list.status, 200);
      const rows = [...list.text.matchAll(/<label for="user-\d+">([^<]+)<\/label>/g)].map((x) => x[1]);
      assert.deepEqual(rows, [...rows].sort(), "利用者一覧 sorted by login ID");
      assert.ok(rows.includes("user0001"));
      const conf = await https(h, { path: "/tbank/admin/confirm?task=revoke&user=user0001", identity: master, headers: { cookie: ms.cookie } });
      assert.match(conf.text, /確認用パスワード/);
      const fields = { csrf: hidden(conf.text, "csrf"), task: "revoke", user: "user0001", submission: hidden(conf.text, "submission"), confirmPassword: "Conf5678" };
      const wrong = await https(h, { path: "/tbank/admin/confirm", identity: master, body: form({ ...fields, confirmPassword: "Nope1234" }), headers: { ...FORM, cookie: ms.cookie } });
      assert.equal(wrong.status, 400);
      assert.match(wrong.text, /確認用パスワード/);
      const [first, second] = await Promise.all([
        https(h, { path: "/tbank/admin/confirm", identity: master, body: form(fields), headers: { ...FORM, cookie: ms.cookie } }),
        https(h, { path: "/tbank/admin/confirm", identity: master, body: form(fields), headers: { ...FORM, cookie: ms.cookie } }),
      ]);
      assert.deepEqual([first.status, second.status], [303, 303]);
      const locations = [String(first.headers.location), String(second.headers.location)];
      assert.equal(locations.filter((l) => !/again=1|running=1/.test(l)).length, 1, `exactly one acted: ${locations}`);
      const done = await https(h, { path: locations.find((l) => !/again=1|running=1/.test(l))!, identity: master, headers: { cookie: ms.cookie } });
      assert.match(done.text, /失効済み/);
      const revocations = (await (h.rt.store as any).kdb.selectFrom("audit_events").select("action").where("action", "=", "certificate.revoke").where("result", "=", "ok").execute()).length;
      assert.equal(revocations, 1);
      // the revoked user's open session: refused at the very next request, with the way out
      const refused = await https(h, { path: "/tbank/top", identity: user1, headers: { cookie: s1.cookie } });
      assert.equal(refused.status, 403);
      assert.match(refused.text, /お客様が選択された証明書は本サービスではご利用できません。/);
      assert.match(refused.text, /失効/);

      // 利用者登録 through the portal: no token comes with it (the user enrols at the first login), then 利用者変更 and 利用者削除 by confirmation
      const addForm = await https(h, { path: "/tbank/admin/users/new", identity: master, headers: { cookie: ms.cookie } });
      assert.equal(addForm.status, 200);
      const addFields = { csrf: hidden(addForm.text, "csrf"), submission: hidden(addForm.text, "submission"), loginId: "newbie01", name: "新人 太郎", email: "newbie@example.jp", role: "general", initialPassword: "Init1234", initialConfirm: "Init5678", confirmPassword: "Conf5678" };
      const added = await https(h, { path: "/tbank/admin/users/new", identity: master, body: form(addFields), headers: { ...FORM, cookie: ms.cookie } });
      assert.equal(added.status, 200, added.text);
      assert.match(added.text, /newbie01/);
      assert.doesNotMatch(added.text, /QRコード|otpauth/);
      assert.match(added.text, /<dt>ワンタイムパスワード<\/dt><dd>未登録<\/dd>/);
      assert.match(added.text, /ログインIDと初期ログインパスワードで電子証明書を取得します/);
      const addedAgain = await https(h, { path: "/tbank/admin/users/new", identity: master, body: form(addFields), headers: { ...FORM, cookie: ms.cookie } });
      assert.equal(addedAgain.status, 303, "the same form again adds no second user");
      assert.match(String(addedAgain.headers.location), /again=1/);
      const changeConf = await https(h, { path: "/tbank/admin/confirm?task=change&user=newbie01", identity: master, headers: { cookie: ms.cookie } });
      const changed = await https(h, { path: "/tbank/admin/confirm", identity: master, body: form({ csrf: hidden(changeConf.text, "csrf"), submission: hidden(changeConf.text, "submission"), task: "change", user: "newbie01", name: "新人 花子", email: "hanako@example.jp", role: "admin", confirmPassword: "Conf5678" }), headers: { ...FORM, cookie: ms.cookie } });
      assert.equal(changed.status, 303, changed.text);
      const changedPage = await https(h, { path: String(changed.headers.location), identity: master, headers: { cookie: ms.cookie } });
      assert.match(changedPage.text, /新人 花子/);
      assert.match(changedPage.text, /管理者ユーザ/);
      const delConf = await https(h, { path: "/tbank/admin/confirm?task=delete&user=newbie01", identity: master, headers: { cookie: ms.cookie } });
      const deleted = await https(h, { path: "/tbank/admin/confirm", identity: master, body: form({ csrf: hidden(delConf.text, "csrf"), submission: hidden(delConf.text, "submission"), task: "delete", user: "newbie01", confirmPassword: "Conf5678" }), headers: { ...FORM, cookie: ms.cookie } });
      assert.equal(deleted.status, 303, deleted.text);
      const deletedPage = await https(h, { path: String(deleted.headers.location), identity: master, headers: { cookie: ms.cookie } });
      assert.match(deletedPage.text, /削除済み/);
      const afterDelete = await https(h, { path: "/tbank/admin/users?task=suspend", identity: master, headers: { cookie: ms.cookie } });
      assert.doesNotMatch(afterDelete.text, /newbie01/);

      // a general user has no 管理
      const gk = await newKeyAndCsr();
      const g = (await estEnroll(h, "tbank", "user0002", "Pass1234", gk)).identity!;
      const gs = await portalLogin(h, g);
      assert.doesNotMatch(gs.top.text, /href="\/tbank\/admin"/);
      assert.doesNotMatch(gs.top.text, /href="\/tbank\/business"/);
      const notAllowed = await https(h, { path: "/tbank/admin", identity: g, headers: { cookie: gs.cookie } });
      assert.equal(notAllowed.status, 403);

      // idle for longer than the policy: back to the login screen
      clock.advance(16 * 60 * 1000);
      const idle = await https(h, { path: "/tbank/top", identity: g, headers: { cookie: gs.cookie } });
      assert.equal(idle.status, 303);
      assert.equal(idle.headers.location, "/tbank/login?ended=1");
    } finally {
      await h.close();
    }
  });
}
