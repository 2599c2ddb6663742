import type { AuditDescriber } from './audit-description.ts';
import type { PricebookEvent } from '../../domain/pricebook/pricebook-events.ts';

/** "Plan "Pro" (pro) version 2 published, in force from 2026-07, in BRL". */
export function summarizePricebookEvent(event: PricebookEvent): string {
  const { planId, version, name, effectiveFrom, plan } = event.data;
  return `Plan "${name}" (${planId}) version ${version} published, in force from ${effectiveFrom}, in ${plan.currency}`;
}

/**
 * The account audit log is per account, and a price-book event belongs to no account: a plan
 * is the platform's. Its events are therefore no account's business and described as null;
 * what reaches an account's log is its own subscription changing (subscription-audit.ts).
 * Who published a version, and when, stays in the event's metadata (`GET /plans/:planId`
 * shows `publishedAt`).
 */
export const describePricebookEvent: AuditDescriber = () => null;
