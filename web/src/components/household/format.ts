// Small display helpers for the household card: status colours, money (fen → yuan), dates, and
// the field errors / conflict handling shared by every edit form.
import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import { ApiError, errorMessage } from '../../api.ts';
import { ConflictHandled } from '../../stores/households.ts';

export const statusTagType = (s: string | null | undefined): 'success' | 'warning' | 'danger' | 'info' =>
  s === '脱贫户' ? 'success' : s === '监测户' ? 'warning' : s === '未脱贫户' ? 'danger' : 'info';

/** 在册状态: in the registry, a candidate not yet in it, or left it (自然减少, 清退). */
export const registryTagType = (s: string | null | undefined): 'success' | 'warning' | 'danger' | 'info' =>
  s === '在册' ? 'success' : s === '待识别' ? 'warning' : s === '清退' ? 'danger' : 'info';

/** Integer fen → "12,345.67" yuan. */
export function yuan(fen: number | string | null | undefined): string {
  if (fen == null || fen === '') return '—';
  const n = Number(fen) / 100;
  return n.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Yuan typed in a form → integer fen (money is kept in fen end to end). */
export const toFen = (yuanValue: number | null | undefined): number => Math.round((yuanValue ?? 0) * 100);
export const toYuan = (fen: number | string | null | undefined): number => (fen == null || fen === '' ? 0 : Number(fen) / 100);

/** ISO timestamp → local "YYYY-MM-DD HH:mm". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * ISO timestamp → the day it is in China, "YYYY-MM-DD" — for dates the county decides by (the
 * server counts them in China Standard Time), whatever the browser's own time zone.
 */
export function chinaDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

/** A yes/no answer: 是 / 否 / 未填 (null: asked, not answered); '—' when there is no record at all. */
export const yesNo = (v: boolean | null | undefined, t: (k: string) => string): string =>
  v === undefined ? '—' : v === null ? t('common.unanswered') : v ? t('common.yes') : t('common.no');

/**
 * State of one edit form: `submit` runs the write; the server's field errors land in `errors`
 * (shown on each ElFormItem through `:error`), a version conflict was already handled by the store
 * (the form closes), anything else becomes a message. Returns whether the write succeeded.
 */
export function useFormSubmit() {
  const errors = ref<Record<string, string>>({});
  const saving = ref(false);

  async function submit(run: () => Promise<unknown>, opts: { onConflict?: () => void } = {}): Promise<boolean> {
    saving.value = true;
    errors.value = {};
    try {
      await run();
      return true;
    } catch (e) {
      if (e instanceof ConflictHandled) {
        opts.onConflict?.();
        return false;
      }
      if (e instanceof ApiError && e.fields.length) {
        const byField: Record<string, string> = {};
        for (const f of e.fields) {
          byField[f.path] ??= f.message;
          // Nested paths ("income.wageIncome") also light up their last segment's field.
          const last = f.path.split('.').at(-1);
          if (last) byField[last] ??= f.message;
        }
        errors.value = byField;
        ElMessage.error(e.message);
      } else {
        ElMessage.error(errorMessage(e));
      }
      return false;
    } finally {
      saving.value = false;
    }
  }

  const error = (path: string): string => errors.value[path] ?? '';
  return { errors, saving, submit, error };
}
