import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, Table, useCommand, useLoad } from '../components.js';
import { formatDate, t } from '../i18n.js';
import { can } from '../permissions.js';

export function NotificationsPage({ me }) {
  const state = useLoad(() => allPages(accountPath('/notifications'), 200));
  const command = useCommand();
  const markAll = () =>
    void command.run(async () => {
      await api(accountPath('/notifications/read'), { method: 'POST', body: { notificationIds: 'all' } });
      state.reload();
    });
  return html`<h1>${t('notifications.title')}</h1>
    <${ErrorBox} error=${command.error} />
    <${Loading} state=${state}>${(items) => html`
      ${can(me.role, 'notifications:mark-read') && items.some((n) => !n.readAt) && html`<div class="actions"><button type="button" onClick=${markAll}>${t('notifications.markAll')}</button></div>`}
      <${Table} caption=${t('notifications.title')} head=${[t('notifications.when'), t('audit.what')]}
        rows=${items.map((n) => html`<tr><td>${formatDate(n.createdAt)}${n.readAt ? '' : html` <strong>(${t('notifications.unread')})</strong>`}</td><td><strong>${n.title}</strong><div class="explanation">${n.body}</div></td></tr>`)} />
    `}<//>`;
}
