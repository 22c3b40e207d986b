// @peculiar/x509 resolves its providers through tsyringe, which needs the reflect polyfill loaded
// first; every module takes the library from here so the order is always right.
import "reflect-metadata";
export * from "@peculiar/x509";
