import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, decideOnContract, viewsOwnContract, grantableRoles, historyScope, managesUsers, type Actor, type Right, type Target } from "./rights.js";
import type { UserRole } from "./roles.js";

const RIGHTS: Right[] = ["certificate.revoke", "certificate.reset", "user.suspend", "user.resume", "user.unlock", "user.add", "user.change", "user.delete", "user.password_reset", "user.otp_reset", "user.otp_register", "user.password_reissue", "user.change_self", "history.view"];
const ROLES: UserRole[] = ["master", "admin", "general"];

const me = (role: UserRole): Actor => ({ kind: "user", bankId: "b1", contractId: 1, userId: 10, role });
const target = (rel: "self" | "same" | "contract" | "bank", role: UserRole): Target => ({
  bankId: rel === "bank" ? "b2" : "b1",
  contractId: rel === "contract" || rel === "bank" ? 2 : 1,
  userId: rel === "self" ? 10 : 20,
  role,
});

/** The expected table, written out by hand from SPEC.md so that any change to rights.ts shows. */
function expected(actor: UserRole, right: Right, rel: "self" | "same", trole: UserRole, selfRevoke: boolean): string {
  if (rel === "self" && trole !== actor) return "n/a";
  // the bank's token and password letters: no customer makes them for anyone
  if (right === "user.otp_register" || right === "user.password_reissue") return "deny";
  // 自身の情報の変更: one's own details, for every role, and nobody else's
  if (right === "user.change_self") return rel === "self" ? "allow" : "deny";
  if (actor === "master") {
    if (right === "certificate.revoke") return rel === "self" ? (selfRevoke ? "allow" : "paper") : "allow";
    if (right === "history.view") return "allow";
    if (right === "user.add") return trole === "master" ? "deny" : "allow";
    return rel === "self" || trole === "master" ? "deny" : "allow";
  }
  if (actor === "admin") {
    // the seeds' "another user with 管理者権限" revokes a mistakenly deleted certificate, the master's too
    if (right === "certificate.revoke") return "allow";
    if (right === "history.view") return rel === "self" ? "allow" : "deny";
    if (right === "user.add") return trole === "general" ? "allow" : "deny";
    return rel !== "self" && trole === "general" ? "allow" : "deny";
  }
  return right === "history.view" && rel === "self" ? "allow" : "deny";
}

test("rights: every role × operation × target relation, with zero escalations and foreign targets not found", () => {
  let rows = 0;
  for (const selfRevoke of [true, false]) {
    for (const a of ROLES) {
      for (const right of RIGHTS) {
        for (const trole of ROLES) {
          for (const rel of ["self", "same"] as const) {
            const want = expected(a, right, rel, trole, selfRevoke);
            if (want === "n/a") continue;
            assert.equal(decide(me(a), right, target(rel, trole), { masterSelfRevokeOnline: selfRevoke }), want, `${a} ${right} ${rel} ${trole}`);
            rows++;
          }
          for (const rel of ["contract", "bank"] as const) {
            assert.equal(decide(me(a), right, target(rel, trole), { masterSelfRevokeOnline: selfRevoke }), "not_found", `${a} ${right} ${rel}`);
            rows++;
          }
        }
      }
    }
  }
  // 2 policies × 3 roles × 14 rights × (3 same-contract targets + self + 3 × 2 foreign)
  assert.equal(rows, 840);
  // a general user can do nothing to anyone else
  for (const right of RIGHTS) for (const trole of ROLES) assert.equal(decide(me("general"), right, target("same", trole), { masterSelfRevokeOnline: true }), "deny");
});

test("rights: bank staff — operators may do everything in their bank, auditors only read; other banks not found", () => {
  const op: Actor = { kind: "staff", bankId: "b1", staffId: "s1", role: "operator" };
  const au: Actor = { kind: "staff", bankId: "b1", staffId: "s2", role: "auditor" };
  for (const right of RIGHTS) {
    for (const trole of ROLES) {
      assert.equal(decide(op, right, target("same", trole), { masterSelfRevokeOnline: false }), "allow");
      assert.equal(decide(op, right, target("bank", trole), { masterSelfRevokeOnline: false }), "not_found");
      assert.equal(decide(au, right, target("same", trole), { masterSelfRevokeOnline: true }), right === "history.view" ? "allow" : "deny");
    }
  }
});

test("history scope: the master the whole contract, admin and general users their own; staff and the system their bank — and decide() agrees", () => {
  assert.equal(historyScope(me("master")), "contract");
  assert.equal(historyScope(me("admin")), "own");
  assert.equal(historyScope(me("general")), "own");
  assert.equal(historyScope({ kind: "staff", bankId: "b1", staffId: "s2", role: "auditor" }), "bank");
  assert.equal(historyScope({ kind: "staff", bankId: "b1", staffId: "s1", role: "operator" }), "bank");
  assert.equal(historyScope({ kind: "system", bankId: "b1" }), "bank");
  for (const a of ROLES) {
    for (const trole of ROLES) {
      const other = decide(me(a), "history.view", target("same", trole), { masterSelfRevokeOnline: true });
      assert.equal(other, historyScope(me(a)) === "contract" ? "allow" : "deny", `${a} → ${trole}`);
    }
    assert.equal(decide(me(a), "history.view", target("self", a), { masterSelfRevokeOnline: true }), "allow");
    assert.equal(decide(me(a), "history.view", target("contract", a), { masterSelfRevokeOnline: true }), "not_found");
  }
});

test("who manages users and which roles they may give: master admin and general, admin general, general none; staff and the system none here", () => {
  assert.deepEqual(grantableRoles(me("master")), ["admin", "general"]);
  assert.deepEqual(grantableRoles(me("admin")), ["general"]);
  assert.deepEqual(grantableRoles(me("general")), []);
  assert.equal(managesUsers(me("master")), true);
  assert.equal(managesUsers(me("admin")), true);
  assert.equal(managesUsers(me("general")), false);
  for (const a of [{ kind: "staff", bankId: "b1", staffId: "s1", role: "operator" }, { kind: "system", bankId: "b1" }] as Actor[]) {
    assert.deepEqual(grantableRoles(a), []);
    assert.equal(managesUsers(a), false);
  }
  // the same answer as the table gives for a registration
  for (const a of ROLES) for (const r of ["admin", "general"] as const) assert.equal(grantableRoles(me(a)).includes(r), decide(me(a), "user.add", target("same", r), { masterSelfRevokeOnline: true }) === "allow", `${a} ${r}`);
});

test("企業情報の照会: the master and admins their own contract, general users not; staff their bank's; others not found", () => {
  const own = { bankId: "b1", contractId: 1 };
  assert.equal(decideOnContract(me("master"), "contract.view", own), "allow");
  assert.equal(decideOnContract(me("admin"), "contract.view", own), "allow");
  assert.equal(decideOnContract(me("general"), "contract.view", own), "deny");
  for (const role of ROLES) {
    assert.equal(decideOnContract(me(role), "contract.view", { bankId: "b1", contractId: 2 }), "not_found");
    assert.equal(decideOnContract(me(role), "contract.view", { bankId: "b2", contractId: 1 }), "not_found");
  }
  assert.deepEqual(ROLES.map((r) => viewsOwnContract(me(r))), [true, true, false]);
  assert.equal(decideOnContract({ kind: "staff", bankId: "b1", staffId: "s2", role: "auditor" }, "contract.view", { bankId: "b1", contractId: 7 }), "allow");
  assert.equal(decideOnContract({ kind: "staff", bankId: "b1", staffId: "s2", role: "auditor" }, "contract.view", { bankId: "b2", contractId: 7 }), "not_found");
});
