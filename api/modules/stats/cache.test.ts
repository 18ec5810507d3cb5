// The dashboards kept until their data changes (issue 16 §5, api/modules/stats/cache.ts), on both
// databases: a report is computed once and answered again from memory; a committed change to a table
// the dashboards read (heard through the change notices) makes the next answer new; when the new one
// takes longer than the patience, the older one is answered marked stale and the new one follows;
// without notices nothing is kept. Over HTTP: GET /api/stats/{code} says when its figures were made.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getOwnerDb, getTestDb } from '../../test/db.ts';
import { newHousehold } from '../../test/factories.ts';
import { bodyOf, loginAs } from '../../test/http.ts';
import { ReportCache } from './cache.ts';

const SANHE = '522324101002';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (change notices arrive shortly after the commit), at most 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await wait(100);
  }
  return false;
}

describe('ReportCache', () => {
  it('keeps a report until a change notice for a table it reads arrives', async () => {
    const { handle } = await getTestDb();
    const cache = new ReportCache<number>(handle.listen);
    try {
      let computed = 0;
      const compute = async () => ++computed;
      const a = await cache.get('k', compute);
      expect(a).toMatchObject({ value: 1, stale: false });
      const b = await cache.get('k', compute);
      expect(b.value).toBe(1);
      expect(b.asOf).toEqual(a.asOf);
      expect(cache.hits).toBe(1);
      // Another key is its own report.
      expect((await cache.get('other', compute)).value).toBe(2);

      // A committed change to the households: the notice moves the generation, the report is made again.
      const owner = await getOwnerDb();
      await sql`update households set version = version where false`.execute(owner);
      expect(await eventually(async () => (await cache.get('k', compute)).value !== 1)).toBe(true);
      const again = await cache.get('k', compute);
      expect(again.value).toBeGreaterThan(2);
      expect(again.stale).toBe(false);
    } finally {
      await cache.close();
    }
  });

  it('answers the older report, marked stale, while a new one takes longer than the patience — then the new one', async () => {
    const { handle } = await getTestDb();
    const cache = new ReportCache<string>(handle.listen, 50);
    try {
      expect((await cache.get('k', async () => 'old')).value).toBe('old');
      cache.changed('members');
      let release: () => void = () => undefined;
      const slow = () => new Promise<string>((resolve) => (release = () => resolve('new')));
      const answer = await cache.get('k', slow);
      expect(answer).toMatchObject({ value: 'old', stale: true });
      expect(cache.staleAnswers).toBe(1);
      // Asked again while it computes: still the old one, and no second computation starts.
      let second = 0;
      expect((await cache.get('k', async () => `second ${++second}`)).value).toBe('old');
      expect(second).toBe(0);
      release();
      await wait(10);
      expect(await cache.get('k', async () => 'never')).toMatchObject({ value: 'new', stale: false });
      // A table the dashboards do not read changes nothing.
      cache.changed('sessions');
      expect((await cache.get('k', async () => 'never')).value).toBe('new');
      // A failing computation reaches its caller and keeps nothing.
      cache.changed('findings');
      await expect(cache.get('fails', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect((await cache.get('fails', async () => 'ok')).value).toBe('ok');
    } finally {
      await cache.close();
    }
  });

  it('keeps a report overtaken by a change (newer than the one it replaces, still marked stale) until the current one is ready', async () => {
    const { handle } = await getTestDb();
    const cache = new ReportCache<string>(handle.listen, 20);
    try {
      await cache.get('k', async () => 'v1');
      const releases: (() => void)[] = [];
      const slow = (value: string) => () => new Promise<string>((resolve) => releases.push(() => resolve(value)));
      cache.changed('households');
      expect((await cache.get('k', slow('v2'))).value).toBe('v1');
      cache.changed('ledger_entries'); // while v2 is computed: v2 is out of date before it is ready
      expect((await cache.get('k', slow('v3'))).value).toBe('v1');
      expect(releases).toHaveLength(2);
      releases[0]?.();
      await wait(10);
      expect(await cache.get('k', async () => 'never')).toMatchObject({ value: 'v2', stale: true });
      releases[1]?.();
      await wait(10);
      expect(await cache.get('k', async () => 'never')).toMatchObject({ value: 'v3', stale: false });
    } finally {
      await cache.close();
    }
  });

  it('keeps nothing without change notices', async () => {
    const cache = new ReportCache<number>(undefined);
    let computed = 0;
    await cache.get('k', async () => ++computed);
    await cache.get('k', async () => ++computed);
    expect(computed).toBe(2);
    expect(cache.count).toBe(0);
  });
});

describe('GET /api/stats/{code} kept', () => {
  it('answers the same figures with the time they were made, and new figures after a household is added', async () => {
    const cadre = await loginAs('sanhe_cadre');
    const first = await bodyOf(await cadre.api.stats[':code'].$get({ param: { code: SANHE } }), 200);
    expect(first.stale).toBe(false);
    expect(Number.isNaN(Date.parse(first.asOf))).toBe(false);
    const kept = await bodyOf(await cadre.api.stats[':code'].$get({ param: { code: SANHE } }), 200);
    expect(kept.asOf).toBe(first.asOf);

    await newHousehold({ village: SANHE, state: '监测户', monitoringCategory: '边缘易致贫户' });
    let latest = kept;
    const changed = await eventually(async () => {
      latest = await bodyOf(await cadre.api.stats[':code'].$get({ param: { code: SANHE } }), 200);
      return latest.registry.inRegistry.households === first.registry.inRegistry.households + 1;
    });
    expect(changed).toBe(true);
    expect(latest.asOf).not.toBe(first.asOf);
  });
});
