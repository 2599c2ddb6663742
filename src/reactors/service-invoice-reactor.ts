import { invoiceEvents, invoiceStream, type InvoiceIssued } from '../domain/invoice/invoice-events.ts';
import { serviceInvoiceOf } from '../domain/invoice/service-invoice.ts';
import { eventUnion } from '../domain/shared/event-union.ts';
import type { EventStore } from '../ports/event-store.ts';
import { RemoteError } from '../ports/remote-error.ts';
import type { ServiceInvoiceGateway } from '../ports/service-invoice-gateway.ts';
import type { Reactor } from './reactor.ts';

export interface ServiceInvoiceReactorDeps {
  gateway: ServiceInvoiceGateway;
  eventStore: EventStore;
  /** the service's code in the municipality's list (LC 116/2003) and how it is described */
  service: { code: string; description: string };
}

type Job = { kind: 'submit'; payload: InvoiceIssued['data'] };
const issuedEvents = eventUnion<InvoiceIssued>({ InvoiceIssued: true });

/**
 * The NFS-e hook: every issued invoice is handed to the service-invoice gateway, with what an
 * NFS-e needs (service code, ISS rate, municipality, the taker's document and address). Jobs
 * of one invoice run in order; an invoice issued before customers and issuers were recorded
 * names no taker and is left out. The municipality's answer (an NFS-e number) would be
 * recorded as an event by the gateway that gets one; the file adapter has none.
 */
export function serviceInvoiceReactor({ gateway, eventStore, service }: ServiceInvoiceReactorDeps): Reactor<Job> {
  return {
    name: 'nfse',
    eventTypes: new Set(issuedEvents.types),
    jobsFor(event) {
      if (!issuedEvents.is(event)) return [];
      return [{ jobId: event.eventId, subject: `invoice:${event.data.invoiceId}`, accountId: event.data.accountId, kind: 'submit', payload: { ...event.data } }];
    },
    unavailable: () => null,
    async perform(job) {
      const issued = job.payload;
      let rated = null;
      for (const event of await eventStore.readStream(invoiceStream(issued.accountId, issued.period))) {
        if (invoiceEvents.is(event) && event.type === 'InvoiceDrafted' && event.data.invoiceId === issued.invoiceId) rated = event.data.rated;
      }
      if (!rated) throw new RemoteError('nfse', `invoice ${issued.invoiceId} has no draft in ${invoiceStream(issued.accountId, issued.period)}`, false);
      const record = serviceInvoiceOf(issued, rated, service);
      if (record) await gateway.submit(record);
    },
    async giveUp() {
      // Nothing to record: the job stays failed in ops status, and `ops retry nfse <job>` sends it again.
    },
  };
}
