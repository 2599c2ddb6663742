import { describe, expect, it } from 'vitest';
import {
  EMAIL_KINDS,
  EMAIL_LOCALES,
  renderEmail,
  type EmailInputs,
  type EmailKind,
  type InvoiceIssuedInput,
  type InvoiceLineInput,
} from '../../../src/presentation/email/index.ts';
import type { RatedLine } from '../../../src/domain/rating/rate-invoice.ts';

/**
 * Every message kind in both languages: exact subjects, figures as each language writes
 * money, and HTML that shows a hostile account name as text.
 */
const HOSTILE = 'Padaria <script>alert(1)</script> & "Filhos"';
const ESCAPED = 'Padaria &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Filhos&quot;';
const parties = { brandName: 'Acme <Storage>', accountName: HOSTILE };

// 22.50 + 20.00 + 12.35 = 54.85; tax 2.74; 54.85 + 2.74 = 57.59
const invoice: InvoiceIssuedInput = {
  ...parties,
  number: 'INV-2026-000001',
  period: '2026-06',
  issueDate: '2026-07-01',
  dueDate: '2026-07-10',
  currency: 'BRL',
  lines: [
    { kind: 'monthly_fee', planId: 'pro', quantity: '1', unit: 'month', amount: '22.50' },
    { kind: 'storage_gib_month', planId: 'pro', quantity: '1234.56789', unit: 'GiB-month', amount: '20.00' },
    { kind: 'egress_gib', planId: 'pro', quantity: '123.5', unit: 'GiB', amount: '12.35' },
  ],
  subtotal: '54.85',
  tax: '2.74',
  creditApplied: '0.00',
  total: '57.59',
};

const inputs: EmailInputs = {
  invoice_issued: invoice,
  // 60.00 paid on 57.59 due: 2.41 becomes credit, nothing left due
  payment_received: {
    ...parties,
    timeZone: 'America/Sao_Paulo',
    number: 'INV-2026-000001',
    currency: 'BRL',
    amount: '60.00',
    method: 'pix',
    receivedAt: '2026-07-08T13:45:00Z',
    excessAmount: '2.41',
    amountDueAfter: '0.00',
  },
  payment_reminder: { ...parties, number: 'INV-2026-000001', dueDate: '2026-07-10', day: 7, amountDue: '57.59', currency: 'BRL' },
  // 86,000,000,000 B / 1,073,741,824 B/GiB = 80.0936… GiB
  quota_warning: { ...parties, timeZone: 'America/Sao_Paulo', threshold: 80, usedBytes: '86000000000', quotaGiB: 100, measuredAt: '2026-07-08T13:45:00Z' },
  invitation: {
    ...parties,
    timeZone: 'America/Sao_Paulo',
    email: 'ana@padaria.com.br',
    role: 'billing',
    expiresAt: '2026-07-15T13:45:00Z',
    acceptBaseUrl: 'https://portal.acme.example/',
    token: 'cpi_abc_DEF+/=',
  },
  account_suspended: { ...parties, reason: 'dunning: INV-2026-000001 overdue 30 days' },
  account_reactivated: { ...parties, reason: 'dunning: nothing is overdue any more' },
  invoice_voided: { ...parties, number: 'INV-2026-000001', period: '2026-06', total: '57.59', currency: 'BRL', reason: 'wrong plan' },
  // 20.00 credited on 57.59 with nothing paid: 37.59 still due
  credit_note_issued: { ...parties, number: 'INV-2026-000001', amount: '20.00', currency: 'BRL', reason: 'outage in June', excessAmount: '0.00', amountDueAfter: '37.59' },
  // 60.00 on 57.59 reversed: 57.59 due again, the 2.41 credit taken back
  payment_reversed: { ...parties, number: 'INV-2026-000001', externalRef: 'E2E-1', amount: '60.00', currency: 'BRL', reason: 'chargeback', excessAmount: '2.41', amountDueAfter: '57.59' },
};

const SUBJECTS: Record<EmailKind, Record<'pt-BR' | 'en', string>> = {
  invoice_issued: { 'pt-BR': 'Fatura INV-2026-000001: R$ 57,59, vencimento em 10/07/2026', en: 'Invoice INV-2026-000001: BRL 57.59, due Jul 10, 2026' },
  payment_received: { 'pt-BR': 'Pagamento recebido: fatura INV-2026-000001, R$ 60,00', en: 'Payment received: invoice INV-2026-000001, BRL 60.00' },
  payment_reminder: { 'pt-BR': 'Fatura INV-2026-000001 em atraso há 7 dias: R$ 57,59 em aberto', en: 'Invoice INV-2026-000001 is 7 days overdue: BRL 57.59 due' },
  quota_warning: { 'pt-BR': 'Você usou 80% da sua cota de armazenamento', en: 'You have used 80% of your storage quota' },
  invitation: {
    'pt-BR': `Convite para a conta ${HOSTILE} em Acme <Storage>`,
    en: `You are invited to join ${HOSTILE} on Acme <Storage>`,
  },
  account_suspended: { 'pt-BR': 'Sua conta em Acme <Storage> foi suspensa', en: 'Your Acme <Storage> account was suspended' },
  account_reactivated: { 'pt-BR': 'Sua conta em Acme <Storage> foi reativada', en: 'Your Acme <Storage> account was reactivated' },
  invoice_voided: { 'pt-BR': 'Fatura INV-2026-000001 cancelada', en: 'Invoice INV-2026-000001 voided' },
  credit_note_issued: { 'pt-BR': 'Nota de crédito de R$ 20,00 na fatura INV-2026-000001', en: 'Credit note of BRL 20.00 on invoice INV-2026-000001' },
  payment_reversed: { 'pt-BR': 'Pagamento de R$ 60,00 da fatura INV-2026-000001 estornado', en: 'Payment of BRL 60.00 on invoice INV-2026-000001 reversed' },
};

describe.each(EMAIL_KINDS)('%s', (kind) => {
  it.each(EMAIL_LOCALES)('has its subject in %s', (locale) => {
    expect(renderEmail(kind, inputs[kind] as never, locale).subject).toBe(SUBJECTS[kind][locale]);
  });

  it.each(EMAIL_LOCALES)('escapes every interpolated value in the %s HTML, and names the brand it is given', (locale) => {
    const { html, attachments } = renderEmail(kind, inputs[kind] as never, locale);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<Storage>');
    expect(html).toContain('Acme &lt;Storage&gt;');
    expect(html).toContain(`<html lang="${locale}">`);
    expect(html).toContain(ESCAPED);
    for (const a of attachments) expect(a.content).not.toContain('<script>');
  });

  it('is the same message every time for the same input (pure)', () => {
    expect(renderEmail(kind, inputs[kind] as never, 'pt-BR')).toEqual(renderEmail(kind, inputs[kind] as never, 'pt-BR'));
  });
});

describe('invoice_issued', () => {
  it('lists every line and the totals in pt-BR', () => {
    const { text } = renderEmail('invoice_issued', invoice, 'pt-BR');
    expect(text).toContain('A fatura INV-2026-000001 de Acme <Storage>, referente a junho de 2026, foi emitida em 01/07/2026 e vence em 10/07/2026.');
    expect(text).toContain(
      [
        'Itens:',
        '- Mensalidade (plano pro), 1 mês: R$ 22,50',
        '- Armazenamento, 1.234,568 GiB-mês: R$ 20,00',
        '- Tráfego de saída, 123,5 GiB: R$ 12,35',
        '',
        'Subtotal: R$ 54,85',
        'Impostos: R$ 2,74',
        'Total: R$ 57,59',
      ].join('\n'),
    );
  });

  it('lists every line and the totals in English, with the currency code', () => {
    const { text } = renderEmail('invoice_issued', invoice, 'en');
    expect(text).toContain('Invoice INV-2026-000001 from Acme <Storage>, for June 2026, was issued on Jul 1, 2026 and is due on Jul 10, 2026.');
    expect(text).toContain(
      [
        'Items:',
        '- Monthly fee (plan pro), 1 month: BRL 22.50',
        '- Storage, 1,234.568 GiB-month: BRL 20.00',
        '- Egress (data out), 123.5 GiB: BRL 12.35',
        '',
        'Subtotal: BRL 54.85',
        'Tax: BRL 2.74',
        'Total: BRL 57.59',
      ].join('\n'),
    );
  });

  it('shows credit taken off the total, and only when there is some', () => {
    // 54.85 + 2.74 − 10.00 credit = 47.59
    const withCredit = { ...invoice, creditApplied: '10.00', total: '47.59' };
    expect(renderEmail('invoice_issued', withCredit, 'pt-BR').text).toContain('Impostos: R$ 2,74\nCrédito aplicado: -R$ 10,00\nTotal: R$ 47,59');
    expect(renderEmail('invoice_issued', withCredit, 'en').text).toContain('Tax: BRL 2.74\nCredit applied: -BRL 10.00\nTotal: BRL 47.59');
    expect(renderEmail('invoice_issued', invoice, 'pt-BR').text).not.toContain('Crédito');
  });

  it('attaches the invoice as an HTML document named after its number, with its lines and totals', () => {
    for (const locale of EMAIL_LOCALES) {
      const { attachments } = renderEmail('invoice_issued', invoice, locale);
      expect(attachments).toHaveLength(1);
      expect(attachments[0]!.filename).toBe('INV-2026-000001.html');
      expect(attachments[0]!.contentType).toBe('text/html; charset=utf-8');
    }
    const document = renderEmail('invoice_issued', invoice, 'pt-BR').attachments[0]!.content;
    expect(document).toMatch(/^<!doctype html>/);
    expect(document).toContain('<h1 style="font-size:22px">Fatura INV-2026-000001</h1>');
    expect(document).toContain(`<td>${ESCAPED}</td>`);
    expect(document).toContain('<td>10/07/2026</td>');
    for (const cell of ['Mensalidade (plano pro)', 'R$ 22,50', '1.234,568 GiB-mês', 'R$ 20,00', 'R$ 12,35', 'R$ 54,85', 'R$ 2,74', '<strong>R$ 57,59</strong>']) {
      expect(document).toContain(cell);
    }
  });

  it('names adjustment and true-up lines by what they adjust', () => {
    const lines: InvoiceLineInput[] = [
      { kind: 'adjustment', adjusts: { period: '2026-05', kind: 'egress_gib' }, quantity: '-2.5', unit: 'GiB', amount: '-0.25' },
      { kind: 'minimum_true_up', quantity: '1', unit: 'minimum', amount: '5.00' },
    ];
    const pt = renderEmail('invoice_issued', { ...invoice, lines }, 'pt-BR').text;
    expect(pt).toContain('- Ajuste de maio de 2026: Tráfego de saída, -2,5 GiB: -R$ 0,25');
    expect(pt).toContain('- Complemento do valor mínimo mensal: R$ 5,00');
    const en = renderEmail('invoice_issued', { ...invoice, lines }, 'en').text;
    expect(en).toContain('- Adjustment for May 2026: Egress (data out), -2.5 GiB: -BRL 0.25');
    expect(en).toContain('- Monthly minimum true-up: BRL 5.00');
  });

  it("takes the rating engine's lines as they are", () => {
    // compile-time: a RatedLine is an InvoiceLineInput
    const accepts = (line: RatedLine): InvoiceLineInput => line;
    expect(accepts).toBeTypeOf('function');
  });
});

describe('payment_received', () => {
  it('says what arrived, when in the account zone, what became credit and that the invoice is paid', () => {
    // 13:45 UTC is 10:45 in São Paulo (UTC−3)
    const pt = renderEmail('payment_received', inputs.payment_received, 'pt-BR').text;
    expect(pt).toContain('Recebemos R$ 60,00 via Pix em 08/07/2026, 10:45 (America/Sao_Paulo), referente à fatura INV-2026-000001.');
    expect(pt).toContain('R$ 2,41 excederam o valor em aberto e ficaram como crédito na sua conta, abatido da próxima fatura.');
    expect(pt).toContain('A fatura INV-2026-000001 está quitada. Obrigado!');
    const en = renderEmail('payment_received', inputs.payment_received, 'en').text;
    expect(en).toContain('We received BRL 60.00 by Pix on Jul 8, 2026, 10:45 AM (America/Sao_Paulo) for invoice INV-2026-000001.');
    expect(en).toContain('BRL 2.41 was more than the amount due and is now credit on your account, taken off your next invoice.');
    expect(en).toContain('Invoice INV-2026-000001 is paid in full. Thank you!');
  });

  it('says what is still due after a partial payment, on the local date (02:30 UTC is the evening before)', () => {
    // 57.59 − 30.00 = 27.59 still due
    const partial = { ...inputs.payment_received, amount: '30.00', method: 'transfer' as const, receivedAt: '2026-07-09T02:30:00Z', excessAmount: '0.00', amountDueAfter: '27.59' };
    const pt = renderEmail('payment_received', partial, 'pt-BR').text;
    expect(pt).toContain('Recebemos R$ 30,00 via transferência bancária em 08/07/2026, 23:30 (America/Sao_Paulo)');
    expect(pt).toContain('Ainda resta pagar R$ 27,59 desta fatura.');
    expect(pt).not.toContain('crédito');
    expect(renderEmail('payment_received', partial, 'en').text).toContain('BRL 27.59 of this invoice is still due.');
  });
});

describe('payment_reminder', () => {
  const reminder = (day: number) => ({ ...inputs.payment_reminder, day });

  it('counts the days overdue, one day in the singular', () => {
    expect(renderEmail('payment_reminder', reminder(1), 'pt-BR').subject).toBe('Fatura INV-2026-000001 em atraso há 1 dia: R$ 57,59 em aberto');
    expect(renderEmail('payment_reminder', reminder(1), 'en').subject).toBe('Invoice INV-2026-000001 is 1 day overdue: BRL 57.59 due');
    expect(renderEmail('payment_reminder', reminder(14), 'pt-BR').subject).toBe('Fatura INV-2026-000001 em atraso há 14 dias: R$ 57,59 em aberto');
    expect(renderEmail('payment_reminder', reminder(7), 'pt-BR').text).toContain(
      'A fatura INV-2026-000001 de Acme <Storage> venceu em 10/07/2026 e está em atraso há 7 dias.\n\nValor em aberto: R$ 57,59.',
    );
    expect(renderEmail('payment_reminder', reminder(7), 'en').text).toContain('Invoice INV-2026-000001 from Acme <Storage> was due on Jul 10, 2026 and is 7 days overdue.\n\nAmount due: BRL 57.59.');
  });

  it('warns of suspension from day 14 only', () => {
    expect(renderEmail('payment_reminder', reminder(7), 'pt-BR').text).not.toContain('suspenso');
    expect(renderEmail('payment_reminder', reminder(14), 'pt-BR').text).toContain('Se a fatura continuar em aberto, o serviço poderá ser suspenso.');
    expect(renderEmail('payment_reminder', reminder(7), 'en').text).not.toContain('suspended');
    expect(renderEmail('payment_reminder', reminder(14), 'en').text).toContain('If the invoice remains unpaid, the service may be suspended.');
  });

  it('refuses a day that is not a whole number from 1', () => {
    expect(() => renderEmail('payment_reminder', reminder(0), 'en')).toThrow(RangeError);
    expect(() => renderEmail('payment_reminder', reminder(1.5), 'en')).toThrow(RangeError);
  });
});

describe('quota_warning', () => {
  it('shows the usage in GiB, computed exactly from bytes, and the measuring time in the account zone', () => {
    expect(renderEmail('quota_warning', inputs.quota_warning, 'pt-BR').text).toContain(`Em 08/07/2026, 10:45 (America/Sao_Paulo), a conta ${HOSTILE} usava 80,09 GiB dos 100 GiB da sua cota.`);
    expect(renderEmail('quota_warning', inputs.quota_warning, 'en').text).toContain(`On Jul 8, 2026, 10:45 AM (America/Sao_Paulo), account ${HOSTILE} was using 80.09 GiB of its 100 GiB quota.`);
  });

  it('says the quota is reached at 100%', () => {
    // 2^50 B = 2^20 GiB = 1,048,576 GiB exactly
    const full = { ...inputs.quota_warning, threshold: 100 as const, usedBytes: '1125899906842624', quotaGiB: 1048576 };
    expect(renderEmail('quota_warning', full, 'pt-BR').subject).toBe('Sua cota de armazenamento foi atingida');
    expect(renderEmail('quota_warning', full, 'en').subject).toBe('Your storage quota has been reached');
    expect(renderEmail('quota_warning', full, 'pt-BR').text).toContain('usava 1.048.576,00 GiB dos 1.048.576 GiB da sua cota.');
    expect(renderEmail('quota_warning', full, 'en').text).toContain('The quota has been reached.');
  });
});

describe('invitation', () => {
  it('links to the acceptance page with the token in the fragment, and says the role and the expiry', () => {
    const link = 'https://portal.acme.example/invitations/accept#token=cpi_abc_DEF%2B%2F%3D';
    const pt = renderEmail('invitation', inputs.invitation, 'pt-BR');
    expect(pt.text).toContain(`Você recebeu um convite para participar da conta ${HOSTILE} em Acme <Storage>, com o papel financeiro.`);
    expect(pt.text).toContain(`Para aceitar o convite, abra o link abaixo:\n${link}\n`);
    expect(pt.text).toContain('O convite foi enviado para ana@padaria.com.br e vale até 15/07/2026, 10:45 (America/Sao_Paulo).');
    expect(pt.html).toContain(`<a href="${link}"`);
    const en = renderEmail('invitation', inputs.invitation, 'en');
    expect(en.text).toContain(`with the billing role.`);
    expect(en.text).toContain('is valid until Jul 15, 2026, 10:45 AM (America/Sao_Paulo).');
  });

  it('escapes the link in the HTML attribute and refuses a base URL that is not http(s)', () => {
    const quoted = renderEmail('invitation', { ...inputs.invitation, token: 'a"b<c' }, 'en');
    expect(quoted.html).toContain('href="https://portal.acme.example/invitations/accept#token=a%22b%3Cc"');
    expect(() => renderEmail('invitation', { ...inputs.invitation, acceptBaseUrl: 'javascript:alert(1)' }, 'en')).toThrow(TypeError);
    expect(() => renderEmail('invitation', { ...inputs.invitation, acceptBaseUrl: 'https://portal.acme.example/?x=1' }, 'en')).toThrow(TypeError);
  });
});

describe('renderEmail', () => {
  it('refuses a language it has no templates for', () => {
    expect(() => renderEmail('invoice_issued', invoice, 'fr' as never)).toThrow(/no templates in fr/);
  });
  it('keeps a subject on one line whatever the names hold', () => {
    const subject = renderEmail('invitation', { ...inputs.invitation, accountName: 'Evil\r\nBcc: victim@example.com' }, 'en').subject;
    expect(subject).toBe('You are invited to join Evil Bcc: victim@example.com on Acme <Storage>');
  });
});
