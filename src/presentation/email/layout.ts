import type { EmailLocale } from './email-kinds.ts';
import { html, type Html } from './html.ts';

/** The frame every HTML message shares: the brand on top, the body, a footer that says who sent it. */
export function emailLayout(options: { locale: EmailLocale; brandName: string; title: string; body: Html }): string {
  const { locale, brandName, title, body } = options;
  const footer =
    locale === 'en'
      ? html`This message was sent by ${brandName}. Please do not reply to it; contact us through the portal.`
      : html`Esta mensagem foi enviada por ${brandName}. Não responda a ela; fale conosco pelo portal.`;
  return html`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933">
<div style="max-width:640px;margin:0 auto;background:#ffffff;padding:24px;border-radius:6px">
<p style="margin:0 0 16px;font-size:18px;font-weight:bold">${brandName}</p>
${body}
<p style="margin:24px 0 0;font-size:12px;color:#616e7c">${footer}</p>
</div>
</body>
</html>
`.value;
}

/** The table of lines and totals an invoice email and its attachment both show. */
export function linesTable(options: {
  headers: [string, string, string];
  rows: { description: string; quantity: string; amount: string }[];
  totals: { label: string; amount: string; strong?: boolean }[];
}): Html {
  const cell = 'padding:6px 8px;border-bottom:1px solid #e4e7eb';
  return html`<table style="width:100%;border-collapse:collapse;font-size:14px">
<thead><tr><th style="${cell};text-align:left">${options.headers[0]}</th><th style="${cell};text-align:right">${options.headers[1]}</th><th style="${cell};text-align:right">${options.headers[2]}</th></tr></thead>
<tbody>
${options.rows.map((r) => html`<tr><td style="${cell}">${r.description}</td><td style="${cell};text-align:right">${r.quantity}</td><td style="${cell};text-align:right">${r.amount}</td></tr>
`)}</tbody>
<tfoot>
${options.totals.map((t) => html`<tr><td colspan="2" style="padding:6px 8px;text-align:right">${t.strong ? html`<strong>${t.label}</strong>` : t.label}</td><td style="padding:6px 8px;text-align:right">${t.strong ? html`<strong>${t.amount}</strong>` : t.amount}</td></tr>
`)}</tfoot>
</table>`;
}
