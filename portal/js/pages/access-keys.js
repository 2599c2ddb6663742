import { useState } from 'preact/hooks';
import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, SecretOnce, Table, useCommand, useLoad } from '../components.js';
import { formatDate, t, tv, valuesOf } from '../i18n.js';
import { can } from '../permissions.js';

export function AccessKeysPage({ me }) {
  const state = useLoad(async () => {
    const [keys, buckets] = await Promise.all([allPages(accountPath('/access-keys')), allPages(accountPath('/buckets'))]);
    return { keys, buckets };
  });
  const [form, setForm] = useState({ name: '', permission: 'read-write', bucket: 'all', expiresOn: '' });
  const [secret, setSecret] = useState(null);
  const command = useCommand();
  const manage = can(me.role, 'keys:manage');
  const field = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const showSecret = (key) => setSecret({ label: `${key.name} · ${key.accessKeyId}`, value: key.secretAccessKey ?? null });
  const create = (event) => {
    event.preventDefault();
    void command.run(async () => {
      const key = await api(accountPath('/access-keys'), {
        method: 'POST',
        body: {
          name: form.name.trim(),
          permission: form.permission,
          buckets: form.bucket === 'all' ? 'all' : [form.bucket],
          ...(form.expiresOn ? { expiresAt: new Date(`${form.expiresOn}T23:59:59`).toISOString() } : {}),
        },
      });
      showSecret(key);
      setForm({ ...form, name: '' });
      state.reload();
    });
  };
  const revoke = (key) => {
    if (!confirm(t('keys.confirmRevoke', { name: key.name }))) return;
    void command.run(async () => {
      await api(accountPath(`/access-keys/${key.keyId}/revoke`), { method: 'POST', body: {} });
      state.reload();
    });
  };
  const rotate = (key) =>
    void command.run(async () => {
      showSecret(await api(accountPath(`/access-keys/${key.keyId}/rotate`), { method: 'POST', body: {} }));
      state.reload();
    });
  return html`<h1>${t('keys.title')}</h1>
    ${secret && html`<${SecretOnce} label=${secret.label} secret=${secret.value} onDismiss=${() => setSecret(null)} />`}
    <${ErrorBox} error=${command.error} />
    <${Loading} state=${state}>${({ keys, buckets }) => html`
      ${manage &&
      html`<form class="inline" onSubmit=${create} data-testid="create-key">
        <label>${t('keys.name')}<input name="keyName" required maxlength="100" value=${form.name} onInput=${field('name')} /></label>
        <label>${t('keys.permission')}<select name="permission" value=${form.permission} onChange=${field('permission')}>
          ${valuesOf('keyPermission').map((p) => html`<option value=${p}>${tv('keyPermission', p)}</option>`)}
        </select></label>
        <label>${t('keys.buckets')}<select name="bucket" value=${form.bucket} onChange=${field('bucket')}>
          <option value="all">${t('keys.allBuckets')}</option>
          ${buckets.filter((b) => b.status !== 'deleted').map((b) => html`<option value=${b.bucketId}>${b.name}</option>`)}
        </select></label>
        <label>${t('keys.expiresOptional')}<input name="expiresOn" type="date" value=${form.expiresOn} onInput=${field('expiresOn')} /></label>
        <button type="submit" disabled=${command.busy}>${t('keys.create')}</button>
      </form>`}
      <${Table} caption=${t('keys.title')}
        head=${[t('keys.name'), t('keys.accessKeyId'), t('keys.permission'), t('keys.buckets'), t('keys.status'), t('keys.expiresAt'), ...(manage ? [t('actions')] : [])]}
        rows=${keys.map((k) => html`<tr data-testid="key-row">
          <td>${k.name}</td><td><code>${k.accessKeyId}</code></td><td>${tv('keyPermission', k.permission)}</td>
          <td>${k.buckets === 'all' ? t('keys.allBuckets') : k.buckets.map((id) => buckets.find((b) => b.bucketId === id)?.name ?? id).join(', ')}</td>
          <td>${tv('keyStatus', k.status)}</td><td>${formatDate(k.expiresAt)}</td>
          ${manage && html`<td>${k.status === 'active' && html`<div class="actions">
            <button type="button" class="secondary" onClick=${() => rotate(k)} aria-label=${`${t('keys.rotate')} ${k.name}`}>${t('keys.rotate')}</button>
            <button type="button" class="danger" onClick=${() => revoke(k)} aria-label=${`${t('keys.revoke')} ${k.name}`}>${t('keys.revoke')}</button></div>`}</td>`}
        </tr>`)} />`}<//>`;
}
