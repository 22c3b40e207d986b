import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHarness, testBank, type Harness } from "./support/harness.js";
import { FakeClock } from "../src/domain/clock.js";
import { onUser } from "../src/lifecycle/user-management.js";
import { DomainError } from "../src/domain/errors.js";
import type { Store } from "../src/store/store.js";

const BANK = "rt";

/**
 * Issue 13: the rights decision in user management read the target outside the write transaction
 * that acts on it. Here the target is promoted to admin between that first look and the
 * transaction (the store hands the operation the row as it was); an admin may not suspend an
 * admin, and the decision taken inside the transaction refuses it.
 */
describe("the rights decision is taken again inside the transaction that acts (sqlite)", () => {
  let h: Harness;
  const clock = new FakeClock("2027-08-01T00:00:00Z");
  before(async () => {
    h = await startHarness({ db: "sqlite", clock, banks: [testBank(BANK)] });
    const c = await h.addContract(BANK, "C1");
    await h.addUser(BANK, c, "master01", "master");
    await h.addUser(BANK, c, "admin01", "admin");
    await h.addUser(BANK, c, "user01", "general");
  });
  after(async () => h?.close());

  test("a target promoted to admin meanwhile is not suspended by an admin; the refusal is audited", async () => {
    const store = h.rt.store;
    const stale = (await store.getUserByLoginId(BANK, "user01"))!;
    const admin = (await store.getUserByLoginId(BANK, "admin01"))!;
    // the promotion lands after the first look, before the acting transaction
    await store.write(BANK, (w) => w.setUserDetails(stale.id, { role: "admin" }, clock.now()));
    const staleStore = new Proxy(store, { get: (t, k) => (k === "getUserByLoginId" ? async () => stale : Reflect.get(t, k, t)) }) as Store;
    const bank = h.rt.lifecycle.banks.get(BANK);
    const ctx = { actorKind: "user" as const, actorId: "admin01", address: "127.0.0.1" };
    await assert.rejects(
      onUser({ deps: { store: staleStore, ca: h.rt.ca, clock }, bank, who: { actor: { kind: "user", bankId: BANK, contractId: admin.contractId, userId: admin.id, role: "admin" }, user: admin }, target: "user01", confirmPassword: "Conf5678", ctx, right: "user.suspend" }, (w, t, now) =>
        w.setUserStatus(t.id, "suspended", now),
      ),
      (e) => e instanceof DomainError && e.code === "not_permitted",
    );
    assert.equal((await store.getUserByLoginId(BANK, "user01"))!.status, "active", "nothing was done");
    const last = (await store.auditEvents({ bankId: BANK, from: new Date(0), to: clock.now(), limit: 10_000 })).find((e) => e.action === "user.suspend")!;
    assert.equal(last.action, "user.suspend");
    assert.equal(last.result, "refused");
    assert.equal(JSON.parse(String(last.detail)).decided, "in_transaction");
  });
});
