import { describe, expect, it } from 'vitest';
import { webhookMessageOf } from '../../src/domain/webhook/webhook-kinds.ts';
import { renderEmail } from '../../src/presentation/email/index.ts';

/** Webhook messages and mails for suspensions, reactivations, voids, replacements and credit notes: each says why. */
const accountId = '6f1d2c3b-0000-4000-8000-000000000001';
const invoiceId = '6f1d2c3b-0000-4000-8000-000000000002';
const parties = { brandName: 'Acme Storage', accountName: 'Padaria Ltda' };

describe('webhook messages', () => {
  it('account.suspended and account.reactivated carry the reason, on the account as subject', () => {
    const suspended = webhookMessageOf({ type: 'AccountSuspended', data: { accountId, reason: 'dunning: INV-2026-000001 overdue 30 days', suspendedAt: '2026-08-10T03:00:01.000Z' } });
    expect(suspended).toEqual({
      kind: 'account.suspended',
      accountId,
      subject: `account:${accountId}`,
      occurredAt: '2026-08-10T03:00:01.000Z',
      data: { accountId, reason: 'dunning: INV-2026-000001 overdue 30 days', suspendedAt: '2026-08-10T03:00:01.000Z' },
    });
    expect(webhookMessageOf({ type: 'AccountReactivated', data: { accountId, reactivatedAt: '2026-08-11T00:00:00.000Z' } }).data).toEqual({ accountId, reason: null, reactivatedAt: '2026-08-11T00:00:00.000Z' });
  });

  it('invoice.voided and credit_note.issued name the invoice; a replacement\'s invoice.issued names what it replaces', () => {
    const voided = webhookMessageOf({
      type: 'InvoiceVoided',
      data: { accountId, period: '2026-06', invoiceId, number: 'INV-2026-000001', total: '57.59', creditApplied: '0.00', currency: 'BRL', reason: 'wrong plan', voidedAt: '2026-07-05T12:00:00.000Z' },
    });
    expect(voided).toMatchObject({ kind: 'invoice.voided', subject: `invoice:${invoiceId}`, data: { number: 'INV-2026-000001', reason: 'wrong plan', total: '57.59' } });
    const credited = webhookMessageOf({
      type: 'CreditNoteIssued',
      data: {
        accountId,
        period: '2026-06',
        invoiceId,
        number: 'INV-2026-000001',
        creditNoteId: 'cn-1',
        amount: '7.59',
        currency: 'BRL',
        reason: 'outage',
        issuedAt: '2026-07-06T12:00:00.000Z',
        appliedAmount: '7.59',
        excessAmount: '0.00',
        amountCreditedAfter: '7.59',
        amountDueAfter: '50.00',
      },
    });
    expect(credited).toMatchObject({ kind: 'credit_note.issued', subject: `invoice:${invoiceId}`, data: { invoiceId, number: 'INV-2026-000001', amount: '7.59', amountDueAfter: '50.00' } });
    const issued = {
      accountId,
      period: '2026-06',
      invoiceId: 'new-id',
      number: 'INV-2026-000002',
      issueDate: '2026-07-06',
      dueDate: '2026-07-16',
      total: '57.59',
      currency: 'BRL',
      digest: 'd',
      issuedAt: '2026-07-06T12:00:00.000Z',
    };
    expect(webhookMessageOf({ type: 'InvoiceIssued', data: issued }).data).not.toHaveProperty('replaces');
    const replacing = webhookMessageOf({ type: 'InvoiceIssued', data: { ...issued, replaces: { invoiceId, number: 'INV-2026-000001', reason: 'wrong plan', voidedAt: '2026-07-05T12:00:00.000Z' } } });
    expect(replacing.data).toMatchObject({ replaces: { invoiceId, number: 'INV-2026-000001', reason: 'wrong plan' } });
  });
});

describe('mails', () => {
  it('say why an account was suspended and reactivated, in each language', () => {
    expect(renderEmail('account_suspended', { ...parties, reason: 'abuse report 42' }, 'pt-BR').text).toContain('Sua conta em Acme Storage foi suspensa.\n\nMotivo: abuse report 42');
    expect(renderEmail('account_reactivated', { ...parties, reason: null }, 'en').text).not.toContain('Reason');
  });

  it('a void says the reason; a credit note what is still due (57.59 − 7.59 = 50.00)', () => {
    expect(renderEmail('invoice_voided', { ...parties, number: 'INV-2026-000001', period: '2026-06', total: '57.59', currency: 'BRL', reason: 'wrong plan' }, 'pt-BR').text).toContain(
      'A fatura INV-2026-000001, de junho de 2026, no valor de R$ 57,59, foi cancelada. Uma nova fatura substituirá esta.\n\nMotivo: wrong plan',
    );
    const credit = renderEmail('credit_note_issued', { ...parties, number: 'INV-2026-000001', amount: '7.59', currency: 'BRL', reason: 'outage', excessAmount: '0.00', amountDueAfter: '50.00' }, 'en').text;
    expect(credit).toContain('We issued a credit note of BRL 7.59 on invoice INV-2026-000001.');
    expect(credit).toContain('Still due on this invoice: BRL 50.00.');
  });

  it('an invoice issued in place of a voided one says which, and why', () => {
    const text = renderEmail(
      'invoice_issued',
      { ...parties, number: 'INV-2026-000002', period: '2026-06', issueDate: '2026-07-06', dueDate: '2026-07-16', currency: 'BRL', lines: [], subtotal: '0.00', tax: '0.00', creditApplied: '0.00', total: '0.00', replaces: { number: 'INV-2026-000001', reason: 'wrong plan' } },
      'pt-BR',
    ).text;
    expect(text).toContain('Esta fatura substitui a fatura INV-2026-000001, cancelada. Motivo: wrong plan');
  });
});

describe('payment reversed', () => {
  // 60.00 paid on 57.59 (2.41 credit), reversed: 57.59 due again, the 2.41 taken off the credit
  const reversed = {
    accountId,
    period: '2026-06',
    invoiceId,
    number: 'INV-2026-000001',
    paymentId: 'p-1',
    externalRef: 'E2E-1',
    amount: '60.00',
    currency: 'BRL',
    reason: 'chargeback',
    reversedAt: '2026-07-20T12:00:00.000Z',
    appliedAmount: '57.59',
    excessAmount: '2.41',
    amountPaidAfter: '0.00',
    amountDueAfter: '57.59',
    reopened: true,
  };

  it('is the webhook kind payment.reversed, on the invoice, saying what is due again', () => {
    expect(webhookMessageOf({ type: 'PaymentReversed', data: reversed })).toEqual({
      kind: 'payment.reversed',
      accountId,
      subject: `invoice:${invoiceId}`,
      occurredAt: '2026-07-20T12:00:00.000Z',
      data: { paymentId: 'p-1', invoiceId, number: 'INV-2026-000001', externalRef: 'E2E-1', amount: '60.00', currency: 'BRL', reason: 'chargeback', reversedAt: '2026-07-20T12:00:00.000Z', appliedAmount: '57.59', excessAmount: '2.41', amountDueAfter: '57.59', reopened: true },
    });
  });

  it('is mailed in the account\'s locale with the reason, the credit taken back and what is due', () => {
    const input = { ...parties, number: 'INV-2026-000001', externalRef: 'E2E-1', amount: '60.00', currency: 'BRL', reason: 'chargeback', excessAmount: '2.41', amountDueAfter: '57.59' };
    const pt = renderEmail('payment_reversed', input, 'pt-BR').text;
    expect(pt).toContain('O pagamento de R$ 60,00 (E2E-1) registrado na fatura INV-2026-000001 foi estornado');
    expect(pt).toContain('Motivo: chargeback');
    expect(pt).toContain('R$ 2,41 que esse pagamento havia deixado como crédito');
    expect(pt).toContain('Valor ainda em aberto desta fatura: R$ 57,59.');
    const en = renderEmail('payment_reversed', input, 'en').text;
    expect(en).toContain('The payment of BRL 60.00 (E2E-1) recorded on invoice INV-2026-000001 was reversed');
    expect(en).toContain('Still due on this invoice: BRL 57.59.');
  });
});
