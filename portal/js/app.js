import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { accountPath, allPages, api, clearSession, loadSession, tokenIdOf } from './api.js';
import { ErrorBox, html } from './components.js';
import { chosenLocale, LOCALES, locale, setLocale, t, tv } from './i18n.js';
import { can } from './permissions.js';
import { AcceptInvitationPage, SignInPage } from './pages/sign-in.js';
import { UsagePage } from './pages/usage.js';
import { InvoicePage, InvoicesPage } from './pages/invoices.js';
import { BucketsPage } from './pages/buckets.js';
import { AccessKeysPage } from './pages/access-keys.js';
import { SftpUserPage } from './pages/sftp-user.js';
import { MembersPage } from './pages/members.js';
import { QuotaPage } from './pages/quota.js';
import { NotificationsPage } from './pages/notifications.js';
import { AuditLogPage } from './pages/audit-log.js';
import { ApiTokensPage } from './pages/api-tokens.js';
import { WebhooksPage } from './pages/webhooks.js';

const BASE = '/portal';

/** Pages by path below /portal, with the permission that reads them. */
const PAGES = [
  { path: '/', label: 'nav.usage', permission: 'usage:read', page: UsagePage },
  { path: '/invoices', label: 'nav.invoices', permission: 'invoices:read', page: InvoicesPage },
  { path: '/buckets', label: 'nav.buckets', permission: 'buckets:read', page: BucketsPage },
  { path: '/access-keys', label: 'nav.keys', permission: 'keys:read', page: AccessKeysPage },
  { path: '/sftp-user', label: 'nav.sftp', permission: 'sftp:read', page: SftpUserPage },
  { path: '/members', label: 'nav.members', permission: 'members:read', page: MembersPage },
  { path: '/quota', label: 'nav.quota', permission: 'quota:read', page: QuotaPage },
  { path: '/notifications', label: 'nav.notifications', permission: 'notifications:read', page: NotificationsPage },
  { path: '/audit-log', label: 'nav.audit', permission: 'audit:read', page: AuditLogPage },
  { path: '/api-tokens', label: 'nav.tokens', permission: 'tokens:manage-own', page: ApiTokensPage },
  { path: '/webhooks', label: 'nav.webhooks', permission: 'webhooks:manage', page: WebhooksPage },
];

const currentPath = () => location.pathname.slice(BASE.length).replace(/\/+$/, '') || '/';

export function navigate(path) {
  history.pushState(null, '', `${BASE}${path === '/' ? '/' : path}`);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** Links inside the portal move without reloading the page (and the session with it). */
function onLinkClick(event) {
  const link = event.target.closest?.('a[href^="/portal"]');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || link.target) return;
  event.preventDefault();
  navigate(link.getAttribute('href').slice(BASE.length) || '/');
}

/** Who the token is: its account, its role (a member's current one), the account's locale. */
async function whoAmI(session) {
  const account = await api(accountPath());
  const tokenId = tokenIdOf(session.token);
  let mine;
  // a token issued a moment ago (an invitation just accepted) reaches the read model within milliseconds
  for (let attempt = 0; attempt < 10 && !mine; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    mine = (await allPages(accountPath('/api-tokens?status=active'))).find((token) => token.tokenId === tokenId);
  }
  if (!mine) throw new Error(t('signIn.unknownToken'));
  let role = mine.role;
  if (mine.memberId) {
    const members = await allPages(accountPath('/members'));
    role = members.find((member) => member.memberId === mine.memberId)?.role ?? role;
  }
  return { account, role, memberId: mine.memberId ?? null, tokenId };
}

function App() {
  const [path, setPath] = useState(currentPath());
  const [session, setSession] = useState(loadSession());
  const [me, setMe] = useState(null);
  const [error, setError] = useState(null);
  const [, setLocaleTick] = useState(0);

  useEffect(() => {
    const onPop = () => setPath(currentPath());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    setMe(null);
    setError(null);
    if (!session) return;
    whoAmI(session).then(
      (found) => {
        setLocale(chosenLocale() ?? found.account.locale);
        setMe(found);
      },
      (failure) => setError(failure),
    );
  }, [session]);

  const switchLocale = (next) => {
    setLocale(next, true);
    setLocaleTick((n) => n + 1);
  };
  const signOut = () => {
    clearSession();
    setSession(null);
    navigate('/sign-in');
  };
  const signedIn = (next) => {
    setSession(next);
    navigate('/');
  };

  const languageSwitch = html`<label class="language">${t('language')}
    <select value=${locale()} onChange=${(e) => switchLocale(e.currentTarget.value)}>
      ${LOCALES.map((code) => html`<option value=${code}>${code === 'en' ? 'English' : 'Português (Brasil)'}</option>`)}
    </select></label>`;

  if (path === '/invitations/accept') {
    return html`<header class="top"><span class="brand">${t('app.title')}</span>${languageSwitch}</header>
      <main><${AcceptInvitationPage} onSignedIn=${signedIn} /></main>`;
  }
  if (!session || path === '/sign-in') {
    return html`<header class="top"><span class="brand">${t('app.title')}</span>${languageSwitch}</header>
      <main><${SignInPage} onSignedIn=${signedIn} /></main>`;
  }
  if (error) {
    return html`<header class="top"><span class="brand">${t('app.title')}</span>${languageSwitch}<button type="button" class="secondary" onClick=${signOut}>${t('signOut')}</button></header>
      <main><${ErrorBox} error=${error} /></main>`;
  }
  if (!me) return html`<main><p aria-live="polite">${t('loading')}</p></main>`;

  const allowed = PAGES.filter((page) => can(me.role, page.permission));
  const invoiceMatch = /^\/invoices\/([0-9a-f-]{36})(\/print)?$/.exec(path);
  const found = PAGES.find((page) => page.path === path);
  let content;
  if (invoiceMatch) content = html`<${InvoicePage} invoiceId=${invoiceMatch[1]} print=${Boolean(invoiceMatch[2])} me=${me} />`;
  else if (found) content = html`<${found.page} me=${me} />`;
  else content = html`<${ErrorBox} error=${new Error(t('error.notFound'))} />`;
  // pages a role may not read are left out of the menu; opened anyway, the API's 403 explains
  return html`<header class="top">
      <span class="brand">${t('app.title')} · ${me.account.name}</span>
      <span class="muted" data-testid="role">${t('role', { role: tv('role', me.role) })}</span>
      ${languageSwitch}
      <button type="button" class="secondary" onClick=${signOut}>${t('signOut')}</button>
    </header>
    <nav class="main" aria-label=${t('nav.main')}><ul>
      ${allowed.map((page) => html`<li><a href=${`${BASE}${page.path === '/' ? '/' : page.path}`} aria-current=${path === page.path ? 'page' : undefined}>${t(page.label)}</a></li>`)}
    </ul></nav>
    <main key=${path}>${content}</main>`;
}

setLocale(chosenLocale() ?? 'pt-BR');
document.addEventListener('click', onLinkClick);
const root = document.getElementById('app');
root.replaceChildren(); // the "Loading…" placeholder; render adds to what is there
render(html`<${App} />`, root);
