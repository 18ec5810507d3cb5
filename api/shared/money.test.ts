import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuan, MAX_AMOUNT_FEN, parseYuan } from './money.ts';

describe('parseYuan', () => {
  it('reads yuan text into integer fen without floating point', () => {
    expect(parseYuan('1234.56')).toEqual({ ok: true, fen: 123456 });
    expect(parseYuan(' 0.1 ')).toEqual({ ok: true, fen: 10 });
    expect(parseYuan('0.29')).toEqual({ ok: true, fen: 29 }); // 0.29 * 100 is 28.999… as a float
    expect(parseYuan('100')).toEqual({ ok: true, fen: 10000 });
    expect(parseYuan('007.05')).toEqual({ ok: true, fen: 705 });
    expect(parseYuan('0')).toEqual({ ok: true, fen: 0 });
  });

  it('refuses more than two decimals, signs, separators and huge amounts', () => {
    expect(parseYuan('1.234')).toEqual({ ok: false, reason: 'decimals' });
    expect(parseYuan('0.001')).toEqual({ ok: false, reason: 'decimals' });
    expect(parseYuan('-5')).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan('1,000')).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan('1e5')).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan('')).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan('.5')).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan('10000000000.01')).toEqual({ ok: false, reason: 'tooLarge' });
    expect(parseYuan('99999999999999999999')).toEqual({ ok: false, reason: 'tooLarge' });
    expect(parseYuan(fenToYuan(MAX_AMOUNT_FEN))).toEqual({ ok: true, fen: MAX_AMOUNT_FEN });
  });

  it('round-trips every amount through fenToYuan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_FEN }), (fen) => {
        expect(parseYuan(fenToYuan(fen))).toEqual({ ok: true, fen });
      }),
    );
    expect(fenToYuan(-1205)).toBe('-12.05');
  });
});
