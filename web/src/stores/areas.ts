// Areas store: the area being browsed (detail with its path and children), cached per code.
// Opening an area that fails (403 outside the account's area, 404, network) rolls back to the
// area shown before and reports the error. Boundary GeoJSON is cached here too but kept out
// of Vue's reactivity (markRaw): it can be large and only the map reads it.
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { api, call, type Ok } from '../api.ts';

export type AreaDetail = Ok<Awaited<ReturnType<(typeof api.areas)[':code']['$get']>>>;
export type AreaBoundaries = Ok<Awaited<ReturnType<(typeof api.areas)[':code']['boundaries']['$get']>>>;

export const useAreasStore = defineStore('areas', () => {
  const details = new Map<string, AreaDetail>();
  const boundaries = new Map<string, AreaBoundaries>();

  const current = shallowRef<AreaDetail | null>(null);
  const loadingCode = ref<string | null>(null);
  const error = shallowRef<unknown>(null);
  let seq = 0;

  const loading = computed(() => loadingCode.value !== null);

  async function fetchDetail(code: string): Promise<AreaDetail> {
    const cached = details.get(code);
    if (cached) return cached;
    const detail = await call(api.areas[':code'].$get({ param: { code } }));
    details.set(code, detail);
    return detail;
  }

  /** Shows `code`; on failure keeps the previous area and sets `error`. Returns whether it opened. */
  async function open(code: string): Promise<boolean> {
    const mine = ++seq;
    const previous = current.value;
    loadingCode.value = code;
    error.value = null;
    try {
      const detail = await fetchDetail(code);
      if (mine !== seq) return false; // a later navigation won
      current.value = detail;
      return true;
    } catch (e) {
      if (mine !== seq) return false;
      current.value = previous;
      error.value = e;
      return false;
    } finally {
      if (mine === seq) loadingCode.value = null;
    }
  }

  /** The children's outlines (or the area's own outline with `self`) as GeoJSON, not reactive. */
  async function loadBoundaries(code: string, self = false): Promise<AreaBoundaries> {
    const key = `${code}${self ? ':self' : ''}`;
    const cached = boundaries.get(key);
    if (cached) return cached;
    const fc = markRaw(await call(api.areas[':code'].boundaries.$get({ param: { code }, query: self ? { self: '1' } : {} })));
    boundaries.set(key, fc);
    return fc;
  }

  /** Forget everything (logout: the next account may see other areas). */
  function reset(): void {
    details.clear();
    boundaries.clear();
    current.value = null;
    error.value = null;
    loadingCode.value = null;
    seq++;
  }

  return { current, loading, loadingCode, error, open, fetchDetail, loadBoundaries, reset };
});
