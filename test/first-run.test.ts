import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { run } from "./support/harness.js";
import { freshInstallation, type InkanProcess } from "./support/fresh-start.js";
import { opensslCsr, writeTemp } from "./support/csr.js";

/**
 * The README's first command, as a new user runs it: `inkan start` on an empty data directory
 * makes the demo and serves; `inkan demo --json` tells a script everything it needs; curl and
 * openssl enroll with nothing else. (The whole chain a relying party checks, from the same start:
 * test/ca-fresh-start.test.ts.)
 */
test("first run: start makes the demo and serves; demo --json is enough to enroll with curl and openssl", async () => {
  const fresh = await freshInstallation("inkan-first-");
  const server = await fresh.start("start").catch((e: unknown) => {
    fresh.remove();
    throw e;
  });
  const { dataDir, httpsPort } = fresh;
  let second: InkanProcess | undefined;
  try {
    const out = server.out();
    assert.match(out, /Inkan is running \(a new data directory with the demo was made\)/);
    assert.match(out, new RegExp(`HTTPS:\\s+https://localhost:${httpsPort}`));
    assert.match(out, /aoba\s+aomaster01\s+A001 master\s+Pass1234 \/ Conf5678\s+TOTP [A-Z2-7]{32}/);
    assert.match(out, /kita\s+kiuser02\s+A004 general/);
    // the printed portal address opens the bank's login screen (a real curl, the printed CA)
    const portal = new RegExp(`portal (https://localhost:${httpsPort}/aoba/login)`).exec(out)?.[1];
    assert.ok(portal, "the banner names the portal");
    const page = await run("curl", ["-s", "-f", "--cacert", join(dataDir, "tls", "server-ca.pem"), portal!]);
    assert.match(page.stdout, /<h1>ログイン<\/h1>/);
    assert.match(page.stdout, /電子証明書発行/);
    assert.equal(statSync(join(dataDir, "ca", "passphrase")).mode & 0o777, 0o600);

    const demo = JSON.parse((await fresh.cli(["demo", "--json"])).stdout);
    assert.deepEqual(demo.banks.map((b: { id: string }) => b.id), ["aoba", "kita"]);
    const bank = demo.banks[1];
    const user = bank.users.find((u: { role: string }) => u.role === "general");
    assert.ok(existsSync(bank.caFiles.chain) && existsSync(demo.serverCaFile));

    const csr = await opensslCsr("rsa2048");
    // the demo banks ask a one-time password, as the seeds' banks do; `inkan demo otp` gives it
    const otp = (await fresh.cli(["demo", "otp", user.loginId])).stdout.trim();
    assert.match(otp, /^\d{6}$/);
    const r = await run("curl", ["-s", "-f", "--cacert", demo.serverCaFile, "-u", `${user.loginId}:${user.password}`, "-H", "Content-Type: application/pkcs10", "-H", `X-Inkan-OTP: ${otp}`, "--data-binary", "@-", `${bank.est}/simpleenroll`], csr.b64);
    const pem = (await run("openssl", ["pkcs7", "-inform", "DER", "-print_certs"], Buffer.from(r.stdout, "base64"))).stdout;
    const file = writeTemp(csr.dir, "cert.pem", pem);
    assert.match((await run("openssl", ["verify", "-CAfile", bank.caFiles.chain, file])).stdout, /: OK/);
    assert.doesNotMatch((await run("openssl", ["x509", "-in", file, "-noout", "-text"])).stdout, /Certificate Policies/, "the demo banks configure no policy OID");
    assert.match((await run("openssl", ["x509", "-in", file, "-noout", "-subject"])).stdout, new RegExp(`OU = Kita Shinkin TEST CA - G1, CN = ${user.loginId} ${user.userNo} \\d{20}`));

    // a second start reuses everything: same CA, demo not made twice
    assert.equal(await server.stop(), 0, "clean shutdown on SIGTERM");
    // `inkan serve` (and any later start) prints no secret: its banner goes where the logs go
    second = await fresh.start("serve");
    const banner = second.out();
    assert.match(banner, /Inkan is running\./);
    assert.doesNotMatch(banner, /Pass1234|Conf5678|TOTP|[A-Z2-7]{32}/, banner);
    const sent = Date.now();
    const code = await second.stop();
    const at = Date.now();
    assert.equal(code, 0);
    assert.ok(at - sent <= 5000, `exited ${at - sent} ms after SIGTERM`);
    const again = await fresh.cli(["user", "list", "--bank", "kita"]);
    assert.equal(again.stdout.trim().split("\n").length, 4);
    assert.match(again.stdout, new RegExp(`${user.loginId}\\s+A00\\d\\s+general\\s+\\S+ \\S+\\s+発行済み \\(Issued\\)`));
  } finally {
    await server.stop();
    await second?.stop();
    fresh.remove();
  }
});
