// The state and the save of an edit dialog (FormDialog.vue): the field errors and saving flag of
// useFormSubmit, cleared each time the dialog opens, and `saveAndClose`, which runs the write, on
// success says so and closes the dialog, and closes it on a version conflict too (the card store's
// `write` has then told the user and reloaded the card).
import { ElMessage } from 'element-plus';
import { type Ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useFormSubmit } from './household/format.ts';

export function useFormDialog(open: Ref<boolean>) {
  const { t } = useI18n();
  const state = useFormSubmit();
  watch(open, (o) => {
    if (o) state.errors.value = {};
  });

  /** Runs the write; true when it succeeded (the dialog is then closed, `saved` shown). */
  async function saveAndClose(run: () => Promise<unknown>, saved: string = t('common.saved')): Promise<boolean> {
    const ok = await state.submit(run, { onConflict: () => (open.value = false) });
    if (ok) {
      ElMessage.success(saved);
      open.value = false;
    }
    return ok;
  }

  return { ...state, saveAndClose };
}
