import type { Projection } from '../projection.ts';
import { accountQuotasProjection } from './account-quotas-projection.ts';
import { quotaRequestsProjection } from './quota-requests-projection.ts';

export const quotaProjections: Projection[] = [accountQuotasProjection, quotaRequestsProjection];
