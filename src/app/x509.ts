// @peculiar/x509 resolves its providers through tsyringe, which needs the reflect polyfill loaded
// first; every module of the app takes the library from here so the order is always right.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export * from "@peculiar/x509";
