// Display names of village-level units. The statistical code lists name the committee
// (保家村村民委员会, 三合社区居民委员会, 五峰村委会); people and our screens name the place
// (保家村, 三合社区, 五峰村). Owns that one mapping; it must never change other areas' names
// (township and county names are already place names) nor drop a distinguishing part.

const COMMITTEE_SUFFIXES: readonly [RegExp, string][] = [
  // X社区居民委员会 / X社区居委会 → X社区; X居民委员会 / X居委会 → X社区
  [/(?:社区)?(?:居民委员会|居委会)$/u, '社区'],
  // X村村民委员会 / X村村委会 / X村民委员会 / X村委会 → X村
  [/村?(?:村民委员会|村委会)$/u, '村'],
];

/** '保家村村民委员会' → '保家村', '三合社区居民委员会' → '三合社区'; other names unchanged. */
export function shortVillageName(name: string): string {
  const s = name.trim();
  for (const [re, replacement] of COMMITTEE_SUFFIXES) {
    if (re.test(s)) {
      const stem = s.replace(re, '');
      // A bare committee word has no place name to keep.
      return stem ? stem + replacement : s;
    }
  }
  return s;
}
