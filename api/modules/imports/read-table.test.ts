// The shared table reader and value normalisers, on files as they really arrive.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { TMP } from '../../test/template.ts';
import { idForMatching, parseAmountFen, parseDate, parseYearMonth } from './normalize.ts';
import { openTable, TableReadError } from './read-table.ts';

const dir = fs.mkdtempSync(path.join((fs.mkdirSync(TMP, { recursive: true }), TMP), 'read-table-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};
async function all(p: string) {
  const t = await openTable(p);
  const rows: { rowNo: number; values: string[] }[] = [];
  for await (const r of t.rows) rows.push(r);
  return { ...t, rows };
}

describe('openTable (CSV)', () => {
  it('reads quoted fields with commas, quotes and line breaks; skips blank rows but keeps row numbers true', async () => {
    const t = await all(file('quoted.csv', '姓名,备注\r\n"张三","有,逗号"\r\n\r\n李四,"他说""好"""\r\n王五,"两\n行"\r\n'));
    expect(t.format).toBe('csv');
    expect(t.encoding).toBe('utf-8');
    expect(t.headers).toEqual(['姓名', '备注']);
    expect(t.rows).toEqual([
      { rowNo: 2, values: ['张三', '有,逗号'] },
      { rowNo: 4, values: ['李四', '他说"好"'] },
      { rowNo: 5, values: ['王五', '两\n行'] },
    ]);
  });

  it('detects a BOM and GBK, and tolerates ragged rows', async () => {
    const bom = await all(file('bom.csv', '\uFEFF姓名,身份证号\n张三,1\n'));
    expect(bom.encoding).toBe('utf-8-bom');
    expect(bom.headers).toEqual(['姓名', '身份证号']);
    const gbk = await all(file('gbk.csv', iconv.encode('姓名,民族\n龙腾飞,布依族,多余\n岑雨燕\n', 'gbk')));
    expect(gbk.encoding).toBe('gb18030');
    expect(gbk.rows.map((r) => r.values)).toEqual([['龙腾飞', '布依族', '多余'], ['岑雨燕']]);
  });

  it('streams large files in order without losing a row', async () => {
    const n = 30_000;
    const lines = ['编号,值'];
    for (let i = 0; i < n; i++) lines.push(`${i},v${i}`);
    const t = await openTable(file('large.csv', `${lines.join('\n')}\n`));
    let expected = 0;
    for await (const r of t.rows) {
      expect(r.values[0]).toBe(String(expected));
      expect(r.rowNo).toBe(expected + 2);
      expected++;
    }
    expect(expected).toBe(n);
  });

  it('names an empty file', async () => {
    await expect(openTable(file('empty.csv', ''))).rejects.toBeInstanceOf(TableReadError);
    await expect(openTable(file('blank.csv', '\n \n'))).rejects.toMatchObject({ key: 'import.empty' });
  });
});

describe('normalisers', () => {
  it('dates in every accepted form, and only real calendar days', () => {
    for (const v of ['2024-02-29', '2024/2/29', '20240229', '2024年2月29日', ' 2024-02-29 ', '2024-02-29 10:00:00', '45351'])
      expect(parseDate(v)).toBe('2024-02-29');
    for (const v of ['2023-02-29', '2024-13-01', '2024-04-31', '1899-12-31', '2024-00-10', 'abc', '2024-2-30']) expect(parseDate(v)).toBeUndefined();
    expect(parseDate('２０２４－０１－０５')).toBe('2024-01-05');
    expect(parseYearMonth('202403')).toBe('2024-03');
    expect(parseYearMonth('2024年3月')).toBe('2024-03');
  });

  it('amounts in fen', () => {
    expect(parseAmountFen('1234.5')).toBe(123450);
    expect(parseAmountFen('1,234.50元')).toBe(123450);
    expect(parseAmountFen('¥80')).toBe(8000);
    expect(parseAmountFen('０.０５')).toBe(5);
    expect(parseAmountFen('-12.3')).toBe(-1230);
    expect(parseAmountFen('十二')).toBeUndefined();
  });

  it('ID numbers for matching: folded, upgraded from 15 digits, or the reason they cannot match', () => {
    expect(idForMatching('522324198001010014')).toEqual({ id: '522324198001010014', upgraded: false });
    expect(idForMatching('５２２３２４１９８００１０１００１４')).toEqual({ id: '522324198001010014', upgraded: false });
    expect(idForMatching('522324 19800101 0014')).toEqual({ id: '522324198001010014', upgraded: false });
    expect(idForMatching('522324800101001')).toEqual({ id: '522324198001010014', upgraded: true });
    expect(idForMatching('5.22324E+17')).toEqual({ id: null, problem: 'scientific' });
    expect(idForMatching('522324198001010011')).toEqual({ id: null, problem: 'checksum' });
    expect(idForMatching('522324198002300013')).toEqual({ id: null, problem: 'date' });
    expect(idForMatching('')).toEqual({ id: null, problem: 'empty' });
  });
});
