// A reactive CSS media query (e.g. whether the screen is wide enough for a fixed side menu).
import { onBeforeUnmount, ref, type Ref } from 'vue';

export function useMediaQuery(query: string): Ref<boolean> {
  const mql = window.matchMedia(query);
  const matches = ref(mql.matches);
  const update = (e: MediaQueryListEvent) => {
    matches.value = e.matches;
  };
  mql.addEventListener('change', update);
  onBeforeUnmount(() => mql.removeEventListener('change', update));
  return matches;
}
