export { renderEmail } from './render-email.ts';
export { invitationLink } from './templates/invitation.ts';
export { invoiceFilename } from './templates/invoice-document.ts';
export * from './email-kinds.ts';
