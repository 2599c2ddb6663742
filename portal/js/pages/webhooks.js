import { useState } from 'preact/hooks';
import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, SecretOnce, Table, useCommand, useLoad } from '../components.js';
import { formatDate, t, tv, valuesOf } from '../i18n.js';

/** One webhook's deliveries, each with every try, and a way to send one again. */
function Deliveries({ webhook }) {
  const state = useLoad(() => allPages(accountPath(`/webhooks/${webhook.webhookId}/deliveries`), 200), [webhook.webhookId]);
  const [requested, setRequested] = useState(null);
  const command = useCommand();
  const redeliver = (delivery) =>
    void command.run(async () => {
      await api(accountPath(`/webhooks/${webhook.webhookId}/deliveries/${delivery.deliveryId}/redeliver`), { method: 'POST' });
      setRequested(delivery.deliveryId);
      state.reload();
    });
  return html`<section class="panel" aria-labelledby="deliveries-title" data-testid="deliveries">
    <h2 id="deliveries-title">${t('webhooks.deliveriesOf', { url: webhook.url })}</h2>
    <${ErrorBox} error=${command.error} />
    ${requested && html`<p class="notice" role="status">${t('webhooks.redeliveryRequested', { id: requested })}</p>`}
    <${Loading} state=${state}>${(deliveries) => html`<${Table} caption=${t('webhooks.deliveries')}
      head=${[t('webhooks.scheduledAt'), t('webhooks.kind'), t('webhooks.status'), t('webhooks.attempts'), ...(webhook.status === 'active' ? [t('actions')] : [])]}
      rows=${deliveries.map((d) => html`<tr data-testid="delivery-row">
        <td>${formatDate(d.scheduledAt)}<div class="explanation"><code>${d.deliveryId}</code></div></td>
        <td>${tv('webhookKind', d.kind)}</td>
        <td>${tv('deliveryStatus', d.status)}${d.abandonedReason ? html`<div class="explanation">${d.abandonedReason}</div>` : ''}</td>
        <td>${d.attempts.length === 0 ? '—' : html`<ol class="attempts">${d.attempts.map((a) => html`<li>
          ${formatDate(a.attemptedAt)}: ${a.statusCode === null ? t('webhooks.noAnswer') : `HTTP ${a.statusCode}`}, ${a.latencyMs} ms${a.error ? html`<div class="explanation">${a.error}</div>` : ''}
        </li>`)}</ol>`}</td>
        ${webhook.status === 'active' && html`<td><button type="button" class="secondary" onClick=${() => redeliver(d)} aria-label=${`${t('webhooks.redeliver')} ${d.deliveryId}`}>${t('webhooks.redeliver')}</button></td>`}
      </tr>`)} empty=${t('webhooks.noDeliveries')} />`}<//>
  </section>`;
}

export function WebhooksPage() {
  const state = useLoad(() => api(accountPath('/webhooks')).then((page) => page.items));
  const [form, setForm] = useState({ url: 'https://', kinds: [] });
  const [secret, setSecret] = useState(null);
  const [shown, setShown] = useState(null);
  const command = useCommand();
  const toggleKind = (kind) => setForm({ ...form, kinds: form.kinds.includes(kind) ? form.kinds.filter((k) => k !== kind) : [...form.kinds, kind] });
  const register = (event) => {
    event.preventDefault();
    void command.run(async () => {
      // in the API's order, whatever order they were ticked in
      const kinds = valuesOf('webhookKind').filter((kind) => form.kinds.includes(kind));
      const webhook = await api(accountPath('/webhooks'), { method: 'POST', body: { url: form.url.trim(), kinds } });
      setSecret({ label: webhook.url, value: webhook.signingSecret ?? null });
      setForm({ url: 'https://', kinds: [] });
      state.reload();
    });
  };
  const remove = (webhook) => {
    if (!confirm(t('webhooks.confirmDelete', { url: webhook.url }))) return;
    void command.run(async () => {
      await api(accountPath(`/webhooks/${webhook.webhookId}`), { method: 'DELETE' });
      state.reload();
    });
  };
  return html`<h1>${t('webhooks.title')}</h1>
    <p>${t('webhooks.lead')}</p>
    ${secret && html`<${SecretOnce} label=${secret.label} secret=${secret.value} warning=${t('secret.warningWebhook')} onDismiss=${() => setSecret(null)} />`}
    <${ErrorBox} error=${command.error} />
    <form onSubmit=${register} data-testid="register-webhook" class="stacked">
      <label>${t('webhooks.url')}<input name="webhookUrl" type="url" required maxlength="2000" value=${form.url} onInput=${(e) => setForm({ ...form, url: e.currentTarget.value })} /></label>
      <fieldset>
        <legend>${t('webhooks.kinds')}</legend>
        <div class="checks">${valuesOf('webhookKind').map((kind) => html`<label class="check"><input type="checkbox" name="kind" value=${kind} checked=${form.kinds.includes(kind)} onChange=${() => toggleKind(kind)} /> ${tv('webhookKind', kind)}</label>`)}</div>
      </fieldset>
      <div class="actions"><button type="submit" disabled=${command.busy || form.kinds.length === 0}>${t('webhooks.register')}</button></div>
    </form>
    <${Loading} state=${state}>${(webhooks) => {
      const open = shown && webhooks.find((w) => w.webhookId === shown);
      return html`<${Table} caption=${t('webhooks.title')}
        head=${[t('webhooks.url'), t('webhooks.kinds'), t('webhooks.status'), t('webhooks.registeredAt'), t('actions')]}
        rows=${webhooks.map((w) => html`<tr data-testid="webhook-row">
          <td><code>${w.url}</code></td>
          <td>${w.kinds.map((kind) => tv('webhookKind', kind)).join(', ')}</td>
          <td>${tv('webhookStatus', w.status)}${w.removedAt ? html`<div class="explanation">${formatDate(w.removedAt)}</div>` : ''}</td>
          <td>${formatDate(w.registeredAt)}</td>
          <td><div class="actions">
            <button type="button" class="secondary" onClick=${() => setShown(w.webhookId)} aria-label=${`${t('webhooks.deliveries')} ${w.url}`}>${t('webhooks.deliveries')}</button>
            ${w.status === 'active' && html`<button type="button" class="danger" onClick=${() => remove(w)} aria-label=${`${t('webhooks.delete')} ${w.url}`}>${t('webhooks.delete')}</button>`}
          </div></td>
        </tr>`)} />
        ${open && html`<${Deliveries} key=${open.webhookId} webhook=${open} />`}`;
    }}<//>`;
}
