// An ID number checked in the form before it is sent, with the server's own rules (GB 11643:
// length, characters, birth date, checksum, region — api/shared/id-number.ts) and its words.
import { ID_NUMBER_MESSAGES, parseIdNumber } from '@shared/id-number.ts';
import type { Locale } from '../../i18n/index.ts';

/** The field message for an ID number the server would refuse, or '' when it is valid. */
export function idNumberError(raw: string, locale: Locale): string {
  const r = parseIdNumber(raw);
  return r.ok ? '' : ID_NUMBER_MESSAGES[`idNumber.${r.problem}`][locale];
}
