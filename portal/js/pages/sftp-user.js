import { useState } from 'preact/hooks';
import { accountPath, allPages, api, ApiError } from '../api.js';
import { ErrorBox, html, Loading, SecretOnce, useCommand, useLoad } from '../components.js';
import { formatDate, t, tv } from '../i18n.js';
import { can } from '../permissions.js';

export function SftpUserPage({ me }) {
  const state = useLoad(async () => {
    const buckets = await allPages(accountPath('/buckets'));
    try {
      return { user: await api(accountPath('/sftp-user')), buckets };
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && error.problem.code !== 'account_not_found') return { user: null, buckets };
      throw error;
    }
  });
  const [password, setPassword] = useState(null);
  const [grant, setGrant] = useState('');
  const command = useCommand();
  const manage = can(me.role, 'sftp:manage');
  const act = (path) =>
    void command.run(async () => {
      const user = await api(accountPath(path), { method: 'POST', body: {} });
      if ('password' in user || path !== '/sftp-user/disable') setPassword({ value: user.password ?? null });
      state.reload();
    });
  const access = (bucketId, method) =>
    void command.run(async () => {
      await api(accountPath(`/sftp-user/buckets/${bucketId}`), { method });
      setGrant('');
      state.reload();
    });
  const nameOf = (buckets, id) => buckets.find((b) => b.bucketId === id)?.name ?? id;
  return html`<h1>${t('sftp.title')}</h1>
    ${password && html`<${SecretOnce} label=${t('sftp.password')} secret=${password.value} onDismiss=${() => setPassword(null)} />`}
    <${ErrorBox} error=${command.error} />
    <${Loading} state=${state}>${({ user, buckets }) => {
      if (user === null) return html`<p>${t('sftp.none')}</p>${manage && html`<button type="button" onClick=${() => act('/sftp-user')}>${t('sftp.create')}</button>`}`;
      const editable = manage && user.status === 'active';
      const grantable = buckets.filter((b) => (b.status === 'requested' || b.status === 'provisioned') && !user.bucketIds.includes(b.bucketId));
      return html`<dl>
          <dt>${t('sftp.username')}</dt><dd><code>${user.username}</code></dd>
          <dt>${t('sftp.status')}</dt><dd>${tv('sftpStatus', user.status)}</dd>
          <dt>${t('invoice.issuedAt')}</dt><dd>${formatDate(user.createdAt)}</dd>
        </dl>
        <h2>${t('sftp.buckets')}</h2>
        ${user.bucketIds.length === 0
          ? html`<p class="muted">${t('sftp.noBuckets')}</p>`
          : html`<ul class="plain" data-testid="sftp-buckets">${user.bucketIds.map((id) => html`<li>
              <span>${nameOf(buckets, id)}</span>
              ${editable && html` <button type="button" class="danger" onClick=${() => access(id, 'DELETE')} aria-label=${`${t('sftp.revokeAccess')} ${nameOf(buckets, id)}`}>${t('sftp.revokeAccess')}</button>`}
            </li>`)}</ul>`}
        ${editable && grantable.length > 0 && html`<form class="inline" data-testid="grant-sftp-bucket" onSubmit=${(e) => { e.preventDefault(); if (grant) access(grant, 'PUT'); }}>
          <label>${t('sftp.grantBucket')}<select name="grantBucket" required value=${grant} onChange=${(e) => setGrant(e.currentTarget.value)}>
            <option value="">${t('choose')}</option>
            ${grantable.map((b) => html`<option value=${b.bucketId}>${b.name}</option>`)}
          </select></label>
          <button type="submit" disabled=${command.busy}>${t('sftp.grant')}</button>
        </form>`}
        ${editable && html`<div class="actions">
          <button type="button" class="secondary" onClick=${() => act('/sftp-user/reset-password')}>${t('sftp.reset')}</button>
          <button type="button" class="danger" onClick=${() => act('/sftp-user/disable')}>${t('sftp.disable')}</button>
        </div>`}`;
    }}<//>`;
}
