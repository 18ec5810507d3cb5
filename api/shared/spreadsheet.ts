// Spreadsheet safety for every export (CSV and XLSX): a cell whose text starts with = + - @ (or a
// tab/CR, which some tools strip before looking) is run as a formula by Excel/WPS when opened or
// re-saved — "CSV/formula injection" (OWASP). Such text gets a leading apostrophe, so it is shown,
// never evaluated. Numbers stay numbers (a negative amount is not text and is not touched).

const FORMULA_START = /^[=+\-@\t\r]/;

/** '=1+2 instead of =1+2: text that a spreadsheet would evaluate, made inert. */
export function neutraliseFormula(v: string): string {
  return FORMULA_START.test(v) ? `'${v}` : v;
}

/** One CSV field: neutralised, then quoted when it holds a comma, quote or line break. */
export function csvCell(v: string): string {
  const s = neutraliseFormula(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** An XLSX cell value: strings neutralised; numbers, booleans, dates and empties unchanged. */
export function safeCellValue<T>(v: T): T | string {
  return typeof v === 'string' ? neutraliseFormula(v) : v;
}
