import type { Role } from '../../../domain/access/permissions.ts';
import type { EmailLocale, InvitationInput, RenderedEmail } from '../email-kinds.ts';
import { html } from '../html.ts';
import { emailLayout } from '../layout.ts';
import { formatInstant, oneLine } from '../locale-format.ts';

const ROLES: Record<EmailLocale, Record<Role, string>> = {
  'pt-BR': { owner: 'proprietário', admin: 'administrador', billing: 'financeiro', developer: 'desenvolvedor', 'read-only': 'somente leitura' },
  en: { owner: 'owner', admin: 'admin', billing: 'billing', developer: 'developer', 'read-only': 'read-only' },
};

const WORDS = {
  'pt-BR': {
    subject: (account: string, brand: string) => `Convite para a conta ${account} em ${brand}`,
    greeting: 'Olá.',
    invited: (account: string, brand: string, role: string) => `Você recebeu um convite para participar da conta ${account} em ${brand}, com o papel ${role}.`,
    accept: 'Para aceitar o convite, abra o link abaixo:',
    button: 'Aceitar o convite',
    expires: (when: string, email: string) => `O convite foi enviado para ${email} e vale até ${when}.`,
    ignore: 'Se você não esperava este convite, ignore esta mensagem.',
  },
  en: {
    subject: (account: string, brand: string) => `You are invited to join ${account} on ${brand}`,
    greeting: 'Hello,',
    invited: (account: string, brand: string, role: string) => `You have been invited to join the account ${account} on ${brand}, with the ${role} role.`,
    accept: 'To accept the invitation, open this link:',
    button: 'Accept the invitation',
    expires: (when: string, email: string) => `The invitation was sent to ${email} and is valid until ${when}.`,
    ignore: 'If you did not expect this invitation, you can ignore this message.',
  },
} as const;

/**
 * `<base>/invitations/accept#token=…`. The token rides in the fragment, which browsers never
 * send to a server: it stays out of web server logs and Referer headers; the portal's page
 * reads it and posts it to `POST /invitations/accept`.
 */
export function invitationLink(acceptBaseUrl: string, token: string): string {
  if (!/^https?:\/\/[^\s/?#]+/i.test(acceptBaseUrl) || /[?#\s]/.test(acceptBaseUrl)) {
    throw new TypeError('the acceptance base URL must be an http(s) address without query or fragment');
  }
  return `${acceptBaseUrl.replace(/\/+$/, '')}/invitations/accept#token=${encodeURIComponent(token)}`;
}

export function renderInvitation(input: InvitationInput, locale: EmailLocale): RenderedEmail {
  const w = WORDS[locale];
  const link = invitationLink(input.acceptBaseUrl, input.token);
  const subject = oneLine(w.subject(input.accountName, input.brandName));
  const invited = w.invited(input.accountName, input.brandName, ROLES[locale][input.role] ?? input.role);
  const expires = w.expires(formatInstant(input.expiresAt, input.timeZone, locale), input.email);
  const text = [w.greeting, '', invited, '', w.accept, link, '', expires, w.ignore, '', input.brandName, ''].join('\n');
  const body = html`<p>${w.greeting}</p>
<p>${invited}</p>
<p><a href="${link}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#ffffff;text-decoration:none;border-radius:4px">${w.button}</a></p>
<p style="font-size:12px;color:#616e7c">${w.accept}<br>${link}</p>
<p>${expires} ${w.ignore}</p>`;
  return { subject, text, html: emailLayout({ locale, brandName: input.brandName, title: subject, body }), attachments: [] };
}
