import Database from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { isAbsolute, join, dirname } from "node:path";
import { mkdirSync } from "node:fs";
import type { Database as Schema } from "./schema.js";
import { migrations, type Dialect } from "./migrations.js";
import { OwnSchemaPostgresDialect } from "./pg-introspection.js";
import type { SecretBox } from "./secret-box.js";

// bigint columns hold epoch milliseconds and counters, all far below 2^53
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface OpenOptions {
  /** a postgres:// URL, or a SQLite file path (relative to dataDir) */
  database: string;
  dataDir: string;
  /** PostgreSQL schema to use instead of public (each test run gets its own) */
  pgSchema?: string;
  poolSize?: number;
}

export interface Opened {
  db: Kysely<Schema>;
  dialect: Dialect;
  describe: string;
  /** the PostgreSQL schema in use, when not the default */
  schema?: string;
}

export async function openDatabase(o: OpenOptions): Promise<Opened> {
  if (/^postgres(ql)?:\/\//.test(o.database)) {
    // ?schema=NAME in the URL puts Inkan's tables in that schema (one database, several installs)
    const url = new URL(o.database);
    const fromUrl = url.searchParams.get("schema");
    if (fromUrl) {
      url.searchParams.delete("schema");
      o = { ...o, database: url.toString(), pgSchema: o.pgSchema ?? fromUrl };
    }
    const options = o.pgSchema ? `-c search_path=${o.pgSchema}` : undefined;
    if (o.pgSchema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(o.pgSchema)) throw new Error(`bad schema name ${o.pgSchema}`);
      const admin = new pg.Client({ connectionString: o.database });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${o.pgSchema}`);
      await admin.end();
    }
    const pool = new pg.Pool({ connectionString: o.database, max: o.poolSize ?? 10, options });
    const db = new Kysely<Schema>({ dialect: new OwnSchemaPostgresDialect({ pool }, o.pgSchema) });
    const u = new URL(o.database);
    return { db, dialect: "postgres", schema: o.pgSchema, describe: `postgresql://${u.host}${u.pathname}${o.pgSchema ? ` (schema ${o.pgSchema})` : ""}` };
  }
  const file = isAbsolute(o.database) ? o.database : join(o.dataDir, o.database);
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // another process (the CLI, a second server) may hold the write lock for a moment; set first,
  // so that even switching the journal mode waits instead of failing
  sqlite.pragma("busy_timeout = 10000");
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: "sqlite", describe: `sqlite:${file}` };
}

export async function migrate(db: Kysely<Schema>, dialect: Dialect, box: SecretBox, schema?: string): Promise<void> {
  // the migrator looks for its own tables across all schemas unless told which one is ours
  const migrator = new Migrator({ db, provider: migrations(dialect, box), ...(schema ? { migrationTableSchema: schema } : {}) });
  // the common start finds nothing to do: ask first, read-only, so that a node starting while
  // others write takes no lock (the migrator's own lock is a read-then-write transaction, which
  // SQLite refuses at once instead of waiting when another process committed in between)
  const known = await migrator.getMigrations().catch(() => undefined);
  if (known && known.every((m) => m.executedAt !== undefined)) return;
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${(error as Error).message ?? error}`);
  }
  void sql;
}
