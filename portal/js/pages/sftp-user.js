import { useState } from 'preact/hooks';
import { accountPath, allPages, api, ApiError } from '../api.js';
import { ErrorBox, html, Loading, SecretOnce, useCommand, useLoad } from '../components.js';
import { formatDate, t } from '../i18n.js';
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
  const command = useCommand();
  const manage = can(me.role, 'sftp:manage');
  const act = (path) =>
    void command.run(async () => {
      const user = await api(accountPath(path), { method: 'POST', body: {} });
      if ('password' in user || path !== '/sftp-user/disable') setPassword({ value: user.password ?? null });
      state.reload();
    });
  return html`<h1>${t('sftp.title')}</h1>
    ${password && html`<${SecretOnce} label=${t('sftp.password')} secret=${password.value} onDismiss=${() => setPassword(null)} />`}
    <${ErrorBox} error=${command.error} />
    <${Loading} state=${state}>${({ user, buckets }) =>
      user === null
        ? html`<p>${t('sftp.none')}</p>${manage && html`<button type="button" onClick=${() => act('/sftp-user')}>${t('sftp.create')}</button>`}`
        : html`<dl>
              <dt>${t('sftp.username')}</dt><dd><code>${user.username}</code></dd>
              <dt>${t('sftp.status')}</dt><dd>${user.status}</dd>
              <dt>${t('sftp.buckets')}</dt><dd>${user.bucketIds.map((id) => buckets.find((b) => b.bucketId === id)?.name ?? id).join(', ') || '—'}</dd>
              <dt>${t('invoice.issuedAt')}</dt><dd>${formatDate(user.createdAt)}</dd>
            </dl>
            ${manage && user.status === 'active' && html`<div class="actions">
              <button type="button" class="secondary" onClick=${() => act('/sftp-user/reset-password')}>${t('sftp.reset')}</button>
              <button type="button" class="danger" onClick=${() => act('/sftp-user/disable')}>${t('sftp.disable')}</button>
            </div>`}`}<//>`;
}
