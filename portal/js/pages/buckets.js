import { useState } from 'preact/hooks';
import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, Table, useCommand, useLoad } from '../components.js';
import { formatDate, formatNumber, t } from '../i18n.js';
import { can } from '../permissions.js';

export function BucketsPage({ me }) {
  const state = useLoad(() => allPages(accountPath('/buckets')));
  const [name, setName] = useState('');
  const command = useCommand();
  const manage = can(me.role, 'buckets:manage');
  const create = (event) => {
    event.preventDefault();
    void command.run(async () => {
      await api(accountPath('/buckets'), { method: 'POST', body: { name: name.trim() } });
      setName('');
      state.reload();
    });
  };
  const remove = (bucket) => {
    if (!confirm(t('buckets.confirmDelete', { name: bucket.name }))) return;
    void command.run(async () => {
      await api(accountPath(`/buckets/${bucket.bucketId}`), { method: 'DELETE' });
      state.reload();
    });
  };
  return html`<h1>${t('buckets.title')}</h1>
    <${ErrorBox} error=${command.error} />
    ${manage &&
    html`<form class="inline" onSubmit=${create} data-testid="create-bucket">
      <label>${t('buckets.newName')}<input name="bucketName" required minlength="3" maxlength="63" value=${name} onInput=${(e) => setName(e.currentTarget.value)} /></label>
      <button type="submit" disabled=${command.busy}>${t('buckets.create')}</button>
    </form>`}
    <${Loading} state=${state}>${(buckets) => html`<${Table} caption=${t('buckets.title')}
      head=${[t('buckets.name'), t('buckets.status'), { label: t('buckets.quota'), num: true }, t('invoice.issuedAt'), ...(manage ? [t('actions')] : [])]}
      rows=${buckets.map((b) => html`<tr>
        <td>${b.name}${b.failureReason ? html`<div class="explanation">${b.failureReason}</div>` : ''}</td>
        <td>${b.status}</td>
        <td class="num">${b.quotaBytes === null ? '—' : `${formatNumber(Number(b.quotaBytes) / 2 ** 30, 2)} GiB`}</td>
        <td>${formatDate(b.requestedAt ?? b.createdAt)}</td>
        ${manage && html`<td>${b.status !== 'deleted' && b.status !== 'deleting' && html`<button type="button" class="danger" onClick=${() => remove(b)} aria-label=${`${t('buckets.delete')} ${b.name}`}>${t('buckets.delete')}</button>`}</td>`}
      </tr>`)} />`}<//>`;
}
