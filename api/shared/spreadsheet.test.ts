import { describe, expect, it } from 'vitest';
import { csvCell, neutraliseFormula, safeCellValue } from './spreadsheet.ts';

describe('spreadsheet formula neutralisation', () => {
  it('prefixes text starting with = + - @ tab or CR with an apostrophe', () => {
    for (const v of ['=1+2', '+86 155', '-2+3', '@SUM(A1)', '\t=cmd', '\r=cmd', '=HYPERLINK("http://x","点我")']) {
      expect(neutraliseFormula(v)).toBe(`'${v}`);
    }
  });
  it('leaves ordinary text, masked numbers and code values alone', () => {
    for (const v of ['张三', '5223**********1234', '155****8493', '脱贫户', 'a=b', '', "'=already"]) {
      expect(neutraliseFormula(v)).toBe(v);
    }
  });
  it('quotes CSV fields after neutralising', () => {
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell('说"明"')).toBe('"说""明"""');
    expect(csvCell('plain')).toBe('plain');
  });
  it('touches only strings in XLSX cells', () => {
    expect(safeCellValue(-5)).toBe(-5);
    expect(safeCellValue(null)).toBe(null);
    expect(safeCellValue('-5')).toBe("'-5");
  });
});
