import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate, openDatabase } from "../src/store/open.js";
import { SecretBox } from "../src/store/secret-box.js";
import { PG_URL } from "./support/harness.js";

/**
 * Several installs in one PostgreSQL database, each in its schema (as every PostgreSQL test runs):
 * one starting while another's schema is dropped must still migrate. Kysely's own introspection
 * read every schema of the database and failed with "schema … does not exist" when one vanished
 * under it — a test's before hook failed that way under load (stop 14's CI, and a helper's run).
 */
test("installs in their own schemas migrate while other schemas come and go; each reads only its own tables", async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const tag = randomBytes(4).toString("hex");
  // another install's leftovers, with a migration table of its own that must not count as ours
  const other = `o_${tag}`;
  await admin.query(`CREATE SCHEMA ${other}`);
  await admin.query(`CREATE TABLE ${other}.kysely_migration (name text primary key, timestamp text)`);
  // schemas made and dropped without pause for as long as the installs below start
  let churning = true;
  const churn = (async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    let n = 0;
    for (; churning; n++) {
      await c.query(`CREATE SCHEMA churn_${tag}_${n}`);
      await c.query(`CREATE TABLE churn_${tag}_${n}.t (x int)`);
      await c.query(`DROP SCHEMA churn_${tag}_${n} CASCADE`);
    }
    await c.end();
    return n;
  })();
  const mine: string[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const schema = `m_${tag}_${i}`;
      mine.push(schema);
      const opened = await openDatabase({ database: `${PG_URL}?schema=${schema}`, dataDir: "." });
      try {
        await migrate(opened.db, opened.dialect, new SecretBox(randomBytes(32)), opened.schema);
        const tables = await opened.db.introspection.getTables({ withInternalKyselyTables: true });
        assert.ok(tables.length > 5, "the install's tables are there");
        assert.deepEqual([...new Set(tables.map((t) => t.schema))], [schema], "only the install's own schema is read");
        assert.ok(tables.find((t) => t.name === "users")!.columns.some((c) => c.name === "login_id"), "with their columns");
      } finally {
        await opened.db.destroy();
      }
    }
  } finally {
    churning = false;
    const made = await churn;
    assert.ok(made > 0, "other schemas came and went meanwhile");
    for (const s of [other, ...mine]) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.end();
  }
});
