// Session store: who is logged in (account, role, area), what the role may do (`can`, from the
// server's permission table), login/logout/password change, and the CSRF token handed to the API
// client. Hydrates once from /auth/me; never stores the password.
import type { Permission } from '@shared/permissions.ts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, api, call, type Ok, onPasswordChangeRequired, onSessionLost, setCsrfToken } from '../api.ts';

type MeBody = Ok<Awaited<ReturnType<typeof api.auth.me.$get>>>;
export type Account = MeBody['account'];

export const useSessionStore = defineStore('session', () => {
  const account = ref<Account | null>(null);
  /** Set when the session ended underneath us (401 on an ordinary request). */
  const expired = ref(false);
  let hydrating: Promise<Account | null> | null = null;
  let hydrated = false;

  const isAuthenticated = computed(() => account.value !== null);

  /**
   * Whether the account's role may do `permission` — the list /auth/me sends from the server's
   * table (api/shared/permissions.ts). Pages show an action only when this allows it; the server
   * decides again (and the account's area) when it is taken.
   */
  function can(permission: Permission): boolean {
    return account.value?.can.includes(permission) ?? false;
  }

  function accept(body: MeBody): Account {
    account.value = body.account;
    setCsrfToken(body.csrfToken);
    expired.value = false;
    return body.account;
  }

  function forget(): void {
    account.value = null;
    setCsrfToken(null);
  }

  /** Asks the server once who we are (a reload keeps the session through its cookie). */
  function hydrate(): Promise<Account | null> {
    if (hydrated) return Promise.resolve(account.value);
    hydrating ??= call(api.auth.me.$get())
      .then(accept)
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) {
          forget();
          return null;
        }
        throw e;
      })
      .then((a) => {
        hydrated = true;
        return a;
      })
      .finally(() => {
        hydrating = null;
      });
    return hydrating;
  }

  async function login(username: string, password: string): Promise<Account> {
    const body = await call(api.auth.login.$post({ json: { username, password } }));
    hydrated = true;
    return accept(body);
  }

  async function logout(): Promise<void> {
    try {
      await call(api.auth.logout.$post());
    } catch (e) {
      // Already logged out on the server is fine; anything else is reported after forgetting locally.
      if (!(e instanceof ApiError && e.status === 401)) {
        forget();
        throw e;
      }
    }
    forget();
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await call(api.auth.password.$post({ json: { currentPassword, newPassword } }));
    // The server cleared mustChangePassword; refresh the account so the guard lets the user on.
    accept(await call(api.auth.me.$get()));
  }

  // The password was reset (or is still the one-time one) while this page was open: the guard
  // (router.ts) sends the user to the password page.
  onPasswordChangeRequired(() => {
    if (account.value && !account.value.mustChangePassword) account.value = { ...account.value, mustChangePassword: true };
  });

  onSessionLost(() => {
    if (account.value) {
      forget();
      expired.value = true;
    }
  });

  return { account, expired, isAuthenticated, can, hydrate, login, logout, changePassword };
});
