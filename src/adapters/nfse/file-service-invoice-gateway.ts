import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServiceInvoiceRecord } from '../../domain/invoice/service-invoice.ts';
import type { ServiceInvoiceGateway } from '../../ports/service-invoice-gateway.ts';

/**
 * Writes each NFS-e record as `<directory>/<invoice number>.json` (pretty JSON, UTF-8) for a
 * person or a script to take to the municipality. Written under a temporary name and renamed,
 * so a reader never sees half a file; writing one again replaces it with the same content.
 */
export function fileServiceInvoiceGateway(directory: string): ServiceInvoiceGateway {
  return {
    description: `NFS-e: records written to ${directory}`,
    async submit(record) {
      await mkdir(directory, { recursive: true });
      const name = `${record.invoiceNumber.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
      const target = path.join(directory, name);
      const partial = path.join(directory, `.${name}.${process.pid}.partial`);
      await writeFile(partial, `${JSON.stringify(record, null, 2)}\n`, 'utf8');
      await rename(partial, target);
    },
  };
}
