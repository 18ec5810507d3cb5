// Households: the list's filters (kept in the URL), and the open card (一户一卡) with the writes made
// on it. Every write goes through `write`, which reloads the card after success so versions stay
// current, and turns a 409 (someone else changed the record) into a "reload?" prompt. Types come
// from the API through the typed client; nothing here is hand-copied.
import { ElMessageBox } from 'element-plus';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { LocationQuery } from 'vue-router';
import { HOUSEHOLD_TODOS } from '@shared/todo.ts';
import { ApiError, api, call, type Ok } from '../api.ts';
import { i18n } from '../i18n/index.ts';

export type HouseholdPage = Ok<Awaited<ReturnType<typeof api.households.$get>>>;
export type HouseholdListItem = HouseholdPage['items'][number];
export type HouseholdCard = Ok<Awaited<ReturnType<(typeof api.households)[':id']['$get']>>>;

// ── List ────────────────────────────────────────────────────────────────────────────────────
export interface HouseholdFilter {
  q: string;
  area: string;
  status: string;
  householdType: string;
  monitoringCategory: string;
  /** 在册状态 (在册, 待识别, 自然减少, 清退); empty for all. */
  registryState: string;
  cause: string;
  guaranteeUnmet: boolean;
  /** A workbench to-do (visitOverdue, incomplete, riskEliminationDue); empty for none. */
  todo: string;
  page: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function filterFromQuery(q: LocationQuery | Record<string, never>): HouseholdFilter {
  const query = q as Record<string, unknown>;
  return {
    q: str(query.q),
    area: str(query.area),
    status: str(query.status),
    householdType: str(query.householdType),
    monitoringCategory: str(query.monitoringCategory),
    registryState: str(query.registryState),
    cause: str(query.cause),
    guaranteeUnmet: query.guaranteeUnmet === 'true',
    todo: (HOUSEHOLD_TODOS as readonly string[]).includes(str(query.todo)) ? str(query.todo) : '',
    page: Math.max(1, Number(query.page) || 1),
  };
}

/** The API's filter parameters (no empty ones), shared by the list, the URL and the Excel export. */
export function filterParams(f: HouseholdFilter): Record<string, string> {
  const p: Record<string, string> = {};
  for (const k of ['q', 'area', 'status', 'householdType', 'monitoringCategory', 'registryState', 'cause'] as const) if (f[k]) p[k] = f[k];
  if (f.guaranteeUnmet) p.guaranteeUnmet = 'true';
  if (f.todo) p.todo = f.todo;
  return p;
}

export function filterToQuery(f: HouseholdFilter): Record<string, string> {
  return { ...filterParams(f), ...(f.page > 1 ? { page: String(f.page) } : {}) };
}

export function fetchHouseholdPage(f: HouseholdFilter, pageSize: number): Promise<HouseholdPage> {
  return call(api.households.$get({ query: { ...filterParams(f), page: String(f.page), pageSize: String(pageSize) } }));
}

/**
 * The exact number of households the filter matches — asked after a page whose total was capped
 * (the list counts at most 1000 to answer fast), so the list can say how many and page past 1000.
 */
export async function fetchExactTotal(f: HouseholdFilter): Promise<number> {
  return (await call(api.households.$get({ query: { ...filterParams(f), pageSize: '1', exactTotal: 'true' } }))).total;
}

/** GET /api/print/households.xlsx with the list's filters (a plain link: the session cookie goes along). */
export function exportUrl(f: HouseholdFilter): string {
  const qs = new URLSearchParams(filterParams(f)).toString();
  return `/api/print/households.xlsx${qs ? `?${qs}` : ''}`;
}

/** The 明白卡 PDF of one household (opened in a new tab). */
export const mingbaiCardUrl = (id: string) => `/api/print/households/${encodeURIComponent(id)}/mingbai-card.pdf`;
/** The 公告 (PDF) of a county or township: procedures the county approved in the last 30 days. */
export const announcementUrl = (areaCode: string) => `/api/print/areas/${encodeURIComponent(areaCode)}/announcement.pdf`;
/** The village's 村内公示 notice (PDF) of the procedures now in their 7-day notice. */
export const publicityNoticeUrl = (villageCode: string) => `/api/print/villages/${encodeURIComponent(villageCode)}/publicity-notice.pdf`;

// ── The open card ───────────────────────────────────────────────────────────────────────────
/** Thrown by `write` after a version conflict was shown to the user (the form should just close). */
export class ConflictHandled extends Error {
  constructor() {
    super('conflict handled');
    this.name = 'ConflictHandled';
  }
}

export const useHouseholdCardStore = defineStore('householdCard', () => {
  const card = shallowRef<HouseholdCard | null>(null);
  const loading = ref(false);
  const error = shallowRef<unknown>(null);
  /** Bumped after every successful write: tabs that fetch their own data (history, procedures) refetch. */
  const revision = ref(0);
  /** The 收入年度 shown by the year tabs (生产生活条件, 收入, 两不愁三保障); null = the latest on the card. */
  const selectedYear = ref<number | null>(null);
  let seq = 0;

  const id = computed(() => card.value?.id ?? null);
  const year = computed(() => selectedYear.value ?? card.value?.years[0]?.year ?? new Date().getFullYear());
  /** The selected year's snapshot, or null when that year has no figures yet (the first save creates it). */
  const yearRecord = computed(() => card.value?.years.find((y) => y.year === year.value) ?? null);

  async function open(householdId: string): Promise<void> {
    const mine = ++seq;
    if (card.value?.id !== householdId) {
      card.value = null;
      selectedYear.value = null;
    }
    loading.value = true;
    error.value = null;
    try {
      const c = await call(api.households[':id'].$get({ param: { id: householdId } }));
      if (mine === seq) card.value = c;
    } catch (e) {
      if (mine === seq) error.value = e;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  async function reload(): Promise<void> {
    if (card.value) await open(card.value.id);
  }

  /**
   * Runs a write against the open card, then reloads it. A 409 without field errors asks the user
   * to reload (their copy is out of date) and throws ConflictHandled; any other failure is rethrown
   * for the form to show (field errors on the fields).
   */
  async function write<T>(request: () => Promise<T>): Promise<T> {
    try {
      const result = await request();
      revision.value++;
      await reload();
      return result;
    } catch (e) {
      // A 409 naming a field (a person already in another household) is the form's to show, not a
      // stale copy of the card.
      if (e instanceof ApiError && e.status === 409 && e.fields.length === 0) {
        const t = i18n.global.t;
        try {
          await ElMessageBox.confirm(`${e.message} ${t('card.conflictHint')}`, t('card.conflictTitle'), {
            confirmButtonText: t('card.reload'),
            cancelButtonText: t('common.cancel'),
            type: 'warning',
            customClass: 'dl-conflict-box',
          });
          await reload();
          revision.value++;
        } catch {
          // Kept the form: the user may copy what they typed before reloading.
          throw e;
        }
        throw new ConflictHandled();
      }
      throw e;
    }
  }

  function close(): void {
    seq++;
    card.value = null;
    error.value = null;
  }

  return { card, id, loading, error, revision, selectedYear, year, yearRecord, open, reload, write, close };
});
