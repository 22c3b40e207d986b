import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { DATABASES, PG_URL, startHarness, testBank, type DbKind, type Harness } from "./support/harness.js";
import { apiLogin, api, estEnroll, newKeyAndCsr } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { totpCode } from "../src/credentials/totp.js";
import { Store } from "../src/store/store.js";
import { openTotpKey, totpKeyFile } from "../src/ca/totp-key.js";

const BANK = "botp";

/** The database itself, not through the store: what a copy of it, or someone reading it, sees. */
async function raw(h: Harness, statement: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  if (h.db === "sqlite") {
    const db = new Sqlite(join(h.dataDir, "inkan.db"));
    try {
      const st = db.prepare(statement.replace(/\$\d+/g, "?"));
      return st.reader ? (st.all(...params) as Array<Record<string, unknown>>) : (st.run(...params), []);
    } finally {
      db.close();
    }
  }
  const schema = new URL(h.databaseUrl).searchParams.get("schema")!;
  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    return (await c.query(statement, params)).rows;
  } finally {
    await c.end();
  }
}
const column = async (h: Harness, loginId: string) => String((await raw(h, "SELECT totp_secret FROM users WHERE bank_id = $1 AND login_id = $2", [BANK, loginId]))[0]!.totp_secret);

/** The same database opened by another store, with the given key (no runtime, no CA). */
const storeWith = (h: Harness, key: Uint8Array, dataDir: string) => Store.open({ database: h.databaseUrl, dataDir, totpKey: key });

/**
 * Issue 13: TOTP secrets are sealed at rest (AES-256-GCM, src/store/secret-box.ts) under a key of
 * the data directory's key store (src/ca/totp-key.ts), never in the database.
 */
for (const db of DATABASES as DbKind[]) {
  describe(`TOTP secrets encrypted at rest (${db})`, () => {
    let h: Harness;
    const clock = new FakeClock("2027-03-01T00:00:00Z");
    let secret: string;

    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK, { policy: { otp: { acquisition: true, renewal: true } } })] });
      const c = await h.rt.lifecycle.addContract(BANK, { code: "C1", name: "株式会社テスト", loginMethod: "certificate" }, { actorKind: "cli", actorId: "test" });
      await h.addUser(BANK, c, "master01", "master");
      await h.addUser(BANK, c, "user0001", "general");
      await h.addUser(BANK, c, "user0003", "general");
      // registration makes no token (issue 11): the bank registers one for each, as by a token letter
      for (const id of ["master01", "user0001", "user0003"]) await h.rt.lifecycle.staff(BANK, "op01").registerToken(id);
      secret = (await h.rt.store.getUserByLoginId(BANK, "master01"))!.totpSecret!;
    });
    after(async () => h?.close());

    test("the column holds no clear secret after enrolment; login with the one-time password still works", async () => {
      assert.match(secret, /^[A-Z2-7]{32}$/);
      const stored = await column(h, "master01");
      assert.match(stored, /^enc1:[0-9a-f]{16}:[A-Za-z0-9_-]+$/);
      assert.ok(!stored.includes(secret));
      // nowhere in the database's files either (SQLite: the file and its write-ahead log)
      if (db === "sqlite") {
        for (const f of ["inkan.db", "inkan.db-wal"]) if (existsSync(join(h.dataDir, f))) assert.ok(!readFileSync(join(h.dataDir, f)).includes(secret), f);
      } else {
        assert.ok(!JSON.stringify(await raw(h, "SELECT * FROM users")).includes(secret));
      }
      // the key is in the key store, wrapped under the passphrase: not the key's bytes in clear
      assert.ok(existsSync(totpKeyFile(h.dataDir)));
      const key = Buffer.from(openTotpKey(h.dataDir, h.rt.passphrase));
      assert.ok(!readFileSync(totpKeyFile(h.dataDir)).includes(key.toString("base64")));

      const enrolled = await estEnroll(h, BANK, "master01", "Pass1234", await newKeyAndCsr(), totpCode(secret, clock.now()));
      assert.equal(enrolled.status, 200, enrolled.text);
      const wrong = await estEnroll(h, BANK, "master01", "Pass1234", await newKeyAndCsr(), "000000");
      assert.equal(wrong.status, 401);

      // a new secret (ワンタイムパスワード登録) is sealed too while it waits for its code, and once it is the token
      clock.advance(60_000);
      const s = (await apiLogin(h, BANK, enrolled.identity, "Pass1234")).session!;
      const otp = await api(h, s, `/api/${BANK}/otp`, { confirmPassword: "Conf5678" });
      assert.equal(otp.status, 200, otp.text);
      const pending = String((await raw(h, "SELECT totp_pending FROM users WHERE bank_id = $1 AND login_id = $2", [BANK, "master01"]))[0]!.totp_pending);
      assert.match(pending, /^enc1:/);
      assert.ok(!pending.includes(otp.json.secret));
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "master01"))!.totpPending, otp.json.secret);
      clock.advance(30_000);
      assert.equal((await api(h, s, `/api/${BANK}/otp/confirm`, { otp: totpCode(otp.json.secret, clock.now()) })).status, 200);
      const again = await column(h, "master01");
      assert.notEqual(again, stored);
      assert.ok(!again.includes(otp.json.secret));
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "master01"))!.totpSecret, otp.json.secret);
      secret = otp.json.secret;
    });

    test("a copy of the database without the key yields no secret; with the key it does", async () => {
      const elsewhere = mkdtempSync(join(tmpdir(), "inkan-copy-"));
      try {
        let database = h.databaseUrl;
        if (db === "sqlite") {
          const src = new Sqlite(join(h.dataDir, "inkan.db"));
          src.exec(`VACUUM INTO '${join(elsewhere, "inkan.db")}'`);
          src.close();
          database = "inkan.db";
        }
        const stranger = await Store.open({ database, dataDir: elsewhere, totpKey: randomBytes(32) });
        try {
          await assert.rejects(stranger.getUserByLoginId(BANK, "master01"), /cannot be read: sealed under key [0-9a-f]{16}, this node has/);
        } finally {
          await stranger.close();
        }
        const keyed = await Store.open({ database, dataDir: elsewhere, totpKey: openTotpKey(h.dataDir, h.rt.passphrase) });
        try {
          assert.equal((await keyed.getUserByLoginId(BANK, "master01"))!.totpSecret, secret);
        } finally {
          await keyed.close();
        }
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });

    test("a database writer can neither plant a clear secret nor move a sealed one onto another user", async () => {
      const other = await column(h, "user0001");
      await raw(h, "UPDATE users SET totp_secret = $1 WHERE bank_id = $2 AND login_id = $3", [await column(h, "master01"), BANK, "user0001"]);
      await assert.rejects(h.rt.store.getUserByLoginId(BANK, "user0001"), /does not open/);
      await raw(h, "UPDATE users SET totp_secret = $1 WHERE bank_id = $2 AND login_id = $3", ["JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", BANK, "user0001"]);
      await assert.rejects(h.rt.store.getUserByLoginId(BANK, "user0001"), /not sealed/);
      await raw(h, "UPDATE users SET totp_secret = $1 WHERE bank_id = $2 AND login_id = $3", [other, BANK, "user0001"]);
      assert.match((await h.rt.store.getUserByLoginId(BANK, "user0001"))!.totpSecret!, /^[A-Z2-7]{32}$/);
    });

    test("the migration seals the clear secrets an older installation kept", async () => {
      // the database as it was before 011_totp_sealed: the secret in clear, the migration not run
      const clear = (await h.rt.store.getUserByLoginId(BANK, "user0003"))!.totpSecret!;
      await raw(h, "UPDATE users SET totp_secret = $1 WHERE bank_id = $2 AND login_id = $3", [clear, BANK, "user0003"]);
      await raw(h, "DELETE FROM kysely_migration WHERE name = $1", ["011_totp_sealed"]);
      assert.equal(await column(h, "user0003"), clear);
      const reopened = await storeWith(h, openTotpKey(h.dataDir, h.rt.passphrase), h.dataDir);
      try {
        const sealed = await column(h, "user0003");
        assert.match(sealed, /^enc1:/);
        assert.ok(!sealed.includes(clear));
        assert.equal((await reopened.getUserByLoginId(BANK, "user0003"))!.totpSecret, clear);
        assert.equal((await raw(h, "SELECT name FROM kysely_migration WHERE name = $1", ["011_totp_sealed"])).length, 1);
        // the secrets sealed already were left as they were
        assert.equal((await reopened.getUserByLoginId(BANK, "master01"))!.totpSecret, secret);
      } finally {
        await reopened.close();
      }
      // and the running server reads it as before: the one-time password still logs in
      clock.advance(60_000);
      const r = await estEnroll(h, BANK, "user0003", "Pass1234", await newKeyAndCsr(), totpCode(clear, clock.now()));
      assert.equal(r.status, 200, r.text);
    });
  });
}
