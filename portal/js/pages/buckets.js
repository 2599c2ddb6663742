import { useEffect, useRef, useState } from 'preact/hooks';
import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, Table, useCommand, useLoad } from '../components.js';
import { formatDate, formatNumber, t, tv } from '../i18n.js';
import { can } from '../permissions.js';

const GIB = 2n ** 30n;
const quotaGib = (quotaBytes) => (quotaBytes === null ? '' : String(BigInt(quotaBytes) / GIB));
const days = (value) => (value === null ? '—' : t('buckets.days', { days: value }));
/** A bucket whose settings can still change (the API refuses the others with a reason). */
const settable = (bucket) => bucket.status === 'requested' || bucket.status === 'provisioned';

/** Quota, versioning and lifecycle of one bucket: only what was changed is sent. */
function BucketSettings({ bucket, onDone, onCancel }) {
  const [form, setForm] = useState({
    quota: quotaGib(bucket.quotaBytes),
    versioning: bucket.versioning,
    expirationDays: bucket.lifecycle.expirationDays ?? '',
    noncurrentDays: bucket.lifecycle.noncurrentVersionExpirationDays ?? '',
  });
  const command = useCommand();
  const heading = useRef(null);
  useEffect(() => heading.current?.focus(), [bucket.bucketId]);
  const field = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const base = accountPath(`/buckets/${bucket.bucketId}`);
  const save = (event) => {
    event.preventDefault();
    void command.run(async () => {
      if (form.quota !== quotaGib(bucket.quotaBytes)) {
        await api(`${base}/quota`, { method: 'PUT', body: { quotaBytes: form.quota === '' ? null : String(BigInt(form.quota) * GIB) } });
      }
      if (form.versioning !== bucket.versioning) await api(`${base}/versioning`, { method: 'PUT', body: { versioning: form.versioning } });
      const lifecycle = { expirationDays: form.expirationDays === '' ? null : Number(form.expirationDays), noncurrentVersionExpirationDays: form.noncurrentDays === '' ? null : Number(form.noncurrentDays) };
      if (lifecycle.expirationDays !== bucket.lifecycle.expirationDays || lifecycle.noncurrentVersionExpirationDays !== bucket.lifecycle.noncurrentVersionExpirationDays) {
        await api(`${base}/lifecycle`, { method: 'PUT', body: lifecycle });
      }
      onDone();
    });
  };
  return html`<section class="panel" aria-labelledby="bucket-settings-title" data-testid="bucket-settings">
    <h2 id="bucket-settings-title" tabindex="-1" ref=${heading}>${t('buckets.settingsOf', { name: bucket.name })}</h2>
    <${ErrorBox} error=${command.error} />
    <form class="inline" onSubmit=${save}>
      <label>${t('buckets.quotaGib')}<input name="quotaGib" type="number" min="1" step="1" inputmode="numeric" value=${form.quota} onInput=${field('quota')} aria-describedby="quota-hint" /></label>
      <label>${t('buckets.versioning')}<select name="versioning" value=${form.versioning} onChange=${field('versioning')}>
        ${bucket.versioning === 'disabled' && html`<option value="disabled">${tv('versioning', 'disabled')}</option>`}
        <option value="enabled">${tv('versioning', 'enabled')}</option>
        <option value="suspended">${tv('versioning', 'suspended')}</option>
      </select></label>
      <label>${t('buckets.expiration')}<input name="expirationDays" type="number" min="1" max="36500" step="1" value=${form.expirationDays} onInput=${field('expirationDays')} /></label>
      <label>${t('buckets.noncurrent')}<input name="noncurrentDays" type="number" min="1" max="36500" step="1" value=${form.noncurrentDays} onInput=${field('noncurrentDays')} /></label>
      <button type="submit" disabled=${command.busy}>${t('save')}</button>
      <button type="button" class="secondary" onClick=${onCancel}>${t('cancel')}</button>
    </form>
    <p class="muted" id="quota-hint">${t('buckets.settingsHint')}</p>
  </section>`;
}

export function BucketsPage({ me }) {
  const state = useLoad(() => allPages(accountPath('/buckets')));
  const [name, setName] = useState('');
  const [editing, setEditing] = useState(null);
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
    <${Loading} state=${state}>${(buckets) => {
      const open = editing && buckets.find((b) => b.bucketId === editing);
      return html`<${Table} caption=${t('buckets.title')}
        head=${[t('buckets.name'), t('buckets.status'), { label: t('buckets.quota'), num: true }, t('buckets.versioning'), t('buckets.lifecycle'), t('invoice.issuedAt'), ...(manage ? [t('actions')] : [])]}
        rows=${buckets.map((b) => html`<tr data-testid="bucket-row">
          <td>${b.name}${b.failureReason ? html`<div class="explanation">${b.failureReason}</div>` : ''}</td>
          <td>${tv('bucketStatus', b.status)}</td>
          <td class="num">${b.quotaBytes === null ? '—' : `${formatNumber(Number(b.quotaBytes) / 2 ** 30, 2)} GiB`}</td>
          <td>${tv('versioning', b.versioning)}</td>
          <td>${t('buckets.expiresAfter')}: ${days(b.lifecycle.expirationDays)}<div class="explanation">${t('buckets.noncurrentAfter')}: ${days(b.lifecycle.noncurrentVersionExpirationDays)}</div></td>
          <td>${formatDate(b.requestedAt ?? b.createdAt)}</td>
          ${manage && html`<td><div class="actions">
            ${settable(b) && html`<button type="button" class="secondary" onClick=${() => setEditing(b.bucketId)} aria-label=${`${t('buckets.settings')} ${b.name}`}>${t('buckets.settings')}</button>`}
            ${b.status !== 'deleted' && b.status !== 'deleting' && html`<button type="button" class="danger" onClick=${() => remove(b)} aria-label=${`${t('buckets.delete')} ${b.name}`}>${t('buckets.delete')}</button>`}
          </div></td>`}
        </tr>`)} />
        ${manage && open && html`<${BucketSettings} key=${open.bucketId} bucket=${open} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); state.reload(); }} />`}`;
    }}<//>`;
}
