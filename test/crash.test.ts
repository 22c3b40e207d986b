import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { DATABASES, startHarness, testBank, freePort, until, type Harness } from "./support/harness.js";
import { newKeyAndCsr, estEnroll, estReenroll, https, type Identity } from "./support/client.js";
import { toPem } from "../src/ca/certificate-builder.js";
import { verifyAuditChain } from "../src/audit/verify.js";
import { acquire } from "../src/lifecycle/acquisition.js";

const BANK = "kbank";
const USERS = 24;
const OPS = 50;

/** A small seeded generator, so that a failing run can be repeated with its seed. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

interface Server {
  proc: ChildProcess;
  origin: string;
  alive: boolean;
}

async function startServer(h: Harness, httpsPort: number, httpPort: number): Promise<Server> {
  const proc = spawn(process.execPath, [join(process.cwd(), "bin", "inkan.mjs"), "serve", "--data", h.dataDir], {
    env: { ...process.env, INKAN_HTTPS_PORT: String(httpsPort), INKAN_HTTP_PORT: String(httpPort), INKAN_LOG_LEVEL: "silent", DATABASE_URL: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const s: Server = { proc, origin: `https://localhost:${httpsPort}`, alive: false };
  await until(`inkan serve on ${httpsPort}`, 30_000, async () => {
    if (proc.exitCode !== null) throw new Error(`inkan serve exited ${proc.exitCode}: ${stderr}`);
    const r = await https(h, { path: "/healthz", origin: s.origin }).catch(() => undefined);
    return r?.status === 200;
  });
  s.alive = true;
  return s;
}

for (const db of DATABASES) {
  test(`two inkan serve processes on one ${db} database, SIGKILLed at random points during ${OPS} acquisitions and renewals`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const rand = lcg(seed);
    const h = await startHarness({ db, banks: [testBank(BANK, { policy: { renewalWindow: "P400D" } })] });
    const servers: Server[] = [];
    try {
      const contract = await h.addContract(BANK);
      await h.addUser(BANK, contract, "master01", "master");
      const users = Array.from({ length: USERS }, (_, i) => `user${String(i + 1).padStart(2, "0")}`);
      const known = new Map<string, Identity>();
      const bank = h.rt.lifecycle.bank(BANK);
      for (const [i, id] of users.entries()) {
        const uid = await h.addUser(BANK, contract, id, "general");
        if (i % 2 === 0) {
          // half the users start with a certificate in use
          const kc = await newKeyAndCsr();
          const user = (await h.rt.store.getUser(BANK, uid))!;
          const issued = await acquire({ deps: h.rt, bank: bank, ctx: { actorKind: "user", actorId: id } }, { user, contract: (await h.rt.store.getContract(BANK, contract))! }, kc.csrB64);
          await h.rt.lifecycle.useCertificate(BANK, issued.der, {}, "test");
          known.set(id, { keyPem: kc.keyPem, certPem: toPem(issued.der), serial: issued.serial });
        }
      }
      const hadValid = new Set(known.keys());

      const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
      servers.push(await startServer(h, ports[0]!, ports[1]!), await startServer(h, ports[2]!, ports[3]!));
      const handedOut: Array<{ serial: string; pem: string }> = [];
      const kills = new Set([Math.floor(OPS * (0.15 + 0.2 * rand())), Math.floor(OPS * (0.45 + 0.2 * rand())), Math.floor(OPS * (0.75 + 0.2 * rand()))]);
      let next = 0;
      let restarting: Promise<void> = Promise.resolve();

      const trace = process.env.CRASH_TRACE ? (m: string) => process.stderr.write(`[crash ${db}] ${m}\n`) : () => undefined;
      const one = async (n: number) => {
        trace(`op ${n}`);
        const id = users[Math.floor(rand() * USERS)]!;
        const pick = servers.filter((s) => s.alive);
        const server = pick[n % pick.length] ?? servers[0]!;
        const current = known.get(id);
        const kc = await newKeyAndCsr();
        const r = current
          ? await estReenroll(h, BANK, current, id, "Pass1234", kc, undefined, server.origin).catch(() => undefined)
          : await estEnroll(h, BANK, id, "Pass1234", kc, undefined, server.origin).catch(() => undefined);
        if (r?.status === 200 && r.identity) {
          handedOut.push({ serial: r.identity.serial, pem: r.identity.certPem });
          // confirm the new certificate with a mutual-TLS request, as the app does; it may be lost
          const c = await https(h, { path: `/.well-known/est/${BANK}/csrattrs`, identity: r.identity, origin: server.origin }).catch(() => undefined);
          if (c?.status === 200) known.set(id, r.identity);
        }
      };
      const worker = async () => {
        while (next < OPS) {
          const n = next++;
          if (kills.has(n)) {
            const i = n % 2;
            // kills and restarts take turns, each on the process that is current by then
            restarting = restarting.then(async () => {
              const victim = servers[i]!;
              victim.alive = false;
              const gone = new Promise((r) => (victim.proc.exitCode !== null || victim.proc.signalCode !== null ? r(null) : victim.proc.once("exit", r)));
              trace(`kill ${i} at ${n}`);
              victim.proc.kill("SIGKILL");
              await gone;
              trace(`restart ${i}`);
              servers[i] = await startServer(h, ports[i * 2]!, ports[i * 2 + 1]!);
            });
          }
          await one(n);
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      await restarting;
      for (const s of servers) s.proc.kill("SIGTERM");
      await Promise.all(servers.map((s) => (s.proc.exitCode === null ? new Promise((r) => s.proc.once("exit", r)) : undefined)));

      // what a restart does: finish whatever was recorded but not signed
      await h.rt.lifecycle.recover();
      const msg = `seed ${seed}, kills at ${[...kills].join(",")}`;
      assert.deepEqual(await h.rt.store.unfinishedSignings(BANK), [], msg);
      assert.ok(handedOut.length >= OPS / 3, `${handedOut.length} certificates handed out (${msg})`);
      for (const c of handedOut) {
        const rec = await h.rt.store.getCertificate(BANK, c.serial);
        assert.ok(rec?.der, `every certificate handed out is on record (${msg})`);
        assert.equal(toPem(rec!.der!).trim(), c.pem.replace(/\r/g, "").trim(), "the record holds exactly the certificate handed out");
      }
      for (const id of users) {
        const u = (await h.rt.store.getUserByLoginId(BANK, id))!;
        const states = (await h.rt.store.userCertificates(BANK, u.id)).map((c) => c.state);
        assert.ok(states.filter((s) => s === "active").length <= 1, `${id}: two active (${states}) ${msg}`);
        assert.ok(states.filter((s) => s === "pending").length <= 1, `${id}: two pending (${states}) ${msg}`);
        if (hadValid.has(id)) assert.ok(states.some((s) => s === "active" || s === "pending"), `${id} lost its valid certificate (${states}) ${msg}`);
      }
      const audit = await verifyAuditChain(h.rt.store, BANK);
      assert.equal(audit.ok, true, JSON.stringify(audit));
    } finally {
      for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
      await h.close();
    }
  });
}
