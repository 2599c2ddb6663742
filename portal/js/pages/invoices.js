import { accountPath, allPages, api, download } from '../api.js';
import { ErrorBox, html, Loading, Table, useCommand, useLoad } from '../components.js';
import { formatDate, formatMoney, formatNumber, t, tv } from '../i18n.js';

export function InvoicesPage() {
  const state = useLoad(async () => {
    const [invoices, balance] = await Promise.all([allPages(accountPath('/invoices'), 200), api(accountPath('/balance'))]);
    return { invoices, balance };
  });
  return html`<h1>${t('invoices.title')}</h1>
    <${Loading} state=${state}>${({ invoices, balance }) => {
      const due = new Map(balance.openInvoices.map((open) => [open.invoiceId, open.amountDue]));
      return html`
        <p>${t('invoices.balance', { amount: formatMoney(balance.amountDue, balance.currency), credit: formatMoney(balance.creditAvailable, balance.currency) })}</p>
        <${Table} caption=${t('invoices.title')}
          head=${[t('invoices.number'), t('invoices.period'), t('invoices.status'), t('invoices.dueDate'), { label: t('invoices.total'), num: true }, { label: t('invoices.amountDue'), num: true }]}
          rows=${invoices.map((invoice) => html`<tr data-testid="invoice-row">
            <td><a href=${`/portal/invoices/${invoice.invoiceId}`}>${invoice.number ?? t('invoice.draft')}</a></td>
            <td>${invoice.period}</td>
            <td class=${`status-${invoice.status}`}>${tv('invoiceStatus', invoice.status)}</td>
            <td>${formatDate(invoice.dueDate)}</td>
            <td class="num">${formatMoney(invoice.total, invoice.currency)}</td>
            <td class="num">${formatMoney(due.get(invoice.invoiceId) ?? (invoice.status === 'issued' || invoice.status === 'overdue' ? invoice.total : '0'), invoice.currency)}</td>
          </tr>`)} />`;
    }}<//>`;
}

export function InvoicePage({ invoiceId, print, me }) {
  const state = useLoad(async () => {
    const base = accountPath(`/invoices/${invoiceId}`);
    const [invoice, explanation, payments, creditNotes] = await Promise.all([
      api(base),
      api(`${base}/explanation`),
      allPages(`${base}/payments`, 200),
      allPages(`${base}/credit-notes`, 200),
    ]);
    return { invoice, explanation, payments, creditNotes };
  }, [invoiceId]);
  const exporting = useCommand();
  // the API's own exports (GET /invoices/:id by Accept): the same rows and words as its CSV and PDF everywhere
  const exportAs = (accept, extension, invoice) =>
    void exporting.run(() => download(`/invoices/${invoiceId}`, accept, `${invoice.number ?? invoice.invoiceId}.${extension}`));
  return html`<${Loading} state=${state}>${({ invoice, explanation, payments, creditNotes }) => {
    const money = (amount) => formatMoney(amount, invoice.currency);
    return html`<article class=${print ? 'print' : ''} data-testid="invoice">
      <h1>${t('invoice.title', { number: invoice.number ?? t('invoice.draft') })}</h1>
      ${print && html`<p>${me.account.name} · ${me.account.document.formatted}</p>`}
      <p>${t('invoices.period')}: ${invoice.period} · ${t('invoices.status')}: <span class=${`status-${invoice.status}`}>${tv('invoiceStatus', invoice.status)}</span>
        · ${t('invoice.issueDate')}: ${formatDate(invoice.issueDate)} · ${t('invoices.dueDate')}: ${formatDate(invoice.dueDate)}</p>
      <div class="actions no-print">
        <a href="/portal/invoices">${t('invoice.back')}</a>
        <button type="button" class="secondary" data-testid="download-csv" onClick=${() => exportAs('text/csv', 'csv', invoice)}>${t('invoice.csv')}</button>
        <button type="button" class="secondary" data-testid="download-pdf" onClick=${() => exportAs('application/pdf', 'pdf', invoice)}>${t('invoice.pdf')}</button>
        ${print ? html`<button type="button" onClick=${() => window.print()}>${t('invoice.printNow')}</button>` : html`<a href=${`/portal/invoices/${invoiceId}/print`}>${t('invoice.print')}</a>`}
      </div>
      <${ErrorBox} error=${exporting.error} />
      <h2>${t('invoice.lines')}</h2>
      <${Table} caption=${t('invoice.lines')} head=${[t('invoice.kind'), { label: t('invoice.quantity'), num: true }, { label: t('invoice.amount'), num: true }]}
        rows=${invoice.lines.map((line, index) => html`<tr data-testid="invoice-line">
          <td>${tv('lineKind', line.kind)}<div class="explanation">${explanation.lines[index]?.explanation ?? line.explanation}</div></td>
          <td class="num">${formatNumber(line.quantity, 6)} ${tv('unit', line.unit)}</td>
          <td class="num">${money(line.amount)}</td>
        </tr>`)} />
      <table class="totals">
        <tbody>
          <tr><th scope="row">${t('invoice.subtotal')}</th><td class="num">${money(invoice.subtotal)}</td></tr>
          <tr><th scope="row">${t('invoice.tax')}</th><td class="num">${money(invoice.tax)}</td></tr>
          <tr><th scope="row">${t('invoice.credit')}</th><td class="num">${money(invoice.creditApplied)}</td></tr>
          <tr><th scope="row">${t('invoice.total')}</th><td class="num"><strong>${money(invoice.total)}</strong></td></tr>
        </tbody>
      </table>
      <h2>${t('invoice.computed')}</h2>
      <div data-testid="explanation">${explanation.header.map((paragraph) => html`<p class="explanation">${paragraph}</p>`)}<p class="explanation">${explanation.totals}</p></div>
      <h2>${t('invoice.payments')}</h2>
      <${Table} caption=${t('invoice.payments')} head=${[t('invoice.receivedAt'), t('invoice.method'), t('invoice.reference'), { label: t('invoice.amount'), num: true }]}
        rows=${payments.map((p) => html`<tr><td>${formatDate(p.receivedAt)}</td><td>${tv('paymentMethod', p.method)}</td><td>${p.externalRef}</td><td class="num">${money(p.amount)}</td></tr>`)} />
      <h2>${t('invoice.creditNotes')}</h2>
      <${Table} caption=${t('invoice.creditNotes')} head=${[t('invoice.issuedAt'), t('invoice.reason'), { label: t('invoice.amount'), num: true }]}
        rows=${creditNotes.map((c) => html`<tr><td>${formatDate(c.issuedAt)}</td><td>${c.reason}</td><td class="num">${money(c.amount)}</td></tr>`)} />
    </article>`;
  }}<//>`;
}
