// A line diff for the SQL snapshot test's message: each changed place with three lines of
// context, headed by the query it is in (the file's last `-- name` line above it); `-` as
// committed, `+` as the queries compile now.
type Op = { op: ' ' | '-' | '+'; line: string; /** 0-based line in the committed file. */ at: number };

function lineOps(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = a.slice(0, start).map((line, at) => ({ op: ' ', line, at }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m <= 4_000_000) {
    // Longest common subsequence of the differing middle (changes are local: it stays small).
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ op: ' ', line: midA[i]!, at: start + i });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
        ops.push({ op: '-', line: midA[i]!, at: start + i });
        i++;
      } else {
        ops.push({ op: '+', line: midB[j]!, at: start + i });
        j++;
      }
    }
  } else {
    for (const [k, line] of midA.entries()) ops.push({ op: '-', line, at: start + k });
    for (const line of midB) ops.push({ op: '+', line, at: endA });
  }
  for (let k = endA; k < a.length; k++) ops.push({ op: ' ', line: a[k]!, at: k });
  return ops;
}

export function lineDiff(committed: string, generated: string, context = 3, maxLines = 400): string {
  const a = committed.split('\n');
  const ops = lineOps(a, generated.split('\n'));
  // Hunks: runs of changes no more than 2 × context unchanged lines apart.
  const hunks: [number, number][] = [];
  ops.forEach((o, k) => {
    if (o.op === ' ') return;
    const h = hunks[hunks.length - 1];
    if (h && k - h[1] <= 2 * context + 1) h[1] = k;
    else hunks.push([k, k]);
  });
  const out: string[] = [];
  for (const [first, last] of hunks) {
    const from = Math.max(0, first - context);
    const at = ops[from]!.at;
    let header = '';
    for (let l = Math.min(at, a.length - 1); l >= 0 && !header; l--) if (a[l]!.startsWith('-- ')) header = a[l]!;
    out.push(`@@ line ${at + 1}${header ? `, in ${header}` : ''} @@`);
    for (const o of ops.slice(from, last + context + 1)) out.push(`${o.op} ${o.line}`);
  }
  return out.length > maxLines ? [...out.slice(0, maxLines), `… (${out.length - maxLines} more lines)`].join('\n') : out.join('\n');
}
