import { z } from 'zod';
import {
  ACCOUNT_SEARCH_SLUG,
  ACCOUNT_SEARCH_TEXT,
  ACCOUNT_STATUSES,
  checkDocumentSearch,
  checkSearchSlug,
  checkSearchText,
  DOCUMENT_SEARCH,
  searchableDocument,
  searchableText,
} from '../../domain/account/account-search.ts';
import type { searchAccountsPage } from '../../projections/accounts/account-search-queries.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountView } from '../schemas/account-schemas.ts';
import { textField } from '../schemas/field-rule-schema.ts';
import { accountViewFromRow } from './account-views.ts';

/** Strict: a misspelt filter is a 400 naming it, never a wider search than was asked for. */
const AccountSearchQuery = z.strictObject({
  ...PageQuery.shape,
  slug: textField(ACCOUNT_SEARCH_SLUG, checkSearchSlug).optional().describe('exactly this slug (any case)'),
  name: textField(ACCOUNT_SEARCH_TEXT, checkSearchText).optional().describe('a part of the name, any case'),
  document: textField(DOCUMENT_SEARCH, checkDocumentSearch)
    .optional()
    .describe('CPF or CNPJ in any formatting (11.222.333/0001-81 or 11222333000181), or its first characters (a CNPJ root finds every branch)'),
  billingEmail: textField(ACCOUNT_SEARCH_TEXT, checkSearchText).optional().describe('a part of the billing email, any case'),
  status: z.enum(ACCOUNT_STATUSES).optional(),
});

export interface AccountSearchRoutesDeps {
  searchAccountsPage: Query<typeof searchAccountsPage>;
}

export function registerAccountSearchRoutes(routes: RouteRegistry, deps: AccountSearchRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/accounts',
    summary: 'Find accounts by slug, name, CPF/CNPJ, billing email or status (operators); by slug, cursor pages',
    tags: ['accounts'],
    access: 'operator',
    readModels: ['accounts'],
    query: AccountSearchQuery,
    responses: { 200: pageOf(AccountView) },
    async handler({ query }) {
      const after = decodeCursor(query.cursor, ['slug']);
      const rows = await deps.searchAccountsPage({
        ...(query.slug !== undefined ? { slug: query.slug } : {}),
        ...(query.name !== undefined ? { name: searchableText(query.name) } : {}),
        ...(query.document !== undefined ? { documentPrefix: searchableDocument(query.document) } : {}),
        ...(query.billingEmail !== undefined ? { billingEmail: searchableText(query.billingEmail) } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(after ? { afterSlug: after[0] } : {}),
        limit: query.limit + 1,
      });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [last.slug], accountViewFromRow) };
    },
  });
}
