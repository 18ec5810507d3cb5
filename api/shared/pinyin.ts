// Pinyin initials of a Chinese name, for search ("zs" finds 张三). Surnames use their surname
// reading (单 → s, 曾 → z, 区 → o) via pinyin-pro; letters and digits pass through lowercased;
// separators (·, spaces) are dropped. See docs/decisions/0006-pinyin-pro.md.
import { pinyin } from 'pinyin-pro';

export function nameInitials(name: string): string {
  const clean = name.normalize('NFKC').replace(/[\s·•.\-]/g, '');
  if (!clean) return '';
  return pinyin(clean, { pattern: 'first', toneType: 'none', type: 'array', surname: 'head' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** True when the query is initials-only (a few Latin letters), so search uses name_initials. */
export const looksLikeInitials = (q: string) => /^[a-zA-Z]{1,10}$/.test(q.trim());
