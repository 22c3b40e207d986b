import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DATABASES, startHarness, testBank, run, type Harness } from "./support/harness.js";
import { addStaffMember } from "./support/staff.js";
import { newKeyAndCsr, estEnroll, https, type Identity, type Answer } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { DAY, jstDay, nextMonday } from "./support/calendar.js";
import { verifyAuditChain } from "../src/audit/verify.js";
import { staffBrowser } from "./support/staff-browser.js";

const BANK = "tbank";
const P12_PASS = "staff-P12-secret";

for (const db of DATABASES) {
  describe(`bank staff console on its own origin (${db})`, () => {
    let h: Harness;
    let clock: FakeClock;
    let origin: string;
    const staff: Record<string, Identity> = {};
    let master: Identity;
    /** the master's initial login password, as the letter showed it */
    let masterPassword = "";

    /** A staff member made by the real `inkan staff add`, the key and certificate read back from the PKCS#12 by OpenSSL. */
    async function addStaff(id: string, role: "operator" | "auditor"): Promise<Identity> {
      process.env.INKAN_TEST_P12 = P12_PASS;
      return (await addStaffMember(h, { bank: BANK, id, role, passphrase: P12_PASS })).identity;
    }

    const { get, post, csrfOf } = staffBrowser(() => h, () => origin);
    const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

    /** form → confirmation → 実行: the confirmation's one-time token, then the 303 to the result. */
    async function act(who: Identity, action: string, form: Record<string, string>): Promise<{ confirm: Answer; execute: Answer; token: string; body: Record<string, string> }> {
      const csrf = await csrfOf(who);
      const confirm = await post(`/confirm/${action}`, who, { ...form, csrf });
      assert.equal(field(confirm.text, "csrf"), csrf);
      assert.equal(confirm.status, 200, confirm.text);
      const token = field(confirm.text, "token")!;
      assert.match(token, /^[A-Za-z0-9_-]{32}$/);
      const body = { ...form, csrf, token };
      const execute = await post(`/execute/${action}`, who, body);
      assert.equal(execute.status, 303, execute.text);
      assert.equal(execute.headers.location, `/result/${token}`);
      return { confirm, execute, token, body };
    }

    before(async () => {
      clock = new FakeClock(Date.now());
      // certificates of this bank live three weeks exactly, so the dashboard's weeks can be checked by hand
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK, { policy: { validity: "PT504H", renewalWindow: "PT24H" } })] });
      origin = `https://localhost:${h.serving!.staffPort}`;
      staff.op01 = await addStaff("op01", "operator");
      staff.au01 = await addStaff("au01", "auditor");
      staff.op02 = await addStaff("op02", "operator");
      // the command ran on the real clock; the server's clock catches up with it
      clock.set(Date.now() + 1000);
    });
    after(async () => h?.close());

    test("inkan staff add: CN = staff ID, O = Inkan staff, OU = bank, clientAuth, one year, chained to the staff CA; staff list shows them", async () => {
      const text = (await run("openssl", ["x509", "-noout", "-subject", "-issuer", "-dates", "-ext", "extendedKeyUsage,basicConstraints"], staff.op01!.certPem)).stdout;
      assert.match(text, /subject=O ?= ?Inkan staff, OU ?= ?tbank, CN ?= ?op01/);
      assert.match(text, /issuer=O ?= ?Inkan, CN ?= ?Inkan Staff CA/);
      assert.match(text, /TLS Web Client Authentication/);
      assert.match(text, /CA:FALSE/);
      const notBefore = Date.parse(/notBefore=(.*)/.exec(text)![1]!);
      const notAfter = Date.parse(/notAfter=(.*)/.exec(text)![1]!);
      assert.ok(Math.abs(notAfter - notBefore - 365 * DAY) <= DAY, "one year");
      const certFile = join(h.dataDir, "op01.pem");
      writeFileSync(certFile, staff.op01!.certPem);
      const verify = await run("openssl", ["verify", "-purpose", "sslclient", "-CAfile", join(h.dataDir, "ca", "staff-ca.pem"), certFile]);
      assert.match(verify.stdout, /OK/);
      const list = await h.cli(["staff", "list", BANK]);
      assert.match(list.stdout, /^au01\tauditor\tactive\t行員 au01\t/m);
      assert.match(list.stdout, new RegExp(`^op01\\toperator\\tactive\\t行員 op01\\t${staff.op01!.serial}`, "m"));
      // a second op01 in the same bank is refused, and nothing is written
      const again = await h.cli(["staff", "add", BANK, "op01", "--name", "x", "--role", "operator", "--out", join(h.dataDir, "again.p12"), "--passphrase-env", "INKAN_TEST_P12"]);
      assert.equal(again.status, 4, again.stderr);
      assert.match(again.stderr, /すでに登録されています/);
    });

    test("every answer carries the security headers; pages are Japanese with lang, labels and table headers", async () => {
      for (const [path, who] of [["/", staff.op01], ["/", undefined], ["/assets/staff.css", undefined], ["/no-such-page", staff.op01]] as const) {
        const r = await get(path, who);
        assert.equal(r.headers["content-security-policy"], "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", path);
        assert.match(String(r.headers["strict-transport-security"]), /max-age=\d+/);
        assert.equal(r.headers["x-content-type-options"], "nosniff");
        assert.equal(r.headers["cache-control"], "no-store");
      }
      const page = await get("/", staff.op01);
      assert.match(page.text, /<html lang="ja">/);
      assert.match(page.text, /<h1>ダッシュボード<\/h1>/);
      assert.match(page.text, /<svg[^>]*role="img"[^>]*aria-labelledby="expiring-chart-title expiring-chart-desc"/);
      assert.match(page.text, /<th scope="col">件数<\/th>/);
      assert.doesNotMatch(page.text, /<script|style="/);
      const en = await https(h, { origin, path: "/", identity: staff.op01, headers: { cookie: "__Host-inkan_lang=en" } });
      assert.match(en.text, /<html lang="en">/);
      assert.match(en.text, /<h1>Dashboard<\/h1>/);
    });

    test("the operator opens a contract, switches it to the certificate method and registers the master; a repeated 実行 acts once", async () => {
      const op = staff.op01!;
      const opened = await act(op, "contract-open", { code: "K001", name: "株式会社サンプル商事", method: "password" });
      assert.match(opened.confirm.text, /株式会社サンプル商事/);
      // the same confirmation sent again (a double click, a reload): the same result, no second contract
      const twice = await post("/execute/contract-open", op, opened.body);
      assert.equal(twice.status, 303);
      assert.equal(twice.headers.location, opened.execute.headers.location);
      const result = await get(opened.execute.headers.location as string, op);
      assert.equal(result.status, 200);
      assert.match(result.text, /契約 K001（株式会社サンプル商事）を開設しました。/);
      const contracts = await h.rt.store.listContracts(BANK);
      assert.deepEqual(contracts.map((c) => [c.code, c.loginMethod]), [["K001", "password"]]);
      const adds = await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(8.64e15), actions: ["contract.add"], limit: 10 });
      assert.equal(adds.length, 1);
      assert.equal(adds[0]!.actorKind, "staff");
      assert.equal(adds[0]!.actorId, "op01");

      // a taken code is refused on the confirmation step, with the form again
      const csrf = await csrfOf(op);
      const taken = await post("/confirm/contract-open", op, { code: "K001", name: "別会社", method: "certificate", csrf });
      assert.equal(taken.status, 409);
      assert.match(taken.text, /この契約番号（K001）はすでに使われています。/);

      await act(op, "contract-method", { code: "K001", method: "certificate", reference: "APP-0001" });
      assert.equal((await h.rt.store.getContractByCode(BANK, "K001"))!.loginMethod, "certificate");

      // the initial passwords are the system's: the confirmation says so, 実行 answers with the letter
      const csrfReg = await csrfOf(op);
      const form = { code: "K001", loginId: "kmaster01", name: "佐藤 一郎", email: "kmaster01@example.jp", csrf: csrfReg };
      const confirm = await post("/confirm/master-register", op, form);
      assert.equal(confirm.status, 200, confirm.text);
      assert.match(confirm.text, /システムが生成し、登録後に一度だけ通知書に表示します/);
      const letter = await post("/execute/master-register", op, { ...form, token: field(confirm.text, "token")! });
      assert.equal(letter.status, 200, letter.text);
      masterPassword = /data-letter="password">([A-Za-z0-9]+)</.exec(letter.text)![1]!;
      const again = await post("/execute/master-register", op, { ...form, token: field(confirm.text, "token")! });
      assert.equal(again.status, 303, "a resend is a repeat");
      const done = await get(again.headers.location as string, op);
      assert.match(done.text, /マスターユーザ kmaster01（A001）を登録しました。/);
      const m = (await h.rt.store.getUserByLoginId(BANK, "kmaster01"))!;
      assert.equal(m.role, "master");
      const users = await get("/contracts/K001/users", op);
      assert.match(users.text, /kmaster01/);
      assert.match(users.text, /未発行/);
    });

    test("the master enrols over EST; the master's certificate is refused on the staff origin; a staff certificate is refused on the customer API", async () => {
      const r = await estEnroll(h, BANK, "kmaster01", masterPassword, await newKeyAndCsr());
      assert.equal(r.status, 200, r.text);
      master = r.identity!;
      const onStaff = await get("/", master);
      assert.equal(onStaff.status, 403);
      assert.match(onStaff.text, /選択された証明書では行員用画面をご利用できません。/);
      assert.match(onStaff.text, /提示された証明書は行員用の電子証明書ではありません。/);
      assert.match(onStaff.text, /is not a staff certificate/);
      assert.ok(onStaff.text.indexOf("行員用の電子証明書ではありません") < onStaff.text.indexOf("is not a staff certificate"), "Japanese first");
      const none = await get("/");
      assert.equal(none.status, 403);
      assert.match(none.text, /行員用の電子証明書が提示されていません。/);

      const api = await https(h, { path: `/api/${BANK}/login`, identity: staff.op01, body: { password: "Pass1234" } });
      assert.equal(api.status, 403, api.text);
      assert.equal(api.json.error, "certificate_refused");
      assert.equal(api.json.cause, "foreign");
      const est = await https(h, { path: `/.well-known/est/${BANK}/csrattrs`, identity: staff.op01 });
      assert.equal(est.headers["x-inkan-certificate"], "refused; cause=foreign", "EST does not take a staff certificate either");
    });

    test("an auditor reads but cannot revoke: 403, audited, nothing changes", async () => {
      const au = staff.au01!;
      for (const path of ["/", "/contracts", "/contracts/K001", "/contracts/K001/users", "/audit", "/audit/verify"]) assert.equal((await get(path, au)).status, 200, path);
      for (const path of ["/revoke", "/reset", "/unlock", "/crl", "/contracts/new", "/contracts/K001/master"]) assert.equal((await get(path, au)).status, 403, path);
      const dash = await get("/", au);
      assert.doesNotMatch(dash.text, /href="\/revoke"/, "the menu offers auditors no changes");
      const csrf = await csrfOf(au);
      const confirm = await post("/confirm/revoke", au, { target: "kmaster01", reason: "keyCompromise", reference: "FORM-9", csrf });
      assert.equal(confirm.status, 403);
      const execute = await post("/execute/revoke", au, { target: "kmaster01", reason: "keyCompromise", reference: "FORM-9", csrf, token: "A".repeat(32) });
      assert.equal(execute.status, 403);
      assert.match(execute.text, /この操作を行う権限がありません。/);
      const certs = await h.rt.store.userCertificates(BANK, (await h.rt.store.getUserByLoginId(BANK, "kmaster01"))!.id);
      assert.deepEqual(certs.map((c) => c.state).filter((s) => s === "revoked"), []);
      const refused = await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(8.64e15), actions: ["certificate.revoke"], limit: 10 });
      assert.ok(refused.some((e) => e.actorKind === "staff" && e.actorId === "au01" && e.result === "refused"));
      // nor can an auditor reset or open contracts through the forms
      const reset = await post("/execute/reset", au, { loginId: "kmaster01", reference: "FORM-9", csrf, token: "B".repeat(32) });
      assert.equal(reset.status, 403);
      assert.equal((await h.rt.store.listContracts(BANK)).length, 1);
    });

    test("a form without this certificate's token is refused", async () => {
      const csrfOfAuditor = await csrfOf(staff.au01!);
      const r = await post("/confirm/contract-open", staff.op01!, { code: "K999", name: "x", method: "password", csrf: csrfOfAuditor });
      assert.equal(r.status, 403);
      const none = await post("/execute/crl", staff.op01!, { token: "C".repeat(32) });
      assert.equal(none.status, 403);
    });

    test("the operator revokes the master's certificate on a paper form: the reference is required; OCSP and the CRL say revoked", async () => {
      const op = staff.op01!;
      const csrf = await csrfOf(op);
      const noRef = await post("/confirm/revoke", op, { target: "kmaster01", reason: "keyCompromise", reference: " ", csrf });
      assert.equal(noRef.status, 400);
      assert.match(noRef.text, /依頼書番号を入力してください/);
      const r = await act(op, "revoke", { target: "kmaster01", reason: "keyCompromise", reference: "FORM-2026-0042" });
      assert.match(r.confirm.text, new RegExp(master.serial.toLowerCase()));
      assert.match(r.confirm.text, /FORM-2026-0042/);
      const done = await get(r.execute.headers.location as string, op);
      assert.match(done.text, /kmaster01 の証明書を失効しました/);

      const certFile = join(h.dataDir, "master.pem");
      writeFileSync(certFile, master.certPem);
      const ocsp = await run("openssl", ["ocsp", "-issuer", join(h.dataDir, "ca", BANK, "issuing.pem"), "-cert", certFile, "-url", `${h.http}/ocsp/${BANK}`, "-CAfile", join(h.dataDir, "ca", BANK, "chain.pem"), "-no_nonce"], undefined, { allowFail: true });
      assert.match(ocsp.stdout, /: revoked/, ocsp.stdout + ocsp.stderr);
      assert.match(ocsp.stdout, /Reason: keyCompromise/);
      const rec = await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(8.64e15), actions: ["certificate.revoke"], limit: 10 });
      const ok = rec.find((e) => e.result === "ok")!;
      assert.equal(ok.actorId, "op01");
      assert.equal(ok.certSerial, master.serial.toLowerCase());
      assert.equal(JSON.parse(ok.detail).reference, "FORM-2026-0042");
    });

    test("CRL 即時更新 publishes the next CRL number (openssl crl -crlnumber)", async () => {
      const caId = h.rt.ca.bank(BANK)!.issuing.id;
      const number = async () => {
        const der = (await run("curl", ["-s", "-f", `${h.http}/crl/${BANK}-${caId}.crl`])).raw;
        const out = (await run("openssl", ["crl", "-inform", "DER", "-noout", "-crlnumber"], der)).stdout;
        return parseInt(/crlNumber=(?:0x)?([0-9A-Fa-f]+)/.exec(out)![1]!, 16);
      };
      const before = await number();
      const page = await get("/crl", staff.op01!);
      assert.match(page.text, new RegExp(`data-crl-number="${before}"`));
      assert.equal(field(page.text, "csrf"), await csrfOf(staff.op01!), "the form carries the session's token");
      const r = await act(staff.op01!, "crl", {});
      assert.equal(await number(), before + 1);
      assert.match((await get(r.execute.headers.location as string, staff.op01!)).text, new RegExp(`CRL番号 ${before + 1} を発行しました。`));
    });

    test("the dashboard counts what was issued: valid certificates per ISO week for 13 weeks, issued and revoked per day", async () => {
      const t0 = nextMonday(); // Monday 10:00 JST
      const users = ["kuser01", "kuser02", "kuser03", "kuser04"];
      const contract = (await h.rt.store.getContractByCode(BANK, "K001"))!;
      for (const u of users) await h.addUser(BANK, contract.id, u, "general");
      const at = [t0, t0 + DAY, t0 + 8 * DAY, t0 + 9 * DAY];
      for (const [i, u] of users.entries()) {
        clock.set(at[i]!);
        const r = await estEnroll(h, BANK, u, "Pass1234", await newKeyAndCsr());
        assert.equal(r.status, 200, r.text);
      }
      clock.set(t0 + 9 * DAY + 3_600_000);
      await act(staff.op01!, "revoke", { target: "kuser04", reason: "affiliationChanged", reference: "FORM-7" });
      clock.set(t0 + 10 * DAY); // Thursday of the second week
      const page = await get("/", staff.au01!);
      assert.equal(page.status, 200);
      const weeks = [...page.text.matchAll(/data-week="([^"]+)">(\d+)</g)].map((m) => Number(m[2]));
      // three weeks of validity: kuser01 and kuser02 end in the week after next, kuser03 the week after;
      // kuser04 is revoked and the master's certificate too
      assert.deepEqual(weeks, [0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      const cell = (day: string, kind: string) => Number(new RegExp(`data-day="${day}" data-kind="${kind}">(\\d+)<`).exec(page.text)![1]);
      assert.equal(cell(jstDay(t0), "issued"), 1);
      assert.equal(cell(jstDay(t0 + DAY), "issued"), 1);
      assert.equal(cell(jstDay(t0 + 8 * DAY), "issued"), 1);
      assert.equal(cell(jstDay(t0 + 9 * DAY), "issued"), 1);
      assert.equal(cell(jstDay(t0 + 9 * DAY), "revoked"), 1);
      assert.equal(cell(jstDay(t0 + 2 * DAY), "issued"), 0);
      const issuedTotal = [...page.text.matchAll(/data-kind="issued">(\d+)</g)].reduce((a, m) => a + Number(m[1]), 0);
      const revokedTotal = [...page.text.matchAll(/data-kind="revoked">(\d+)</g)].reduce((a, m) => a + Number(m[1]), 0);
      const all = await h.rt.store.listCertificates(BANK);
      assert.equal(issuedTotal, all.length, "every certificate of the bank was issued within the 30 days");
      assert.equal(revokedTotal, all.filter((c) => c.state === "revoked").length);
      assert.equal(revokedTotal, 2);
    });

    test("audit verify: OK, and after a record is changed it names that record", async () => {
      const ok = await get("/audit/verify", staff.au01!);
      assert.equal(ok.status, 200);
      assert.match(ok.text, /data-verify="ok"/);
      assert.match(ok.text, /OK：監査ログ \d+件に改ざんは検出されませんでした。/);
      const kdb = (h.rt.store as any).kdb;
      const victim = await kdb.selectFrom("audit_events").selectAll().where("bank_id", "=", BANK).where("seq", "=", 5).executeTakeFirst();
      await kdb.updateTable("audit_events").set({ actor_id: "someone-else" }).where("id", "=", victim.id).execute();
      try {
        const broken = await get("/audit/verify", staff.au01!);
        assert.match(broken.text, /data-verify="broken" data-seq="5"/);
        assert.match(broken.text, /NG：記録 5 番で監査ログの改ざんを検出しました/);
        assert.match(broken.text, /someone-else/);
      } finally {
        await kdb.updateTable("audit_events").set({ actor_id: victim.actor_id }).where("id", "=", victim.id).execute();
      }
      assert.equal((await verifyAuditChain(h.rt.store, BANK)).ok, true);
      // the search finds the staff's own operations by operation, contract and login ID
      const search = await get("/audit?operation=revoke&loginId=kmaster01", staff.au01!);
      assert.equal(search.status, 200);
      assert.match(search.text, /certificate\.revoke/);
      assert.match(search.text, /FORM-2026-0042/);
      assert.doesNotMatch(search.text, /FORM-7/);
      const byContract = await get("/audit?contract=K001&operation=contracts", staff.au01!);
      assert.match(byContract.text, /contract\.login_method/);
    });

    test("inkan staff disable: the next request is refused; an expired staff certificate is refused on the injected clock", async () => {
      assert.equal((await get("/", staff.op02!)).status, 200);
      const d = await h.cli(["staff", "disable", BANK, "op02"]);
      assert.equal(d.status, 0, d.stderr);
      const refused = await get("/", staff.op02!);
      assert.equal(refused.status, 403);
      assert.match(refused.text, /この行員の利用は停止されています。/);
      assert.match((await h.cli(["staff", "list", BANK])).stdout, /^op02\toperator\tdisabled\t/m);
      const notAfter = Date.parse((await run("openssl", ["x509", "-noout", "-enddate"], staff.op01!.certPem)).stdout.trim().replace(/^notAfter=/, ""));
      clock.set(notAfter + 1000);
      const expired = await get("/", staff.op01!);
      assert.equal(expired.status, 403);
      assert.match(expired.text, /有効期限が切れています/);
    });
  });
}
