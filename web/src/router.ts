// Routes and the login guard. Authenticated pages live inside the app shell; anything else
// redirects to /login?redirect=… and comes back after login. An account that must change its
// password is held on the password page until it has.
import type { Pinia } from 'pinia';
import { watch } from 'vue';
import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import { useSessionStore } from './stores/session.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (login, 404). */
    public?: boolean;
    /** i18n key of the page title. */
    title?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/auth/LoginView.vue'),
      meta: { public: true, title: 'login.title' },
    },
    {
      path: '/',
      component: () => import('./components/AppShell.vue'),
      children: [
        // The home page is the role's workbench (工作台); the map of the account's own area is one tap away.
        { path: '', name: 'home', component: () => import('./views/workbench/WorkbenchView.vue'), meta: { title: 'nav.workbench' } },
        { path: 'areas', name: 'areas', component: () => import('./views/areas/AreaBrowserView.vue'), meta: { title: 'nav.areas' } },
        {
          path: 'areas/:code(\\d{2,15})',
          name: 'area',
          component: () => import('./views/areas/AreaBrowserView.vue'),
          props: true,
          meta: { title: 'nav.areas' },
        },
        {
          path: 'areas/qa',
          name: 'spatial-qa',
          component: () => import('./views/areas/SpatialQaView.vue'),
          meta: { title: 'spatialQa.title' },
        },
        {
          path: 'stats/:code(\\d{2,15})?',
          name: 'stats',
          component: () => import('./views/stats/StatsView.vue'),
          props: true,
          meta: { title: 'stats.title' },
        },
        {
          path: 'households',
          name: 'households',
          component: () => import('./views/households/HouseholdListView.vue'),
          meta: { title: 'nav.households' },
        },
        {
          path: 'households/procedures',
          name: 'procedure-queue',
          component: () => import('./views/households/ProcedureQueueView.vue'),
          meta: { title: 'procedure.queue' },
        },
        {
          path: 'households/:id([0-9a-fA-F-]{36})',
          name: 'household',
          component: () => import('./views/households/HouseholdCardView.vue'),
          props: true,
          meta: { title: 'card.title' },
        },
        {
          path: 'registry/import',
          name: 'registry-import',
          component: () => import('./views/registry/RegistryImportView.vue'),
          meta: { title: 'registryImport.title' },
        },
        {
          path: 'crosscheck',
          name: 'crosscheck',
          component: () => import('./views/crosscheck/CrosscheckView.vue'),
          meta: { title: 'nav.crosscheck' },
        },
        {
          path: 'projects',
          name: 'projects',
          component: () => import('./views/projects/ProjectListView.vue'),
          meta: { title: 'project.list' },
        },
        {
          path: 'projects/queue',
          name: 'project-queue',
          component: () => import('./views/projects/ProjectQueueView.vue'),
          meta: { title: 'project.queue' },
        },
        {
          path: 'projects/:id([0-9a-fA-F-]{36})',
          name: 'project',
          component: () => import('./views/projects/ProjectView.vue'),
          props: true,
          meta: { title: 'project.list' },
        },
        {
          path: 'sms',
          name: 'sms',
          component: () => import('./views/sms/SmsView.vue'),
          meta: { title: 'sms.title' },
        },
        {
          path: 'oversight',
          name: 'oversight',
          component: () => import('./views/oversight/OversightView.vue'),
          meta: { title: 'oversight.title' },
        },
        {
          path: 'funds',
          name: 'ledger',
          component: () => import('./views/funds/LedgerView.vue'),
          meta: { title: 'funds.ledger' },
        },
        {
          path: 'settings/county',
          name: 'county-settings',
          component: () => import('./views/settings/CountySettingsView.vue'),
          meta: { title: 'countySettings.title' },
        },
        {
          path: 'settings/county/what-if',
          name: 'what-if',
          component: () => import('./views/lines/WhatIfView.vue'),
          meta: { title: 'lines.title' },
        },
        {
          path: 'settings/accounts',
          name: 'accounts',
          component: () => import('./views/settings/AccountsView.vue'),
          meta: { title: 'accounts.title' },
        },
        {
          path: 'account/password',
          name: 'password',
          component: () => import('./views/auth/ChangePasswordView.vue'),
          meta: { title: 'nav.password' },
        },
      ],
    },
    {
      // 指挥调度: the county's (or township's) command view for a large screen, outside the app shell.
      path: '/command/:code(\\d{2,12})?',
      name: 'command',
      component: () => import('./views/workbench/CommandView.vue'),
      props: true,
      meta: { title: 'command.title' },
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('./views/NotFoundView.vue'),
      meta: { public: true, title: 'notFound.title' },
    },
  ],
});

/** Only same-app paths may be redirect targets (no open redirect to another site). */
export function safeRedirect(target: unknown): string {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') ? target : '/';
}

export function installGuards(pinia: Pinia): void {
  const session = useSessionStore(pinia);

  router.beforeEach(async (to: RouteLocationNormalized) => {
    let account = null;
    try {
      account = await session.hydrate();
    } catch {
      // Server unreachable: public pages still open; private ones go to login, which says why.
    }
    if (to.meta.public) {
      if (to.name === 'login' && account) return safeRedirect(to.query.redirect);
      return true;
    }
    if (!account) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    if (account.mustChangePassword && to.name !== 'password') {
      return { name: 'password', query: { redirect: to.fullPath } };
    }
    return true;
  });

  // A 403 PASSWORD_CHANGE_REQUIRED (api.ts) marks the account: hold it on the password page.
  watch(
    () => session.account?.mustChangePassword,
    (must) => {
      const here = router.currentRoute.value;
      if (!must || here.meta.public || here.name === 'password') return;
      void router.replace({ name: 'password', query: { redirect: here.fullPath } });
    },
  );

  // A 401 on an ordinary request (session expired or ended elsewhere) sends the user to login.
  watch(
    () => session.expired,
    (expired) => {
      if (!expired) return;
      const here = router.currentRoute.value;
      if (here.meta.public) return;
      void router.replace({ name: 'login', query: { redirect: here.fullPath, expired: '1' } });
    },
  );
}
