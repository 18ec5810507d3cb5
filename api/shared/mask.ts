// Masking of personal data (红/灰 in the domain's 绿/灰/红 scheme). Masked by default; only an
// explicit, audited reveal shows the full value to a role that needs it.

/** What a value the viewer may not read at all is shown as (health details withheld, …). */
export const WITHHELD = '***';

/** 5223**********0131: first 4 and last 4 kept. */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return id ?? null;
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

/** 155****8493 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  if (phone.length < 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** ****1234: only the last 4 digits of a bank account. */
export function maskBankAccount(account: string | null | undefined): string | null {
  if (!account) return account ?? null;
  const digits = account.replace(/\s/g, '');
  return `****${digits.slice(-4)}`;
}

/** 张*三 / 张* : names outside the responsible area and on public pages (灰). */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return name ?? null;
  const chars = [...name];
  if (chars.length === 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** 11-digit mainland mobile number. */
export const isMobilePhone = (p: string) => /^1[3-9]\d{9}$/.test(p);
