import type { UserRecord, ContractRecord } from "../store/store.js";
import type { BankContext } from "./context.js";

/**
 * What the bank hands a user with a token it registered (トークン登録のお知らせ): the secret and its
 * otpauth:// URI for the authenticator app. Like the initial-password letter it exists only in the
 * answer to 実行: the secret is stored for checking codes, never shown or logged again.
 */
export interface TokenLetter {
  bank: { id: string; nameJa: string; nameEn: string };
  contract: { code: string; name: string };
  user: { loginId: string; userNo: string; name: string };
  secret: string;
  uri: string;
  issuedAt: Date;
}

export function tokenLetter(bank: BankContext, contract: ContractRecord, user: UserRecord, token: { secret: string; uri: string }, at: Date): TokenLetter {
  return {
    bank: { id: bank.config.id, nameJa: bank.config.nameJa, nameEn: bank.config.nameEn },
    contract: { code: contract.code, name: contract.name },
    user: { loginId: user.loginId, userNo: user.userNo, name: user.name },
    secret: token.secret,
    uri: token.uri,
    issuedAt: at,
  };
}
