import type { z } from 'zod';
import type { FieldIssue } from '../../domain/errors.ts';

/**
 * A domain field rule run by zod, field by field: one bad request lists every bad field at
 * once, and the rule itself lives in one place, in src/domain.
 */
export function rule<T>(check: (value: T, path: string, issues: FieldIssue[]) => unknown) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const issues: FieldIssue[] = [];
    check(value, '', issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message });
  };
}
