import { useState } from 'preact/hooks';
import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, Table, useCommand, useLoad } from '../components.js';
import { formatDate, t, tv } from '../i18n.js';
import { can } from '../permissions.js';

export function QuotaPage({ me }) {
  const state = useLoad(async () => ({ quota: await api(accountPath('/quota')), requests: await allPages(accountPath('/quota/requests')) }));
  const [form, setForm] = useState({ requestedGiB: '', reason: '' });
  const command = useCommand();
  const request = (event) => {
    event.preventDefault();
    void command.run(async () => {
      await api(accountPath('/quota/requests'), { method: 'POST', body: { requestedGiB: Number(form.requestedGiB), reason: form.reason.trim() } });
      setForm({ requestedGiB: '', reason: '' });
      state.reload();
    });
  };
  return html`<h1>${t('quota.title')}</h1>
    <${ErrorBox} error=${command.error} />
    <${Loading} state=${state}>${({ quota, requests }) => html`
      <p>${t('quota.current')}: <strong>${quota.quotaGiB} GiB</strong> ${quota.isDefault ? t('quota.default') : ''}</p>
      ${can(me.role, 'quota:request') && !quota.pendingRequest &&
      html`<h2>${t('quota.request')}</h2><form class="inline" onSubmit=${request} data-testid="request-quota">
        <label>${t('quota.requested')}<input name="requestedGiB" type="number" min=${quota.quotaGiB + 1} required value=${form.requestedGiB} onInput=${(e) => setForm({ ...form, requestedGiB: e.currentTarget.value })} /></label>
        <label>${t('quota.reason')}<input name="reason" required maxlength="500" value=${form.reason} onInput=${(e) => setForm({ ...form, reason: e.currentTarget.value })} /></label>
        <button type="submit" disabled=${command.busy}>${t('quota.submit')}</button>
      </form>`}
      <h2>${t('quota.requests')}</h2>
      <${Table} caption=${t('quota.requests')} head=${[t('invoice.issuedAt'), { label: t('quota.requested'), num: true }, t('quota.reason'), t('quota.status'), t('quota.note')]}
        rows=${requests.map((r) => html`<tr><td>${formatDate(r.requestedAt)}</td><td class="num">${r.requestedGiB}</td><td>${r.reason}</td><td>${tv('quotaStatus', r.status)}</td><td>${r.note ?? '—'}</td></tr>`)} />
    `}<//>`;
}
