// The password policy: the server enforces it (api/modules/auth/passwords.ts) and the web's
// password form checks it before sending, with the same function.

/** At least 10 characters (at most 200), with letters and digits. */
export function isStrongPassword(p: string): boolean {
  return p.length >= 10 && p.length <= 200 && /[A-Za-z]/.test(p) && /\d/.test(p);
}
