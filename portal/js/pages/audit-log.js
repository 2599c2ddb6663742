import { useState } from 'preact/hooks';
import { accountPath, api } from '../api.js';
import { html, Loading, Table, useLoad } from '../components.js';
import { formatDate, t } from '../i18n.js';

export function AuditLogPage() {
  const [type, setType] = useState('');
  const [filter, setFilter] = useState('');
  const [cursor, setCursor] = useState(null);
  const state = useLoad(() => api(accountPath(`/audit-log?limit=50${filter ? `&type=${encodeURIComponent(filter)}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)), [filter, cursor]);
  return html`<h1>${t('audit.title')}</h1>
    <form class="inline" onSubmit=${(e) => { e.preventDefault(); setCursor(null); setFilter(type.trim()); }}>
      <label>${t('audit.type')}<input name="type" value=${type} placeholder="AccessKeyIssued" onInput=${(e) => setType(e.currentTarget.value)} /></label>
      <button type="submit" class="secondary">${t('audit.filter')}</button>
    </form>
    <${Loading} state=${state}>${(page) => html`
      <${Table} caption=${t('audit.title')} head=${[t('audit.when'), t('audit.what'), t('audit.who'), t('audit.from')]}
        rows=${page.items.map((e) => html`<tr><td>${formatDate(e.occurredAt)}</td><td><strong>${e.type}</strong><div class="explanation">${e.summary}</div></td><td>${e.actor}</td><td>${e.ip ?? '—'}</td></tr>`)} />
      ${page.nextCursor && html`<div class="actions"><button type="button" class="secondary" onClick=${() => setCursor(page.nextCursor)}>${t('more')}</button></div>`}
    `}<//>`;
}
