import { useState } from 'preact/hooks';
import { api, saveSession } from '../api.js';
import { ErrorBox, html, SecretOnce, useCommand } from '../components.js';
import { t, tv } from '../i18n.js';

export function SignInPage({ onSignedIn }) {
  const [accountId, setAccountId] = useState('');
  const [token, setToken] = useState('');
  const { error, busy, run } = useCommand();
  const submit = (event) => {
    event.preventDefault();
    void run(async () => {
      const session = { accountId: accountId.trim(), token: token.trim() };
      // the account answers only to its own tokens: a wrong pair is refused here, not later
      await api(`/accounts/${encodeURIComponent(session.accountId)}`, { token: session.token });
      saveSession(session);
      onSignedIn(session);
    });
  };
  return html`<section class="sign-in">
    <h1>${t('signIn.title')}</h1>
    <p>${t('signIn.lead')}</p>
    <${ErrorBox} error=${error} />
    <form onSubmit=${submit}>
      <label>${t('signIn.accountId')}<input name="accountId" required autocomplete="username" value=${accountId} onInput=${(e) => setAccountId(e.currentTarget.value)} /></label>
      <label>${t('signIn.token')}<input name="token" type="password" required autocomplete="current-password" value=${token} onInput=${(e) => setToken(e.currentTarget.value)} /></label>
      <button type="submit" disabled=${busy}>${t('signIn.submit')}</button>
    </form>
    <p class="muted">${t('signIn.invited')}</p>
  </section>`;
}

/** The invitation mail's link: /portal/invitations/accept#token=cpi_… (a fragment never reaches a server log). */
export function AcceptInvitationPage({ onSignedIn }) {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const [token, setToken] = useState(fromLink);
  const [tokenName, setTokenName] = useState('portal');
  const [accepted, setAccepted] = useState(null);
  const { error, busy, run } = useCommand();
  const submit = (event) => {
    event.preventDefault();
    void run(async () => {
      const result = await api('/invitations/accept', { method: 'POST', body: { token: token.trim(), tokenName: tokenName.trim() } });
      history.replaceState(null, '', location.pathname);
      saveSession({ accountId: result.accountId, token: result.token });
      setAccepted(result);
    });
  };
  if (accepted) {
    return html`<section class="sign-in">
      <h1>${t('accept.title')}</h1>
      <p>${t('accept.done', { role: tv('role', accepted.role) })}</p>
      <p>${t('signIn.accountId')}: <code>${accepted.accountId}</code></p>
      <${SecretOnce} label=${t('signIn.token')} secret=${accepted.token} />
      <button type="button" onClick=${() => onSignedIn({ accountId: accepted.accountId, token: accepted.token })}>${t('accept.continue')}</button>
    </section>`;
  }
  return html`<section class="sign-in">
    <h1>${t('accept.title')}</h1>
    <p>${t('accept.lead')}</p>
    <${ErrorBox} error=${error} />
    <form onSubmit=${submit}>
      <label>${t('accept.token')}<input name="invitationToken" required value=${token} onInput=${(e) => setToken(e.currentTarget.value)} /></label>
      <label>${t('accept.tokenName')}<input name="tokenName" required maxlength="100" value=${tokenName} onInput=${(e) => setTokenName(e.currentTarget.value)} /></label>
      <button type="submit" disabled=${busy}>${t('accept.submit')}</button>
    </form>
  </section>`;
}
