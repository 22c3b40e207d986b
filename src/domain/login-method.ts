import type { LoginMethod } from "./roles.js";

/**
 * Which login a request asks for, on every surface alike: a login ID typed (the ログインID form) is
 * an ID/password login, even when the browser presents a certificate as well (a shared PC, another
 * user's certificate in it); without one, the presented certificate names the user, who types only
 * the password. Whether the contract allows that method is the login's own check.
 */
export function loginMethodOf(request: { loginId?: string | undefined }): LoginMethod {
  return request.loginId ? "password" : "certificate";
}
