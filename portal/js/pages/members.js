import { useState } from 'preact/hooks';
import { accountPath, allPages, api } from '../api.js';
import { ErrorBox, html, Loading, SecretOnce, Table, useCommand, useLoad } from '../components.js';
import { formatDate, t, tv } from '../i18n.js';
import { can } from '../permissions.js';

const INVITABLE = ['admin', 'billing', 'developer', 'read-only'];

export function MembersPage({ me }) {
  const manage = can(me.role, 'members:manage');
  const state = useLoad(async () => ({
    members: await allPages(accountPath('/members')),
    invitations: manage ? await allPages(accountPath('/invitations')) : [],
  }));
  const [form, setForm] = useState({ email: '', role: 'read-only' });
  const [invited, setInvited] = useState(null);
  const command = useCommand();
  const invite = (event) => {
    event.preventDefault();
    void command.run(async () => {
      setInvited(await api(accountPath('/invitations'), { method: 'POST', body: { email: form.email.trim(), role: form.role } }));
      setForm({ ...form, email: '' });
      state.reload();
    });
  };
  const changeRole = (member, role) =>
    void command.run(async () => {
      await api(accountPath(`/members/${member.memberId}/role`), { method: 'PUT', body: { role } });
      state.reload();
    });
  const transfer = (member) => {
    if (!confirm(t('members.confirmTransfer', { email: member.email }))) return;
    void command.run(async () => {
      await api(accountPath('/ownership'), { method: 'POST', body: { memberId: member.memberId } });
      // the signed-in owner is an admin from now on: the menu and buttons are read again
      location.reload();
    });
  };
  const mayTransfer = can(me.role, 'ownership:transfer');
  const remove = (member) => {
    if (!confirm(t('members.confirmRemove', { email: member.email }))) return;
    void command.run(async () => {
      await api(accountPath(`/members/${member.memberId}`), { method: 'DELETE' });
      state.reload();
    });
  };
  return html`<h1>${t('members.title')}</h1>
    ${invited && html`<p>${t('members.invited')}</p><${SecretOnce} label=${invited.email} secret=${invited.invitationToken} onDismiss=${() => setInvited(null)} />`}
    <${ErrorBox} error=${command.error} />
    ${manage &&
    html`<form class="inline" onSubmit=${invite} data-testid="invite-member">
      <label>${t('members.email')}<input name="email" type="email" required value=${form.email} onInput=${(e) => setForm({ ...form, email: e.currentTarget.value })} /></label>
      <label>${t('members.role')}<select name="role" value=${form.role} onChange=${(e) => setForm({ ...form, role: e.currentTarget.value })}>
        ${INVITABLE.map((role) => html`<option value=${role}>${tv('role', role)}</option>`)}
      </select></label>
      <button type="submit" disabled=${command.busy}>${t('members.invite')}</button>
    </form>`}
    <${Loading} state=${state}>${({ members, invitations }) => html`
      <${Table} caption=${t('members.title')} head=${[t('members.email'), t('members.role'), t('members.joinedAt'), ...(manage ? [t('actions')] : [])]}
        rows=${members.map((m) => html`<tr>
          <td>${m.email}</td>
          <td>${manage && m.role !== 'owner'
            ? html`<label><span class="visually-hidden">${t('members.changeRole')} ${m.email}</span><select value=${m.role} onChange=${(e) => changeRole(m, e.currentTarget.value)}>
                ${INVITABLE.map((role) => html`<option value=${role}>${tv('role', role)}</option>`)}</select></label>`
            : tv('role', m.role)}</td>
          <td>${formatDate(m.joinedAt)}</td>
          ${manage && html`<td>${m.role !== 'owner' && html`<div class="actions">
            ${mayTransfer && html`<button type="button" class="secondary" onClick=${() => transfer(m)} aria-label=${`${t('members.transfer')}: ${m.email}`}>${t('members.transfer')}</button>`}
            <button type="button" class="danger" onClick=${() => remove(m)} aria-label=${`${t('members.remove')} ${m.email}`}>${t('members.remove')}</button></div>`}</td>`}
        </tr>`)} />
      ${manage && html`<h2>${t('members.invitations')}</h2>
        <${Table} caption=${t('members.invitations')} head=${[t('members.email'), t('members.role'), t('invoices.status'), t('members.expiresAt')]}
          rows=${invitations.map((i) => html`<tr><td>${i.email}</td><td>${tv('role', i.role)}</td><td>${tv('invitationStatus', i.status)}</td><td>${formatDate(i.expiresAt)}</td></tr>`)} />`}
    `}<//>`;
}
