import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, Table, useCommand, useLoad } from '../components.js';
import { formatDate, t } from '../i18n.js';
import { can } from '../permissions.js';

export function NotificationsPage({ me }) {
  const state = useLoad(() => allPages(accountPath('/notifications'), 200));
  const command = useCommand();
  const mayMark = can(me.role, 'notifications:mark-read');
  const markRead = (notificationIds) =>
    void command.run(async () => {
      await api(accountPath('/notifications/read'), { method: 'POST', body: { notificationIds } });
      state.reload();
    });
  return html`<h1>${t('notifications.title')}</h1>
    <${ErrorBox} error=${command.error} />
    <${Loading} state=${state}>${(items) => html`
      ${mayMark && items.some((n) => !n.readAt) && html`<div class="actions"><button type="button" onClick=${() => markRead('all')}>${t('notifications.markAll')}</button></div>`}
      <${Table} caption=${t('notifications.title')} head=${[t('notifications.when'), t('audit.what'), ...(mayMark ? [t('actions')] : [])]}
        rows=${items.map((n) => html`<tr data-testid="notification-row" class=${n.readAt ? '' : 'unread'}>
          <td>${formatDate(n.createdAt)}${n.readAt ? '' : html` <strong>(${t('notifications.unread')})</strong>`}</td>
          <td><strong>${n.title}</strong><div class="explanation">${n.body}</div></td>
          ${mayMark && html`<td>${!n.readAt && html`<button type="button" class="secondary" onClick=${() => markRead([n.notificationId])} aria-label=${`${t('notifications.markOne')}: ${n.title}`}>${t('notifications.markOne')}</button>`}</td>`}
        </tr>`)} />
    `}<//>`;
}
