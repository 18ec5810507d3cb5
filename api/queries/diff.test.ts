// The SQL snapshot test's diff names each changed place with its query and shows the lines.
import { describe, expect, it } from 'vitest';
import { lineDiff } from './diff.ts';

const file = (lines: string[]) => lines.join('\n');
const base = ['-- header', '', '-- findA', 'select', '  a', 'from', '  t;', '', '-- findB', 'select', '  b', 'from', '  u', 'where', '  x = $1;', ''];

describe('lineDiff', () => {
  it('shows a changed line with its context, under the query it is in', () => {
    const changed = [...base];
    changed[14] = '  x = $1 and y = $2;';
    expect(lineDiff(file(base), file(changed), 2)).toBe(
      ['@@ line 13, in -- findB @@', '    u', '  where', '-   x = $1;', '+   x = $1 and y = $2;', '  '].join('\n'),
    );
  });

  it('shows insertions and removals in separate places as separate hunks', () => {
    const changed = [...base.slice(0, 5), '  a2,', ...base.slice(5, 10), ...base.slice(11)];
    const d = lineDiff(file(base), file(changed), 1);
    expect(d.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ line 5, in -- findA @@', '@@ line 10, in -- findB @@']);
    expect(d).toContain('+   a2,');
    expect(d).toContain('-   b');
  });

  it('is empty for equal texts', () => {
    expect(lineDiff(file(base), file(base))).toBe('');
  });
});
