import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { api, apiLogin, type Session } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";

const BANK = "se";

// issue 13: sessions survived a password change; now every other session of the user ends on a
// change, and all of them on a reset by the master
for (const db of DATABASES) {
  describe(`a password change or reset ends the user's other sessions (${db})`, () => {
    let h: Harness;
    const clock = new FakeClock("2027-07-01T00:00:00Z");
    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK)] });
      const c = await h.rt.lifecycle.addContract(BANK, { code: "C1", name: "株式会社テスト", loginMethod: "password" }, { actorKind: "cli", actorId: "test" });
      await h.addUser(BANK, c, "master01", "master");
      await h.addUser(BANK, c, "user01", "general");
    });
    after(async () => h?.close());

    const loginAs = async (id: string, password = "Pass1234"): Promise<Session> => {
      const r = await apiLogin(h, BANK, undefined, password, id);
      assert.equal(r.status, 200, r.text);
      return r.session!;
    };
    const me = (s: Session) => api(h, s, `/api/${BANK}/me`);

    test("own change: the session that changed goes on, the other one is ended", async () => {
      const a = await loginAs("user01");
      const b = await loginAs("user01");
      assert.equal((await me(b)).status, 200);
      const r = await api(h, a, `/api/${BANK}/password`, { current: "Pass1234", next: "Next4321" });
      assert.equal(r.status, 200, r.text);
      assert.equal((await me(a)).status, 200, "the session that changed it");
      const other = await me(b);
      assert.equal(other.status, 401);
      assert.equal(other.json.error, "session_invalid");
    });

    test("absolute lifetime: a session kept busy every 10 minutes still ends 8 hours (policy sessionMax) after its login", async () => {
      const s = await loginAs("master01");
      for (let minutes = 10; minutes <= 480; minutes += 10) {
        clock.advance(10 * 60_000);
        assert.equal((await me(s)).status, 200, `${minutes} minutes after login`);
      }
      clock.advance(60_000);
      const ended = await me(s);
      assert.equal(ended.status, 401, "8 hours and 1 minute after login");
      assert.equal(ended.json.error, "session_invalid");
    });

    test("reset by the master: every session of the user ends", async () => {
      const a = await loginAs("user01", "Next4321");
      const master = await loginAs("master01");
      const r = await api(h, master, `/api/${BANK}/users/user01/password`, { password: "Temp5678", confirmPassword: "Conf5678" });
      assert.equal(r.status, 200, r.text);
      assert.equal((await me(a)).status, 401);
      assert.equal((await me(master)).status, 200, "the master's own session is untouched");
    });
  });
}
