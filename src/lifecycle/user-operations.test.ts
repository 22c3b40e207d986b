import { test } from "node:test";
import assert from "node:assert/strict";
import { DomainError } from "../domain/errors.js";
import { USER_OPERATIONS, USER_OPERATION_NAMES, isUserOperation, runUserOperation } from "./user-operations.js";
import type { UserOperationContext } from "./user-management.js";

test("the table: twelve operations on one user, each with its right", () => {
  assert.deepEqual(
    Object.fromEntries(USER_OPERATION_NAMES.map((n) => [n, USER_OPERATIONS[n].right])),
    { revoke: "certificate.revoke", reset: "certificate.reset", suspend: "user.suspend", resume: "user.resume", unlock: "user.unlock", password: "user.password_reset", otp_reset: "user.otp_reset", otp_register: "user.otp_register", password_reissue: "user.password_reissue", change: "user.change", self_change: "user.change_self", delete: "user.delete" },
  );
});

test("an unknown name is no operation, and dispatching it is not found", async () => {
  for (const n of ["add", "toString", "constructor", "__proto__", ""]) assert.equal(isUserOperation(n), false, n);
  for (const n of USER_OPERATION_NAMES) assert.equal(isUserOperation(n), true);
  await assert.rejects(runUserOperation({ name: "toString" as never } as never), (e: unknown) => e instanceof DomainError && e.code === "not_found");
});

test("inputs are read as the API and the forms always have: strings cut to size, anything else empty or absent", () => {
  const parse = (n: keyof typeof USER_OPERATIONS, v: unknown) => USER_OPERATIONS[n].input.parse(v);
  assert.deepEqual(parse("revoke", {}), { reason: "unspecified" });
  assert.deepEqual(parse("revoke", { reason: "" }), { reason: "unspecified" });
  assert.deepEqual(parse("revoke", { reason: 5 }), { reason: "unspecified" });
  assert.deepEqual(parse("revoke", { reason: "keyCompromise", confirmPassword: "x" }), { reason: "keyCompromise" });
  assert.equal((parse("revoke", { reason: "k".repeat(500) }) as { reason: string }).reason.length, 200);
  assert.deepEqual(parse("password", { password: "Temp1234" }), { password: "Temp1234" });
  assert.deepEqual(parse("password", { password: ["Temp1234"] }), { password: "" });
  assert.deepEqual(parse("change", { name: "新 名前" }), { name: "新 名前" });
  assert.deepEqual(parse("change", { name: 1, email: null, role: "admin" }), { name: undefined, email: undefined, role: "admin" });
  assert.deepEqual(parse("change", { email: "a".repeat(400) }), { email: "a".repeat(300) });
  for (const n of ["reset", "suspend", "resume", "unlock", "delete", "otp_reset", "otp_register", "password_reissue"] as const) assert.deepEqual(parse(n, { confirmPassword: "x", extra: 1 }), {});
});

test("a wrong input is refused before anything is read or written", async () => {
  // no store at all: a refusal that reached the database would fail differently
  const c = { deps: {}, bank: { config: { id: "b1" } }, who: { actor: { kind: "system", bankId: "b1" } }, target: "user0001", ctx: { actorKind: "cli", actorId: "t" } } as unknown as UserOperationContext;
  const code = (e: unknown) => (e instanceof DomainError ? e.code : String(e));
  await assert.rejects(runUserOperation({ ...c, name: "revoke", input: { reason: "superseded" } }), (e) => code(e) === "revocation_reason_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "revoke", input: { reason: "nonsense" } }), (e) => code(e) === "revocation_reason_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "password", input: { password: "short" } }), (e) => code(e) === "password_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "password", input: { password: "user0001" } }), (e) => code(e) === "password_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "change", input: { role: "master" } }), (e) => code(e) === "user_role_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "change", input: { email: "not an address" } }), (e) => code(e) === "email_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "change", input: { name: "" } }), (e) => code(e) === "user_name_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "self_change", input: { email: "not an address" } }), (e) => code(e) === "email_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "self_change", input: { name: "" } }), (e) => code(e) === "user_name_invalid");
  // a body that is no object reads as no fields: the reason defaults, the password is empty
  for (const input of ["keyCompromise", ["x"], 7, null]) await assert.rejects(runUserOperation({ ...c, name: "password", input }), (e) => code(e) === "password_invalid");
  await assert.rejects(runUserOperation({ ...c, name: "revoke", input: "superseded" }), (e) => !(e instanceof DomainError) || e.code !== "revocation_reason_invalid");
});
