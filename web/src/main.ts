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
app.use(router);
app.mount('#app');
