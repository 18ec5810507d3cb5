import { describe, expect, it } from 'vitest';
import { uuidv7 } from './uuid7.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('has the version 7 layout and carries the millisecond timestamp', () => {
    const ms = Date.UTC(2026, 10, 23, 8, 30);
    const id = uuidv7(ms + 10_000_000);
    expect(id).toMatch(V7);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms + 10_000_000);
  });

  it('sorts in the order the ids were made, also within one millisecond and past the counter', () => {
    const ms = Date.now() + 20_000_000;
    const ids = Array.from({ length: 10_000 }, () => uuidv7(ms));
    expect(ids.every((id) => V7.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A later id made with an earlier clock still sorts after (the clock stepped back).
    const after = uuidv7(ms - 5000);
    expect(after > (ids.at(-1) as string)).toBe(true);
  });
});
