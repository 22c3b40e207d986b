import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { newKeyAndCsr, estEnroll, apiLogin, api, https, type Identity, type Session } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { Notifier } from "../src/notify/notifier.js";

const DAY = 86_400_000;

for (const db of DATABASES) {
  describe(`操作履歴照会 and 重要なお知らせ over the API (${db})`, () => {
    let h: Harness;
    const clock = new FakeClock("2027-02-01T01:00:00Z");
    const ids: Record<string, Identity> = {};
    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank("hbank")] });
      const c = await h.addContract("hbank", "C1");
      const c2 = await h.addContract("hbank", "C2");
      for (const [contract, id, role] of [[c, "master01", "master"], [c, "user01", "general"], [c, "user02", "general"], [c2, "other01", "master"]] as const) {
        await h.addUser("hbank", contract, id, role);
        clock.advance(60_000);
        ids[id] = (await estEnroll(h, "hbank", id, "Pass1234", await newKeyAndCsr())).identity!;
      }
    });
    after(async () => h?.close());
    const login = async (id: string): Promise<Session> => (await apiLogin(h, "hbank", ids[id], "Pass1234")).session!;

    test("the master sees the whole contract, a general user only itself, another contract nothing; filters and the online period hold", async () => {
      // an old event, older than 100 days, must not show
      await apiLogin(h, "hbank", ids.user02, "Wrong999");
      clock.advance(101 * DAY);
      await apiLogin(h, "hbank", ids.user01, "Wrong111");
      const master = await login("master01");
      const user = await login("user01");
      const other = await login("other01");
      const all = (await api(h, master, "/api/hbank/history")).json.entries as any[];
      assert.ok(all.some((e) => e.target === "user01" && e.result === "refused"), "user01's wrong password");
      assert.ok(!all.some((e) => e.target === "user02" && e.result === "refused"), "older than 100 days: gone from the screen");
      assert.ok(all.some((e) => e.actor === "master01" && e.action === "login"));
      assert.ok(!all.some((e) => e.target === "other01"), "nothing of another contract");
      const mine = (await api(h, user, "/api/hbank/history")).json.entries as any[];
      assert.ok(mine.length > 0);
      assert.ok(mine.every((e) => e.target === "user01" || e.actor === "user01"), JSON.stringify(mine.slice(0, 3)));
      assert.equal((await api(h, user, "/api/hbank/history?user=user02")).status, 404, "a general user cannot look at others");
      assert.equal((await api(h, other, "/api/hbank/history?user=user01")).status, 404, "another contract's user is not found");
      const logins = (await api(h, master, "/api/hbank/history?operation=login&user=user01")).json.entries as any[];
      assert.ok(logins.length >= 2 && logins.every((e) => e.operation.ja === "ログイン" && (e.target === "user01" || e.actor === "user01")));
      const today = new Date(clock.now().getTime() + 9 * 3600_000).toISOString().slice(0, 10);
      const onlyToday = (await api(h, master, `/api/hbank/history?from=${today}&to=${today}`)).json.entries as any[];
      assert.ok(onlyToday.length > 0 && onlyToday.every((e) => e.at.startsWith(today)));
    });

    test("CSV export opens in Excel: UTF-8 with BOM, Japanese header, quoted fields, CRLF", async () => {
      const master = await login("master01");
      const r = await https(h, { path: "/api/hbank/history?format=csv", identity: ids.master01, headers: { cookie: master.cookie } });
      assert.equal(r.status, 200);
      assert.match(String(r.headers["content-type"]), /^text\/csv; charset=utf-8/);
      assert.ok(r.text.startsWith("\uFEFF\"日時\",\"操作者\",\"操作\",\"対象者\",\"結果\",\"接続元\",\"証明書シリアル番号\"\r\n"));
      const rows = r.text.slice(1).trimEnd().split("\r\n").map((l) => l.slice(1, -1).split('","'));
      assert.ok(rows.length > 3);
      assert.ok(rows.slice(1).every((c) => c.length === 7 && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+09:00$/.test(c[0]!)));
      assert.ok(rows.some((c) => c[2] === "ログイン" && c[4] === "正常"));
    });

    test("重要なお知らせ shows the renewal reminder from the window's first day, read and unread", async () => {
      const notifier = new Notifier(h.rt.store, clock, h.rt.config, { warn: () => undefined, error: (o) => assert.fail(JSON.stringify(o)) });
      const cert = (await h.rt.store.getCertificate("hbank", ids.user01!.serial))!;
      clock.set(cert.notAfter.getTime() - 30 * DAY - 60_000);
      await notifier.tick();
      let s = await login("user01");
      assert.deepEqual((await api(h, s, "/api/hbank/notices")).json.notices, []);
      clock.set(cert.notAfter.getTime() - 30 * DAY + 60_000);
      await notifier.tick();
      notifier.stop();
      s = await login("user01");
      const list = (await api(h, s, "/api/hbank/notices")).json.notices as any[];
      assert.equal(list.length, 1);
      assert.equal(list[0].title.ja, "電子証明書の更新をお願いします");
      assert.equal(list[0].link.ja, "電子証明書の更新はこちら");
      assert.equal(list[0].read, false);
      assert.equal((await api(h, s, `/api/hbank/notices/${list[0].id}/read`, {})).status, 200);
      assert.equal((await api(h, s, "/api/hbank/notices")).json.notices[0].read, true);
      const m = await login("master01");
      assert.equal((await api(h, m, `/api/hbank/notices/${list[0].id}/read`, {})).status, 404, "not the master's notice");
    });
  });
}
