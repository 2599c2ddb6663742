import type { ServiceInvoiceRecord } from '../domain/invoice/service-invoice.ts';

/**
 * Where a Brazilian service invoice (NFS-e) is asked for, one per issued invoice. The adapter
 * shipped writes each record to a file; a municipal gateway (ABRASF web service, the national
 * NFS-e API, an aggregator) plugs in here instead. `submit` may be called again for the same
 * invoice (a retry after a crash): the gateway keys on `record.invoiceId` and issues once.
 * A RemoteError tells the reactor whether to retry.
 */
export interface ServiceInvoiceGateway {
  /** one line for the start-up log and ops status */
  readonly description: string;
  submit(record: ServiceInvoiceRecord): Promise<void>;
}
