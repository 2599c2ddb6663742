// Two languages: the account's locale unless the person switched (kept for the browser session).
const LOCALE_KEY = 'cpl.locale';
export const LOCALES = ['pt-BR', 'en'];

const en = {
  'app.title': 'CloudPro portal',
  'nav.usage': 'Usage', 'nav.invoices': 'Invoices', 'nav.buckets': 'Buckets', 'nav.keys': 'Access keys', 'nav.sftp': 'SFTP user',
  'nav.members': 'Members', 'nav.quota': 'Quota', 'nav.notifications': 'Notifications', 'nav.audit': 'Audit log',
  'nav.main': 'Main', 'signOut': 'Sign out', 'language': 'Language', 'loading': 'Loading…', 'none': 'Nothing yet.',
  'role': 'Role: {role}',
  'signIn.title': 'Sign in', 'signIn.lead': 'Use an API token of your account. It is kept in this browser tab only and forgotten when you close it.',
  'signIn.accountId': 'Account ID', 'signIn.token': 'API token', 'signIn.submit': 'Sign in',
  'signIn.invited': 'Invited? Open the link in your invitation email.', 'signIn.unknownToken': 'This token is not one of this account\u2019s.',
  'accept.title': 'Accept your invitation', 'accept.lead': 'Accepting makes you a member of the account and gives you a first API token.',
  'accept.token': 'Invitation token', 'accept.tokenName': 'Name for your API token', 'accept.submit': 'Accept invitation',
  'accept.done': 'You are now a member ({role}). Your API token is below: keep it somewhere safe to sign in again later.',
  'accept.continue': 'Continue to the portal',
  'error.forbidden': 'Your role may not do this.', 'error.unauthenticated': 'Your token is not valid any more. Sign in again.',
  'error.notFound': 'Not found.', 'error.generic': 'The request failed.', 'error.fields': 'Check these fields:',
  'usage.title': 'Usage this period', 'usage.period': 'Period', 'usage.asOf': 'As of {asOf}',
  'usage.gibMonths': 'Storage to date (GiB-month)', 'usage.egress': 'Egress (GiB)', 'usage.ingress': 'Ingress (GiB)',
  'usage.requestsA': 'Class A requests', 'usage.requestsB': 'Class B requests', 'usage.estimate': 'Estimated invoice', 'usage.noPlan': 'No plan: no estimate.',
  'usage.bucket': 'Bucket', 'usage.total': 'All buckets (total)', 'usage.storedChart': 'Stored GiB per day', 'usage.egressChart': 'Egress GiB per day',
  'usage.table': 'The figures as a table', 'usage.day': 'Day', 'usage.stored': 'Stored GiB', 'usage.noDays': 'No days of this period yet.',
  'usage.line': 'Line', 'usage.quantity': 'Quantity', 'usage.amount': 'Amount',
  'invoices.title': 'Invoices', 'invoices.number': 'Number', 'invoices.period': 'Period', 'invoices.status': 'Status', 'invoices.total': 'Total',
  'invoices.amountDue': 'Amount due', 'invoices.dueDate': 'Due', 'invoices.balance': 'Due in total: {amount}. Credit available: {credit}.',
  'invoices.open': 'Open', 'invoice.title': 'Invoice {number}', 'invoice.draft': '(draft)', 'invoice.lines': 'Lines', 'invoice.kind': 'Line', 'invoice.quantity': 'Quantity',
  'invoice.amount': 'Amount', 'invoice.subtotal': 'Subtotal', 'invoice.tax': 'Tax', 'invoice.credit': 'Credit applied', 'invoice.total': 'Total',
  'invoice.computed': 'How it was computed', 'invoice.payments': 'Payments', 'invoice.creditNotes': 'Credit notes', 'invoice.csv': 'Download CSV',
  'invoice.print': 'Print-ready page', 'invoice.printNow': 'Print', 'invoice.back': 'Back to invoices', 'invoice.method': 'Method', 'invoice.receivedAt': 'Received',
  'invoice.reference': 'Reference', 'invoice.reason': 'Reason', 'invoice.issuedAt': 'Issued', 'invoice.issueDate': 'Issue date',
  'buckets.title': 'Buckets', 'buckets.name': 'Name', 'buckets.status': 'Status', 'buckets.quota': 'Quota', 'buckets.create': 'Create bucket',
  'buckets.newName': 'Bucket name', 'buckets.delete': 'Delete', 'buckets.confirmDelete': 'Delete bucket {name}? Its objects go with it.',
  'keys.title': 'Access keys', 'keys.name': 'Name', 'keys.accessKeyId': 'Access key ID', 'keys.permission': 'Permission', 'keys.buckets': 'Buckets',
  'keys.status': 'Status', 'keys.expiresAt': 'Expires', 'keys.create': 'Create access key', 'keys.allBuckets': 'All buckets', 'keys.revoke': 'Revoke', 'keys.rotate': 'Rotate',
  'keys.confirmRevoke': 'Revoke key {name}? Programs using it stop working at once.', 'keys.expiresOptional': 'Expires on (optional)',
  'secret.title': 'Your new secret', 'secret.warning': 'Copy it now: this is the only time it is shown. It cannot be retrieved later; if it is lost, rotate or revoke the key.',
  'secret.copy': 'Copy', 'secret.copied': 'Copied.', 'secret.dismiss': 'I have saved it', 'secret.omitted': 'The secret was already shown once and is not shown again.',
  'sftp.title': 'SFTP user', 'sftp.username': 'User name', 'sftp.status': 'Status', 'sftp.buckets': 'Buckets reachable', 'sftp.none': 'The account has no SFTP user.',
  'sftp.create': 'Create SFTP user', 'sftp.reset': 'Reset password', 'sftp.disable': 'Disable', 'sftp.password': 'password',
  'members.title': 'Members', 'members.email': 'Email', 'members.role': 'Role', 'members.joinedAt': 'Joined', 'members.invite': 'Invite',
  'members.invitations': 'Invitations', 'members.expiresAt': 'Expires', 'members.remove': 'Remove', 'members.changeRole': 'Change role',
  'members.invited': 'Invitation created. The invitee gets it by email; the token, shown once:', 'members.confirmRemove': 'Remove {email} from the account?',
  'quota.title': 'Quota', 'quota.current': 'Quota in force', 'quota.default': '(platform default)', 'quota.requests': 'Requests', 'quota.requested': 'Requested (GiB)',
  'quota.reason': 'Reason', 'quota.status': 'Status', 'quota.note': 'Operator note', 'quota.request': 'Request a larger quota', 'quota.submit': 'Send request',
  'notifications.title': 'Notifications', 'notifications.markAll': 'Mark all read', 'notifications.unread': 'unread', 'notifications.when': 'When',
  'audit.title': 'Audit log', 'audit.when': 'When', 'audit.what': 'What', 'audit.who': 'Who', 'audit.from': 'From', 'audit.type': 'Event type', 'audit.filter': 'Filter',
  'more': 'More', 'cancel': 'Cancel', 'actions': 'Actions',
  'nav.tokens': 'My API tokens', 'nav.webhooks': 'Webhooks', 'save': 'Save', 'choose': 'Choose…',
  'invoice.pdf': 'Download PDF',
  'buckets.settings': 'Settings', 'buckets.settingsOf': 'Settings of bucket {name}', 'buckets.quotaGib': 'Quota (GiB, empty for none)',
  'buckets.versioning': 'Versioning', 'buckets.lifecycle': 'Lifecycle', 'buckets.expiration': 'Objects expire after (days, empty for never)',
  'buckets.noncurrent': 'Old versions expire after (days, empty for never)', 'buckets.expiresAfter': 'Objects expire', 'buckets.noncurrentAfter': 'Old versions expire',
  'buckets.days': 'after {days} days', 'buckets.settingsHint': 'Only what you change is sent. Versioning, once on, can be suspended but not turned off (as in S3).',
  'sftp.noBuckets': 'No bucket is reachable over SFTP yet.', 'sftp.grantBucket': 'Give SFTP access to bucket', 'sftp.grant': 'Give access', 'sftp.revokeAccess': 'Take access away',
  'members.transfer': 'Make owner', 'members.confirmTransfer': 'Make {email} the owner of the account? You become an admin.',
  'notifications.markOne': 'Mark read',
  'tokens.title': 'My API tokens', 'tokens.lead': 'Tokens you can use to sign in here or to call the API as yourself, with your role.',
  'tokens.name': 'Token name', 'tokens.status': 'Status', 'tokens.issuedAt': 'Issued', 'tokens.create': 'Create token', 'tokens.revoke': 'Revoke',
  'tokens.confirmRevoke': 'Revoke token {name}? Whatever uses it stops working at once.', 'tokens.thisSession': 'this session',
  'tokens.serviceToken': 'You signed in with a service token of the account, which belongs to no member: only members have tokens of their own.',
  'secret.warningToken': 'Copy it now: this is the only time it is shown. It cannot be retrieved later; if it is lost, revoke it and create another.',
  'secret.warningWebhook': 'Copy this signing secret now: this is the only time it is shown. Your receiver verifies each message\u2019s signature with it; if it is lost, delete the webhook and register it again.',
  'webhooks.title': 'Webhooks', 'webhooks.lead': 'Addresses of your systems that hear about invoices, payments, quota and buckets as they happen, signed as Standard Webhooks.',
  'webhooks.url': 'HTTPS address', 'webhooks.kinds': 'What it hears about', 'webhooks.status': 'Status', 'webhooks.registeredAt': 'Registered',
  'webhooks.register': 'Register webhook', 'webhooks.delete': 'Delete', 'webhooks.confirmDelete': 'Delete the webhook to {url}? Nothing more is sent to it.',
  'webhooks.deliveries': 'Deliveries', 'webhooks.deliveriesOf': 'Deliveries to {url}', 'webhooks.scheduledAt': 'Scheduled', 'webhooks.kind': 'Event',
  'webhooks.attempts': 'Tries', 'webhooks.noAnswer': 'no answer', 'webhooks.redeliver': 'Send again', 'webhooks.noDeliveries': 'Nothing sent yet.',
  'webhooks.redeliveryRequested': 'Delivery {id} will be sent again in a moment.',
};

const ptBR = {
  'app.title': 'Portal CloudPro',
  'nav.usage': 'Uso', 'nav.invoices': 'Faturas', 'nav.buckets': 'Buckets', 'nav.keys': 'Chaves de acesso', 'nav.sftp': 'Usuário SFTP',
  'nav.members': 'Membros', 'nav.quota': 'Cota', 'nav.notifications': 'Notificações', 'nav.audit': 'Registro de auditoria',
  'nav.main': 'Principal', 'signOut': 'Sair', 'language': 'Idioma', 'loading': 'Carregando…', 'none': 'Nada ainda.',
  'role': 'Papel: {role}',
  'signIn.title': 'Entrar', 'signIn.lead': 'Use um token de API da sua conta. Ele fica só nesta aba do navegador e é esquecido quando você a fecha.',
  'signIn.accountId': 'ID da conta', 'signIn.token': 'Token de API', 'signIn.submit': 'Entrar',
  'signIn.invited': 'Foi convidado? Abra o link do e-mail de convite.', 'signIn.unknownToken': 'Este token não é desta conta.',
  'accept.title': 'Aceitar o convite', 'accept.lead': 'Ao aceitar você passa a ser membro da conta e recebe um primeiro token de API.',
  'accept.token': 'Token do convite', 'accept.tokenName': 'Nome do seu token de API', 'accept.submit': 'Aceitar convite',
  'accept.done': 'Agora você é membro ({role}). Seu token de API está abaixo: guarde-o em lugar seguro para entrar de novo depois.',
  'accept.continue': 'Continuar para o portal',
  'error.forbidden': 'Seu papel não permite fazer isto.', 'error.unauthenticated': 'Seu token não vale mais. Entre de novo.',
  'error.notFound': 'Não encontrado.', 'error.generic': 'A requisição falhou.', 'error.fields': 'Confira estes campos:',
  'usage.title': 'Uso neste período', 'usage.period': 'Período', 'usage.asOf': 'Até {asOf}',
  'usage.gibMonths': 'Armazenamento até agora (GiB-mês)', 'usage.egress': 'Saída (GiB)', 'usage.ingress': 'Entrada (GiB)',
  'usage.requestsA': 'Requisições classe A', 'usage.requestsB': 'Requisições classe B', 'usage.estimate': 'Fatura estimada', 'usage.noPlan': 'Sem plano: sem estimativa.',
  'usage.bucket': 'Bucket', 'usage.total': 'Todos os buckets (total)', 'usage.storedChart': 'GiB armazenados por dia', 'usage.egressChart': 'GiB de saída por dia',
  'usage.table': 'Os números em tabela', 'usage.day': 'Dia', 'usage.stored': 'GiB armazenados', 'usage.noDays': 'Ainda não há dias neste período.',
  'usage.line': 'Linha', 'usage.quantity': 'Quantidade', 'usage.amount': 'Valor',
  'invoices.title': 'Faturas', 'invoices.number': 'Número', 'invoices.period': 'Período', 'invoices.status': 'Situação', 'invoices.total': 'Total',
  'invoices.amountDue': 'Valor em aberto', 'invoices.dueDate': 'Vencimento', 'invoices.balance': 'Em aberto no total: {amount}. Crédito disponível: {credit}.',
  'invoices.open': 'Abrir', 'invoice.title': 'Fatura {number}', 'invoice.draft': '(rascunho)', 'invoice.lines': 'Linhas', 'invoice.kind': 'Linha', 'invoice.quantity': 'Quantidade',
  'invoice.amount': 'Valor', 'invoice.subtotal': 'Subtotal', 'invoice.tax': 'Impostos', 'invoice.credit': 'Crédito aplicado', 'invoice.total': 'Total',
  'invoice.computed': 'Como foi calculada', 'invoice.payments': 'Pagamentos', 'invoice.creditNotes': 'Notas de crédito', 'invoice.csv': 'Baixar CSV',
  'invoice.print': 'Página para impressão', 'invoice.printNow': 'Imprimir', 'invoice.back': 'Voltar às faturas', 'invoice.method': 'Meio', 'invoice.receivedAt': 'Recebido em',
  'invoice.reference': 'Referência', 'invoice.reason': 'Motivo', 'invoice.issuedAt': 'Emitida em', 'invoice.issueDate': 'Data de emissão',
  'buckets.title': 'Buckets', 'buckets.name': 'Nome', 'buckets.status': 'Situação', 'buckets.quota': 'Cota', 'buckets.create': 'Criar bucket',
  'buckets.newName': 'Nome do bucket', 'buckets.delete': 'Excluir', 'buckets.confirmDelete': 'Excluir o bucket {name}? Os objetos vão junto.',
  'keys.title': 'Chaves de acesso', 'keys.name': 'Nome', 'keys.accessKeyId': 'ID da chave', 'keys.permission': 'Permissão', 'keys.buckets': 'Buckets',
  'keys.status': 'Situação', 'keys.expiresAt': 'Expira', 'keys.create': 'Criar chave de acesso', 'keys.allBuckets': 'Todos os buckets', 'keys.revoke': 'Revogar', 'keys.rotate': 'Trocar',
  'keys.confirmRevoke': 'Revogar a chave {name}? Os programas que a usam param na hora.', 'keys.expiresOptional': 'Expira em (opcional)',
  'secret.title': 'Seu novo segredo', 'secret.warning': 'Copie agora: esta é a única vez que ele aparece. Não dá para recuperá-lo depois; se perder, troque ou revogue a chave.',
  'secret.copy': 'Copiar', 'secret.copied': 'Copiado.', 'secret.dismiss': 'Já guardei', 'secret.omitted': 'O segredo já foi mostrado uma vez e não aparece de novo.',
  'sftp.title': 'Usuário SFTP', 'sftp.username': 'Usuário', 'sftp.status': 'Situação', 'sftp.buckets': 'Buckets acessíveis', 'sftp.none': 'A conta não tem usuário SFTP.',
  'sftp.create': 'Criar usuário SFTP', 'sftp.reset': 'Trocar senha', 'sftp.disable': 'Desativar', 'sftp.password': 'senha',
  'members.title': 'Membros', 'members.email': 'E-mail', 'members.role': 'Papel', 'members.joinedAt': 'Entrou em', 'members.invite': 'Convidar',
  'members.invitations': 'Convites', 'members.expiresAt': 'Expira', 'members.remove': 'Remover', 'members.changeRole': 'Mudar papel',
  'members.invited': 'Convite criado. A pessoa recebe por e-mail; o token, mostrado uma vez:', 'members.confirmRemove': 'Remover {email} da conta?',
  'quota.title': 'Cota', 'quota.current': 'Cota em vigor', 'quota.default': '(padrão da plataforma)', 'quota.requests': 'Pedidos', 'quota.requested': 'Pedido (GiB)',
  'quota.reason': 'Motivo', 'quota.status': 'Situação', 'quota.note': 'Nota do operador', 'quota.request': 'Pedir uma cota maior', 'quota.submit': 'Enviar pedido',
  'notifications.title': 'Notificações', 'notifications.markAll': 'Marcar todas como lidas', 'notifications.unread': 'não lida', 'notifications.when': 'Quando',
  'audit.title': 'Registro de auditoria', 'audit.when': 'Quando', 'audit.what': 'O quê', 'audit.who': 'Quem', 'audit.from': 'De onde', 'audit.type': 'Tipo de evento', 'audit.filter': 'Filtrar',
  'more': 'Mais', 'cancel': 'Cancelar', 'actions': 'Ações',
  'nav.tokens': 'Meus tokens de API', 'nav.webhooks': 'Webhooks', 'save': 'Salvar', 'choose': 'Escolha…',
  'invoice.pdf': 'Baixar PDF',
  'buckets.settings': 'Configurar', 'buckets.settingsOf': 'Configuração do bucket {name}', 'buckets.quotaGib': 'Cota (GiB, vazio para nenhuma)',
  'buckets.versioning': 'Versionamento', 'buckets.lifecycle': 'Ciclo de vida', 'buckets.expiration': 'Objetos expiram após (dias, vazio para nunca)',
  'buckets.noncurrent': 'Versões antigas expiram após (dias, vazio para nunca)', 'buckets.expiresAfter': 'Objetos expiram', 'buckets.noncurrentAfter': 'Versões antigas expiram',
  'buckets.days': 'após {days} dias', 'buckets.settingsHint': 'Só o que você mudar é enviado. O versionamento, uma vez ativado, pode ser suspenso mas não desativado (como no S3).',
  'sftp.noBuckets': 'Nenhum bucket acessível por SFTP ainda.', 'sftp.grantBucket': 'Dar acesso SFTP ao bucket', 'sftp.grant': 'Dar acesso', 'sftp.revokeAccess': 'Tirar acesso',
  'members.transfer': 'Tornar proprietário', 'members.confirmTransfer': 'Tornar {email} proprietário da conta? Você passa a ser administrador.',
  'notifications.markOne': 'Marcar como lida',
  'tokens.title': 'Meus tokens de API', 'tokens.lead': 'Tokens para entrar aqui ou chamar a API em seu nome, com o seu papel.',
  'tokens.name': 'Nome do token', 'tokens.status': 'Situação', 'tokens.issuedAt': 'Emitido em', 'tokens.create': 'Criar token', 'tokens.revoke': 'Revogar',
  'tokens.confirmRevoke': 'Revogar o token {name}? O que o usa para de funcionar na hora.', 'tokens.thisSession': 'esta sessão',
  'tokens.serviceToken': 'Você entrou com um token de serviço da conta, que não pertence a nenhum membro: só membros têm tokens próprios.',
  'secret.warningToken': 'Copie agora: esta é a única vez que ele aparece. Não dá para recuperá-lo depois; se perder, revogue-o e crie outro.',
  'secret.warningWebhook': 'Copie este segredo de assinatura agora: esta é a única vez que ele aparece. Seu receptor confere a assinatura de cada mensagem com ele; se perder, exclua o webhook e cadastre de novo.',
  'webhooks.title': 'Webhooks', 'webhooks.lead': 'Endereços dos seus sistemas que ficam sabendo de faturas, pagamentos, cota e buckets na hora, assinados como Standard Webhooks.',
  'webhooks.url': 'Endereço HTTPS', 'webhooks.kinds': 'Do que fica sabendo', 'webhooks.status': 'Situação', 'webhooks.registeredAt': 'Cadastrado em',
  'webhooks.register': 'Cadastrar webhook', 'webhooks.delete': 'Excluir', 'webhooks.confirmDelete': 'Excluir o webhook para {url}? Nada mais é enviado a ele.',
  'webhooks.deliveries': 'Entregas', 'webhooks.deliveriesOf': 'Entregas para {url}', 'webhooks.scheduledAt': 'Agendada', 'webhooks.kind': 'Evento',
  'webhooks.attempts': 'Tentativas', 'webhooks.noAnswer': 'sem resposta', 'webhooks.redeliver': 'Enviar de novo', 'webhooks.noDeliveries': 'Nada enviado ainda.',
  'webhooks.redeliveryRequested': 'A entrega {id} será enviada de novo em instantes.',
};

/** The API's values shown to people (statuses, kinds, roles, permissions), by what they describe. */
const enValues = {
  invoiceStatus: { draft: 'Draft', issued: 'Issued', overdue: 'Overdue', paid: 'Paid', void: 'Void' },
  lineKind: {
    monthly_fee: 'Monthly fee', storage_gib_month: 'Storage (GiB-month)', egress_gib: 'Egress (GiB)', ingress_gib: 'Ingress (GiB)',
    requests_a: 'Class A requests', requests_b: 'Class B requests', minimum_true_up: 'Monthly minimum top-up', adjustment: 'Adjustment of an earlier period',
  },
  unit: { 'GiB-month': 'GiB-month', GiB: 'GiB', '1,000 requests': 'thousand requests', month: 'month', minimum: 'minimum' },
  bucketStatus: { requested: 'Requested', provisioned: 'Ready', failed: 'Failed', deleting: 'Being deleted', deleted: 'Deleted' },
  versioning: { disabled: 'Off', enabled: 'On', suspended: 'Suspended' },
  keyStatus: { active: 'Active', expired: 'Expired', revoked: 'Revoked' },
  keyPermission: { read: 'Read', write: 'Write', 'read-write': 'Read and write' },
  // role names as the API and the documentation write them
  role: { owner: 'owner', admin: 'admin', billing: 'billing', developer: 'developer', 'read-only': 'read-only' },
  sftpStatus: { active: 'Active', disabled: 'Disabled' },
  invitationStatus: { pending: 'Pending', accepted: 'Accepted', expired: 'Expired' },
  quotaStatus: { pending: 'Pending', approved: 'Approved', rejected: 'Rejected' },
  tokenStatus: { active: 'Active', revoked: 'Revoked' },
  tokenKind: { operator: 'Operator', account: 'Service (account)', member: 'Member' },
  paymentMethod: { pix: 'Pix', boleto: 'Boleto', card: 'Card', transfer: 'Bank transfer' },
  webhookStatus: { active: 'Active', removed: 'Removed' },
  deliveryStatus: { pending: 'Pending', delivered: 'Delivered', abandoned: 'Abandoned' },
  webhookKind: {
    'invoice.issued': 'Invoice issued', 'invoice.paid': 'Invoice paid', 'invoice.overdue': 'Invoice overdue', 'invoice.voided': 'Invoice voided',
    'payment.received': 'Payment received', 'payment.reversed': 'Payment reversed', 'credit_note.issued': 'Credit note issued',
    'quota.threshold': 'Quota threshold reached', 'bucket.provisioned': 'Bucket created', 'bucket.failed': 'Bucket creation failed',
    'access_key.expiring': 'Access key expiring', 'account.suspended': 'Account suspended', 'account.reactivated': 'Account reactivated',
  },
};

const ptBRValues = {
  invoiceStatus: { draft: 'Rascunho', issued: 'Emitida', overdue: 'Vencida', paid: 'Paga', void: 'Cancelada' },
  lineKind: {
    monthly_fee: 'Mensalidade', storage_gib_month: 'Armazenamento (GiB-mês)', egress_gib: 'Tráfego de saída (GiB)', ingress_gib: 'Tráfego de entrada (GiB)',
    requests_a: 'Requisições classe A', requests_b: 'Requisições classe B', minimum_true_up: 'Complemento do mínimo mensal', adjustment: 'Ajuste de período anterior',
  },
  unit: { 'GiB-month': 'GiB-mês', GiB: 'GiB', '1,000 requests': 'mil requisições', month: 'mês', minimum: 'mínimo' },
  bucketStatus: { requested: 'Solicitado', provisioned: 'Pronto', failed: 'Falhou', deleting: 'Em exclusão', deleted: 'Excluído' },
  versioning: { disabled: 'Desativado', enabled: 'Ativado', suspended: 'Suspenso' },
  keyStatus: { active: 'Ativa', expired: 'Expirada', revoked: 'Revogada' },
  keyPermission: { read: 'Leitura', write: 'Escrita', 'read-write': 'Leitura e escrita' },
  role: { owner: 'proprietário', admin: 'administrador', billing: 'financeiro', developer: 'desenvolvedor', 'read-only': 'somente leitura' },
  sftpStatus: { active: 'Ativo', disabled: 'Desativado' },
  invitationStatus: { pending: 'Pendente', accepted: 'Aceito', expired: 'Expirado' },
  quotaStatus: { pending: 'Pendente', approved: 'Aprovado', rejected: 'Recusado' },
  tokenStatus: { active: 'Ativo', revoked: 'Revogado' },
  tokenKind: { operator: 'Operador', account: 'Serviço (conta)', member: 'Membro' },
  paymentMethod: { pix: 'Pix', boleto: 'Boleto', card: 'Cartão', transfer: 'Transferência bancária' },
  webhookStatus: { active: 'Ativo', removed: 'Removido' },
  deliveryStatus: { pending: 'Pendente', delivered: 'Entregue', abandoned: 'Abandonada' },
  webhookKind: {
    'invoice.issued': 'Fatura emitida', 'invoice.paid': 'Fatura paga', 'invoice.overdue': 'Fatura vencida', 'invoice.voided': 'Fatura cancelada',
    'payment.received': 'Pagamento recebido', 'payment.reversed': 'Pagamento estornado', 'credit_note.issued': 'Nota de crédito emitida',
    'quota.threshold': 'Limite da cota atingido', 'bucket.provisioned': 'Bucket criado', 'bucket.failed': 'Falha ao criar bucket',
    'access_key.expiring': 'Chave de acesso expirando', 'account.suspended': 'Conta suspensa', 'account.reactivated': 'Conta reativada',
  },
};

export const dictionaries = { en, 'pt-BR': ptBR };
export const VALUES = { en: enValues, 'pt-BR': ptBRValues };
let current = 'pt-BR';

export const chosenLocale = () => sessionStorage.getItem(LOCALE_KEY);
export function setLocale(locale, remember = false) {
  current = LOCALES.includes(locale) ? locale : 'pt-BR';
  if (remember) sessionStorage.setItem(LOCALE_KEY, current);
  document.documentElement.lang = current;
}
export const locale = () => current;

/** An API value (a status, a kind, a role) in the person's language; an unknown one as the API wrote it. */
export const tv = (group, value) => VALUES[current][group]?.[value] ?? VALUES.en[group]?.[value] ?? value;
/** The values a group names, in the API's order (for a select or checkboxes). */
export const valuesOf = (group) => Object.keys(enValues[group]);

export function t(key, vars = {}) {
  const text = dictionaries[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

export function formatDate(iso) {
  if (!iso) return '—';
  // a bare YYYY-MM-DD is a calendar date of the account: shown as it is, not moved by the browser's zone
  const dateOnly = iso.length === 10;
  return new Intl.DateTimeFormat(current, dateOnly ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
export const formatNumber = (text, digits = 2) => (text === null || text === undefined ? '—' : new Intl.NumberFormat(current, { maximumFractionDigits: digits }).format(Number(text)));
export const formatMoney = (amount, currency) => (amount === null || amount === undefined ? '—' : new Intl.NumberFormat(current, { style: 'currency', currency }).format(Number(amount)));
