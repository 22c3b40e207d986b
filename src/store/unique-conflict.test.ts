import { test } from "node:test";
import assert from "node:assert/strict";
import { DomainError, UniqueConflict } from "../domain/errors.js";
import { asUniqueConflict, conflictsAsDomain } from "./unique-conflict.js";

const driverError = (code: string) => Object.assign(new Error(`driver says ${code}`), { code });

test("PostgreSQL's and SQLite's unique-key violations become UniqueConflict", () => {
  for (const code of ["23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]) {
    const e = asUniqueConflict(driverError(code));
    assert.ok(e instanceof UniqueConflict, code);
    assert.match((e as Error).message, new RegExp(`driver says ${code}`));
  }
});

test("every other error passes unchanged", () => {
  for (const e of [driverError("23503"), driverError("SQLITE_CONSTRAINT_FOREIGNKEY"), driverError("SQLITE_BUSY"), new DomainError("login_id_taken"), new Error("x"), "text", null, undefined, { code: 23505 }]) {
    assert.equal(asUniqueConflict(e), e);
  }
});

test("a database call that violates a unique key rejects with UniqueConflict; others keep their result or error", async () => {
  await assert.rejects(conflictsAsDomain(async () => Promise.reject(driverError("23505"))), UniqueConflict);
  await assert.rejects(conflictsAsDomain(async () => Promise.reject(new DomainError("master_exists"))), (e) => e instanceof DomainError && e.code === "master_exists");
  assert.equal(await conflictsAsDomain(async () => 42), 42);
});
