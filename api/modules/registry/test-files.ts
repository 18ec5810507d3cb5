// Test helpers: registry files (docs/data-formats.md §1) built from rows, written as CSV (UTF-8 with or without
// BOM, GBK) or XLSX. Used by the importer's tests only; IDs come from the shared test factory
// (registered outside 晴隆县, so they never meet the template's generated people).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { makeIdNumber } from '../../test/factories.ts';

export const HEADERS = [
  '户编号',
  '区划代码',
  '户主姓名',
  '姓名',
  '证件号码',
  '与户主关系',
  '性别',
  '民族',
  '文化程度',
  '在校生状况',
  '健康状况',
  '劳动技能',
  '务工状况',
  '务工时间（月）',
  '是否参加基本医疗保险',
  '是否参加基本养老保险',
  '户类型',
  '户状态',
  '监测对象类别',
  '主要致贫原因',
  '脱贫年度',
  '年人均纯收入（元）',
  '联系电话',
  '经度',
  '纬度',
  '是否死亡',
] as const;
export type Row = Record<string, string>;

let idSeq = Math.floor(Math.random() * 3000);
/**
 * A valid ID number, unique in this process: birth dates walk forward three days per call through
 * 1940–1999 and wrap (never into the future), serials from the shared test factory.
 */
export function newId(sex: '男' | '女' = '男'): string {
  idSeq++;
  const d = new Date(Date.UTC(1940, 0, 1) + ((idSeq * 3) % (60 * 365)) * 86_400_000);
  return makeIdNumber(d.toISOString().slice(0, 10).replace(/-/g, ''), sex);
}

let hhSeq = Math.floor(Math.random() * 90_000);
export function newHouseholdNo(): string {
  hhSeq++;
  return `52232497${String((process.pid % 100) * 100_000 + hhSeq)
    .padStart(7, '0')
    .slice(-7)}`;
}

/** A household of `size` members in `village`: head, spouse, children. */
export function household(village: string, size = 3, over: Partial<Row> = {}): Row[] {
  const no = newHouseholdNo();
  const head = `测试户${hhSeq % 1000}`;
  const relations = ['户主', '配偶', '之子', '之女', '之子', '之女'];
  return Array.from({ length: size }, (_, i) => {
    const sex = i === 1 || i === 3 || i === 5 ? '女' : '男';
    return {
      户编号: no,
      区划代码: village,
      户主姓名: head,
      姓名: i === 0 ? head : `成员${hhSeq % 1000}${i}`,
      证件号码: newId(sex),
      与户主关系: relations[i] ?? '其他',
      性别: sex,
      民族: '布依族',
      文化程度: '初中',
      在校生状况: '非在校生',
      健康状况: '健康',
      劳动技能: '普通劳动力',
      务工状况: '未务工',
      '务工时间（月）': '0',
      是否参加基本医疗保险: '是',
      是否参加基本养老保险: '是',
      户类型: '一般户',
      户状态: '脱贫户',
      监测对象类别: '',
      主要致贫原因: '缺资金',
      脱贫年度: '2019',
      '年人均纯收入（元）': '12000',
      联系电话: i === 0 ? '15585268493' : '',
      经度: '105.251176',
      纬度: '25.860173',
      是否死亡: '否',
      ...over,
    };
  });
}

const q = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export function csvText(rows: Row[], headers: readonly string[] = HEADERS): string {
  return `${[headers.join(','), ...rows.map((r) => headers.map((h) => q(r[h] ?? '')).join(','))].join('\r\n')}\r\n`;
}

const dir = () => {
  const d = path.join(os.tmpdir(), `dripline-reg-test-${process.pid}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
};
let fileSeq = 0;
export function tmpPath(ext: string) {
  fileSeq++;
  return path.join(dir(), `registry-${fileSeq}.${ext}`);
}

export function writeCsv(rows: Row[], opts: { encoding?: 'utf-8' | 'utf-8-bom' | 'gbk'; headers?: readonly string[]; file?: string } = {}): string {
  const file = opts.file ?? tmpPath('csv');
  const text = csvText(rows, opts.headers);
  if (opts.encoding === 'gbk') fs.writeFileSync(file, iconv.encode(text, 'gbk'));
  else fs.writeFileSync(file, (opts.encoding === 'utf-8-bom' ? '\ufeff' : '') + text);
  return file;
}

export async function writeXlsx(rows: Row[], headers: readonly string[] = HEADERS): Promise<string> {
  const file = tmpPath('xlsx');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('贫困人口明细');
  ws.addRow([...headers]);
  for (const r of rows) ws.addRow(headers.map((h) => r[h] ?? ''));
  await wb.xlsx.writeFile(file);
  return file;
}

/** Reads a CSV file (the sample (seeds/samples)) back into rows. */
export function readCsvRows(file: string): { headers: string[]; rows: Row[] } {
  const lines = fs
    .readFileSync(file, 'utf8')
    .replace(/^\ufeff/, '')
    .trim()
    .split(/\r?\n/);
  const headers = (lines[0] ?? '').split(',');
  return { headers, rows: lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [headers[i] as string, v]))) };
}
