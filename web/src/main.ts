// Entry point: creates the Vue app with Pinia, vue-i18n and the router, then mounts it.
// Element Plus components are imported where used (tree-shaken); its stylesheet is global.
import 'element-plus/dist/index.css';
import './styles.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n/index.ts';
import { installGuards, router } from './router.ts';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(i18n);
installGuards(pinia);
// The first page's code starts loading now, while the session is checked: the router would load it
// only after its guards (every route's component is a lazy import; a second call reuses the first).
for (const record of router.resolve(window.location.pathname + window.location.search).matched) {
  const lazy = record.components?.default;
  if (typeof lazy === 'function') void (lazy as () => Promise<unknown>)().catch(() => undefined);
}
app.use(router);
app.mount('#app');
