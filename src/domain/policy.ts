/**
 * A bank's policy. Defaults reproduce the seeds' most common bank; every knob of SPEC.md
 * "Per-bank policy" is here. Durations are ISO-8601 text, parsed where they are used.
 */
export interface BankPolicy {
  /** lifetime of a user certificate; calendar durations end at 23:59:59 UTC of the last local day */
  validity: string;
  /** renewal is offered from this long before expiry until expiry */
  renewalWindow: string;
  /** expiry notices go out this long before expiry, one each */
  noticeOffsets: string[];
  /** after expiry, acquisition is still allowed this long */
  graceAfterExpiry: string;
  maxUsersPerContract: number;
  keys: { rsaMinBits: number; rsaMaxBits: number; ecCurves: Array<"P-256" | "P-384"> };
  otp: { acquisition: boolean; renewal: boolean };
  /** false: the master's own certificate is revoked on paper by the bank only */
  masterSelfRevokeOnline: boolean;
  lockoutThreshold: number;
  historyOnline: string;
  /** whether expiry notices are copied to the master and admins */
  noticeToManagers: boolean;
  timeZone: string;
  /** how long a published CRL is declared valid (nextUpdate); it is rebuilt well before */
  crlValidity: string;
  /** how long a pre-signed OCSP answer is declared valid */
  ocspValidity: string;
  /** a web session ends after this long without a request */
  sessionIdle: string;
  /** a web session ends this long after its login, however busy (issue 13: no absolute lifetime) */
  sessionMax: string;
  /** a メール通知パスワード (利用者停止・解除) is good this long after it was mailed, and once */
  mailCodeValidity: string;
  /** a user is mailed at most one メール通知パスワード per this long (domain/mail-code-limit.ts) */
  mailCodeInterval: string;
  /** …and at most this many in any hour */
  mailCodesPerHour: number;
}

export const DEFAULT_POLICY: BankPolicy = {
  validity: "P1Y",
  renewalWindow: "P30D",
  noticeOffsets: ["P30D", "P10D"],
  graceAfterExpiry: "P90D",
  maxUsersPerContract: 100,
  keys: { rsaMinBits: 2048, rsaMaxBits: 4096, ecCurves: ["P-256"] },
  otp: { acquisition: true, renewal: true },
  masterSelfRevokeOnline: true,
  lockoutThreshold: 6,
  historyOnline: "P100D",
  noticeToManagers: true,
  timeZone: "Asia/Tokyo",
  crlValidity: "P7D",
  ocspValidity: "P1D",
  sessionIdle: "PT15M",
  sessionMax: "PT8H",
  mailCodeValidity: "PT10M",
  mailCodeInterval: "PT1M",
  mailCodesPerHour: 10,
};

/** The seeds' other family: a 40-day window with a single notice at 40 days. */
export const FORTY_DAY_POLICY: BankPolicy = {
  ...DEFAULT_POLICY,
  renewalWindow: "P40D",
  noticeOffsets: ["P40D"],
};
