// Finds unmasked personal data (ID numbers, mobile numbers, bank accounts) in any response the API
// sends: JSON and CSV as text, XLSX by its cell values, PDF by its extracted text. Used by the
// sweep over every GET operation (api/personal-data-sweep.test.ts).
import ExcelJS from 'exceljs';
import { extractText, getDocumentProxy } from 'unpdf';
import { parseIdNumber } from '../shared/id-number.ts';

export type LeakKind = 'idNumber' | 'mobile' | 'bankAccount';
export interface Leak {
  kind: LeakKind;
  value: string;
}

/** The text a response carries, whatever its type; images are not text (null). */
export async function responseText(res: Response): Promise<{ type: string; text: string | null }> {
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('image/')) {
    await res.arrayBuffer();
    return { type: 'image', text: null };
  }
  if (type.includes('spreadsheetml')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const cells: string[] = [];
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          cells.push(typeof cell.value === 'object' && cell.value !== null ? JSON.stringify(cell.value) : String(cell.value));
        }),
      ),
    );
    return { type: 'xlsx', text: cells.join('\n') };
  }
  if (type.includes('pdf')) {
    const pdf = await getDocumentProxy(new Uint8Array(await res.arrayBuffer()));
    const { text } = await extractText(pdf, { mergePages: true });
    return { type: 'pdf', text };
  }
  return { type: type.includes('csv') ? 'csv' : type.includes('json') ? 'json' : 'text', text: await res.text() };
}

export interface Known {
  /** Every ID number, phone and bank account held in the database (exact values). */
  idNumbers: ReadonlySet<string>;
  phones: ReadonlySet<string>;
  bankAccounts: ReadonlySet<string>;
  /** Mobiles the reader may see in full (officials' work phones for roles that need personal data). */
  allowedMobiles?: ReadonlySet<string>;
}

const RUN = /[0-9]{11,}[0-9Xx]?/g;

/**
 * Unmasked personal data in a text: a run of exactly 18 characters that is a valid GB 11643 ID
 * number, an 11-digit mainland mobile number, a known bank account; inside longer digit runs
 * (cells a PDF's text joins) any known value.
 */
export function findPersonalData(text: string, known: Known): Leak[] {
  const leaks: Leak[] = [];
  for (const m of text.matchAll(RUN)) {
    const run = m[0];
    const before = text[(m.index ?? 0) - 1] ?? '';
    const after = text[(m.index ?? 0) + run.length] ?? '';
    // part of an identifier (uuid, hash): not a number of its own
    if (/[A-Za-z]/.test(before) || /[A-Za-z]/.test(after)) continue;
    if (run.length === 18 && parseIdNumber(run).ok) leaks.push({ kind: 'idNumber', value: run });
    else if (run.length === 11 && /^1[3-9][0-9]{9}$/.test(run)) {
      if (!known.allowedMobiles?.has(run)) leaks.push({ kind: 'mobile', value: run });
    } else if (known.bankAccounts.has(run)) leaks.push({ kind: 'bankAccount', value: run });
    else if (run.length > 11) {
      for (const id of known.idNumbers) if (run.includes(id)) leaks.push({ kind: 'idNumber', value: id });
      for (const p of known.phones) if (run.includes(p) && !known.allowedMobiles?.has(p)) leaks.push({ kind: 'mobile', value: p });
      for (const b of known.bankAccounts) if (run.includes(b)) leaks.push({ kind: 'bankAccount', value: b });
    }
  }
  // Bank accounts written with spaces (6228 4800 …) are found by value.
  for (const b of known.bankAccounts) {
    const spaced = b.replace(/(\d{4})(?=\d)/g, '$1 ');
    if (text.includes(spaced)) leaks.push({ kind: 'bankAccount', value: b });
  }
  return leaks;
}
