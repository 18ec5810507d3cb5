// Money is integer fen everywhere (1 yuan = 100 fen). Yuan typed by a person is parsed as text —
// never through a float — and refused beyond two decimals; fen are printed back as yuan text.

/** Largest amount one entry may carry: 100 亿元, far beyond any county's project (and within 2^53). */
export const MAX_AMOUNT_FEN = 1_000_000_000_000;

export type YuanParse = { ok: true; fen: number } | { ok: false; reason: 'format' | 'decimals' | 'tooLarge' };

/** '1234.5' → 123450 fen. Digits with an optional point and at most two decimals; no sign, no separators. */
export function parseYuan(text: string): YuanParse {
  const t = text.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return { ok: false, reason: 'format' };
  const [, whole = '', frac = ''] = m;
  if (frac.length > 2) return { ok: false, reason: 'decimals' };
  const digits = whole.replace(/^0+(?=\d)/, '');
  if (digits.length > 13) return { ok: false, reason: 'tooLarge' };
  const fen = Number(digits) * 100 + Number(frac.padEnd(2, '0'));
  if (fen > MAX_AMOUNT_FEN) return { ok: false, reason: 'tooLarge' };
  return { ok: true, fen };
}

/** 123450 → '1234.50' (negative amounts keep their sign). */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
