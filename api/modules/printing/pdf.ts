// PDF documents for printing: A4 pdfkit documents with the CJK font embedded (subset to the
// glyphs used, so a card is tens of kilobytes), streamed to the client as they are written.
// Font choice: docs/decisions/0009-printing-pdfkit-noto-sans-sc.md.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

const FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';
let fonts: { regular: string; bold: string } | undefined;

/**
 * Noto Sans SC (OFL) TrueType files shipped by an npm package: no system font needed. Used by their
 * path, neither as a Buffer nor through registerFont: pdfkit's table restores the previous font by
 * its source after every cell, and only a path used directly hits its font cache (otherwise the
 * 10 MB font is parsed again three times a cell, ~70 ms).
 */
export function fontFiles() {
  if (!fonts) {
    const dir = path.dirname(createRequire(import.meta.url).resolve(`${FONT_PACKAGE}/package.json`));
    fonts = { regular: path.join(dir, '400Regular/NotoSansSC_400Regular.ttf'), bold: path.join(dir, '700Bold/NotoSansSC_700Bold.ttf') };
    for (const f of Object.values(fonts)) if (!fs.existsSync(f)) throw new Error(`font file missing: ${f} (npm install)`);
  }
  return fonts;
}

export type Doc = PDFKit.PDFDocument;

/** An A4 document with the CJK fonts registered; pages are added by the caller. */
export function createA4Document(title: string): Doc {
  const f = fontFiles();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 36,
    autoFirstPage: false,
    lang: 'zh-CN',
    displayTitle: true,
    info: { Title: title, Creator: 'Dripline (滴灌)', Producer: 'Dripline (滴灌) / PDFKit' },
  });
  doc.font(f.bold).font(f.regular);
  return doc;
}

/** Waits while the reader is more than ~1 MB behind, so a large batch does not pile up in memory. */
export async function whileBacklogged(doc: Doc, limit = 1 << 20): Promise<void> {
  while (doc.readableLength > limit && !doc.destroyed) await new Promise((r) => setTimeout(r, 10));
}
