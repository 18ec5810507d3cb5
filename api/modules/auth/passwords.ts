// Password hashing with argon2id (OWASP parameters: 19 MiB, t=2, p=1) and the password policy.
import { hash, verify } from '@node-rs/argon2';

// algorithm 2 = Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, OPTIONS);

let verifications = 0;
/** How many argon2 verifications this process has run (tests: an unknown name costs one too). */
export const verificationCount = () => verifications;

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  verifications++;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password: verified against when the username is unknown, so timing does not tell. */
let dummy: Promise<string> | undefined;
export const dummyHash = () => (dummy ??= hashPassword(`dummy-${Math.random()}`));

/** At least 10 characters, with letters and digits (shared with the web's form). */
export { isStrongPassword } from '../../shared/password-policy.ts';

/** The demo password the README publishes: never accepted as a real account's new password. */
export const PUBLISHED_PASSWORDS: ReadonlySet<string> = new Set(['Dripline2026']);
export const isPublishedPassword = (p: string) => PUBLISHED_PASSWORDS.has(p);
