// The edit mode shared by the year tabs (生产生活条件, 收入, 两不愁三保障): each shows its part of the
// selected 收入年度's record (YearBar) and edits it in place, saving with PUT
// /households/{id}/years/{year} — which makes the year's record the first time, and otherwise
// needs its version. Choosing another year or card leaves the form, as does a version conflict
// (the card store has then told the user and reloaded the card).
import { ElMessage } from 'element-plus';
import { computed, type Ref, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { api, call } from '../../api.ts';
import { useHouseholdCardStore } from '../../stores/households.ts';
import { useFormSubmit } from './format.ts';

type YearPut = Parameters<(typeof api.households)[':id']['years'][':year']['$put']>[0]['json'];

export function useYearForm<F>(opts: {
  /** The form's values when editing starts (from the selected year's record, or blank). */
  fill: () => F;
  /** What the form sends, besides the record's version. */
  body: (form: F) => Omit<YearPut, 'version'>;
}) {
  const { t } = useI18n();
  const store = useHouseholdCardStore();
  const { saving, submit, error, errors } = useFormSubmit();
  const editing = ref(false);
  const form = ref(null) as Ref<F | null>;
  /** The selected year's record (null: nothing recorded for that year yet). */
  const rec = computed(() => store.yearRecord);

  function startEdit(): void {
    form.value = opts.fill();
    errors.value = {};
    editing.value = true;
  }

  watch(
    () => [store.year, store.card?.id],
    () => (editing.value = false),
  );

  async function save(): Promise<void> {
    const h = store.card;
    const f = form.value;
    if (!h || !f) return;
    const year = store.year;
    const json: YearPut = { ...(rec.value ? { version: rec.value.version } : {}), ...opts.body(f) };
    const ok = await submit(() => store.write(() => call(api.households[':id'].years[':year'].$put({ param: { id: h.id, year: String(year) }, json }))), {
      onConflict: () => (editing.value = false),
    });
    if (ok) {
      ElMessage.success(t('common.saved'));
      editing.value = false;
    }
  }

  return { rec, form, editing, saving, error, startEdit, save };
}
