import { test } from "node:test";
import assert from "node:assert/strict";
import { bankSchema } from "./schema.js";

const bank = (policyOid?: string) => ({ id: "tbank", nameJa: "テスト銀行", nameEn: "Test Bank", organization: "Test Bank", caName: "Test Bank TEST CA - G1", ...(policyOid === undefined ? {} : { policyOid }) });

test("no policy OID is the default: nothing is made up", () => {
  assert.equal(bankSchema.parse(bank()).policyOid, undefined);
});

test("an OID whose arcs fit in 32 bits is taken, up to 2^32 - 1", () => {
  for (const oid of ["1.2.392.200001.1", "1.3.6.1.4.1.4294967295.1", "2.999"]) assert.equal(bankSchema.parse(bank(oid)).policyOid, oid);
});

test("an arc of 2^32 or more is refused, in Japanese and English, saying why", () => {
  const uuid = "2.25.329800735698586629295641978511506172918";
  for (const oid of ["1.3.6.1.4.1.4294967296", uuid]) {
    const r = bankSchema.safeParse(bank(oid));
    assert.equal(r.success, false, oid);
    const msg = r.error!.issues[0]!.message;
    assert.match(msg, /32ビットを超えています/);
    assert.match(msg, /does not fit in 32 bits/);
    assert.match(msg, /at most 4294967295/);
  }
  assert.match(bankSchema.safeParse(bank(uuid)).error!.issues[0]!.message, /329800735698…\(39 digits\)/);
});

test("what is not a dotted OID is refused as such", () => {
  for (const oid of ["", "1", "3.1", "1.2.", "1.02.3", "1.2.x"]) {
    const r = bankSchema.safeParse(bank(oid));
    assert.equal(r.success, false, oid);
    assert.match(r.error!.issues[0]!.message, /not an OID in dotted form/);
  }
});
