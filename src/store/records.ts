import type { CertState } from "../domain/certificate.js";
import type { LoginMethod, UserRole } from "../domain/roles.js";

/** The shapes the rest of the program sees; rows never leave store/. */
export interface BankRecord {
  id: string;
  nameJa: string;
  nameEn: string;
  organization: string;
  caName: string;
}

export interface ContractRecord {
  id: number;
  bankId: string;
  code: string;
  name: string;
  loginMethod: LoginMethod;
  status: "active" | "suspended";
}

export interface UserRecord {
  id: number;
  bankId: string;
  contractId: number;
  loginId: string;
  userNo: string;
  name: string;
  email: string;
  role: UserRole;
  passwordHash: string;
  confirmHash: string;
  totpSecret: string | null;
  /** a secret shown at an enrolment and not yet confirmed by a code; it is no token yet */
  totpPending: string | null;
  status: "active" | "suspended" | "deleted";
  mustChangePassword: boolean;
  failedLogins: number;
  failedConfirms: number;
  totpLastStep: number;
  /** 初期化: certificates issued before this no longer count for the user's status */
  certsResetAt: Date | null;
}

export interface SessionRecord {
  idHash: string;
  bankId: string;
  userId: number;
  certSerial: string | null;
  csrf: string;
  createdAt: Date;
  lastSeen: Date;
  /** "portal" for a logged-in session; "issue" for the grant of an in-page acquisition */
  purpose: string;
}

export interface CaRecord {
  id: number;
  bankId: string;
  kind: "root" | "issuing" | "ocsp";
  subject: string;
  certDer: Uint8Array;
  keyRef: string;
  notAfter: Date;
  crlNumber: number;
  statusRevision: number;
  /** the CA that signed this one (null: a root) */
  parentId: number | null;
  /** an issuing CA's generation number (1 for G1) */
  generation: number;
  /** when the root revoked this issuing CA, if it did */
  revokedAt: Date | null;
  revocationReason: number | null;
  /** the newest of its kind (the active issuing generation; the responder in use) */
  current: boolean;
}

export interface CertificateRecord {
  serial: string;
  bankId: string;
  caId: number;
  contractId: number;
  userId: number;
  state: CertState;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  spkiSha256: string;
  tbsDer: Uint8Array;
  der: Uint8Array | null;
  requestId: number;
  replacesSerial: string | null;
  revokedAt: Date | null;
  revocationReason: number | null;
  createdAt: Date;
}

export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
  reason: number;
}

export interface CrlRecord {
  caId: number;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  statusRevision: number;
  der: Uint8Array;
}
