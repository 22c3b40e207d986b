import { test } from "node:test";
import assert from "node:assert/strict";
import { decideOnBank, type Actor, type BankRight } from "./rights.js";

const RIGHTS: BankRight[] = ["console.view", "audit.view", "contract.open", "contract.change", "user.register_master", "certificate.revoke", "certificate.reset", "user.unlock", "crl.rebuild"];

test("bank rights of the staff console: operators everything, auditors read only, customers nothing, another bank not found", () => {
  const op: Actor = { kind: "staff", bankId: "b1", staffId: "s1", role: "operator" };
  const au: Actor = { kind: "staff", bankId: "b1", staffId: "s2", role: "auditor" };
  const master: Actor = { kind: "user", bankId: "b1", contractId: 1, userId: 1, role: "master" };
  for (const r of RIGHTS) {
    assert.equal(decideOnBank(op, r, "b1"), "allow", `operator ${r}`);
    assert.equal(decideOnBank(au, r, "b1"), r === "console.view" || r === "audit.view" ? "allow" : "deny", `auditor ${r}`);
    assert.equal(decideOnBank(master, r, "b1"), "deny", `master ${r}`);
    assert.equal(decideOnBank(op, r, "b2"), "not_found", `operator of another bank ${r}`);
    assert.equal(decideOnBank(au, r, "b2"), "not_found", `auditor of another bank ${r}`);
  }
});
