import { useState } from 'preact/hooks';
import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, SecretOnce, Table, useCommand, useLoad } from '../components.js';
import { formatDate, t, tv } from '../i18n.js';

/** The signed-in member's own API tokens: create one (shown once), revoke one. */
export function ApiTokensPage({ me }) {
  // a service token (ops create-account-token) belongs to no member: it has no tokens of its own
  const state = useLoad(() => (me.memberId ? allPages(accountPath(`/api-tokens?memberId=${encodeURIComponent(me.memberId)}`)) : Promise.resolve([])));
  const [name, setName] = useState('');
  const [issued, setIssued] = useState(null);
  const command = useCommand();
  const create = (event) => {
    event.preventDefault();
    void command.run(async () => {
      const created = await api(accountPath('/api-tokens'), { method: 'POST', body: { name: name.trim() } });
      setIssued({ label: name.trim(), value: created.token ?? null });
      setName('');
      state.reload();
    });
  };
  const revoke = (token) => {
    if (!confirm(t('tokens.confirmRevoke', { name: token.name }))) return;
    void command.run(async () => {
      await api(accountPath(`/api-tokens/${token.tokenId}`), { method: 'DELETE' });
      state.reload();
    });
  };
  return html`<h1>${t('tokens.title')}</h1>
    <p>${t('tokens.lead')}</p>
    ${issued && html`<${SecretOnce} label=${issued.label} secret=${issued.value} warning=${t('secret.warningToken')} onDismiss=${() => setIssued(null)} />`}
    <${ErrorBox} error=${command.error} />
    ${me.memberId
      ? html`<form class="inline" onSubmit=${create} data-testid="create-token">
          <label>${t('tokens.name')}<input name="tokenName" required maxlength="100" value=${name} onInput=${(e) => setName(e.currentTarget.value)} /></label>
          <button type="submit" disabled=${command.busy}>${t('tokens.create')}</button>
        </form>`
      : html`<p class="notice">${t('tokens.serviceToken')}</p>`}
    <${Loading} state=${state}>${(tokens) => html`<${Table} caption=${t('tokens.title')}
      head=${[t('tokens.name'), t('tokens.status'), t('tokens.issuedAt'), t('actions')]}
      rows=${tokens.map((token) => html`<tr data-testid="token-row">
        <td>${token.name}${token.tokenId === me.tokenId ? html` <strong>(${t('tokens.thisSession')})</strong>` : ''}</td>
        <td>${tv('tokenStatus', token.status)}${token.revokedAt ? html`<div class="explanation">${formatDate(token.revokedAt)}</div>` : ''}</td>
        <td>${formatDate(token.issuedAt)}</td>
        <td>${token.status === 'active' && token.tokenId !== me.tokenId && html`<button type="button" class="danger" onClick=${() => revoke(token)} aria-label=${`${t('tokens.revoke')} ${token.name}`}>${t('tokens.revoke')}</button>`}</td>
      </tr>`)} />`}<//>`;
}
