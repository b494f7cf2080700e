import { PROVIDER_NAME } from '../config.ts';
import type { SandboxContext } from '../context.ts';
import type { Account, Attachment, BankTransaction, HistoryRecord, OrganisationData } from '../data/model.ts';
import { totalsOf } from '../data/model.ts';

/** .NET JSON date as Xero writes it: `/Date(1476316800000+0000)/`. */
export function dotNetDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

/** `2016-10-13T00:00:00`: Xero's DateString / DateUTCString (no zone, no fraction). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** `2019-12-07T18:46:19.5165400`: the identity service's 7-digit fraction, no zone. */
export function connectionDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000`;
}

export function envelope(ctx: SandboxContext, body: Record<string, unknown>): Record<string, unknown> {
  return {
    Id: ctx.state.ids.guid(),
    Status: 'OK',
    ProviderName: PROVIDER_NAME,
    DateTimeUTC: `/Date(${ctx.clock.now()})/`,
    ...body,
  };
}

export function organisationJson(data: OrganisationData): Record<string, unknown> {
  const org = data.organisation;
  return {
    OrganisationID: org.tenantId,
    APIKey: '',
    Name: org.name,
    LegalName: org.legalName,
    PaysTax: true,
    Version: org.version,
    OrganisationType: 'COMPANY',
    BaseCurrency: org.baseCurrency,
    CountryCode: org.countryCode,
    IsDemoCompany: false,
    OrganisationStatus: 'ACTIVE',
    FinancialYearEndDay: 31,
    FinancialYearEndMonth: 3,
    SalesTaxBasis: 'INVOICE',
    SalesTaxPeriod: 'TWOMONTHS',
    DefaultSalesTax: 'Tax Inclusive',
    DefaultPurchasesTax: 'Tax Inclusive',
    CreatedDateUTC: dotNetDate(org.createdAt),
    OrganisationEntityType: 'COMPANY',
    Timezone: org.timezone,
    ShortCode: org.shortCode,
    Edition: 'BUSINESS',
    Class: 'STANDARD',
    LineOfBusiness: 'Sandbox demo business',
    Addresses: [],
    Phones: [],
    ExternalLinks: [],
    PaymentTerms: {},
  };
}

export function accountJson(account: Account): Record<string, unknown> {
  return {
    AccountID: account.accountId,
    Code: account.code,
    Name: account.name,
    Status: account.status,
    Type: account.type,
    TaxType: account.taxType,
    ...(account.description !== undefined ? { Description: account.description } : {}),
    Class: account.accountClass,
    ...(account.systemAccount ? { SystemAccount: account.systemAccount } : {}),
    EnablePaymentsToAccount: account.enablePaymentsToAccount,
    ShowInExpenseClaims: account.showInExpenseClaims,
    ...(account.bankAccountType
      ? {
          BankAccountNumber: account.bankAccountNumber ?? '',
          BankAccountType: account.bankAccountType,
          CurrencyCode: account.currencyCode,
        }
      : { BankAccountType: '' }),
    ReportingCode: account.accountClass === 'EXPENSE' ? 'EXP' : account.accountClass.slice(0, 3),
    ReportingCodeName: account.accountClass === 'EXPENSE' ? 'Expense' : account.accountClass,
    HasAttachments: false,
    UpdatedDateUTC: dotNetDate(account.updatedAt),
    AddToWatchlist: false,
  };
}

export function bankTransactionJson(
  data: OrganisationData,
  transaction: BankTransaction,
  withLineItems: boolean,
): Record<string, unknown> {
  const bankAccount = data.accountsById.get(transaction.bankAccountId);
  const totals = totalsOf(transaction);
  return {
    BankTransactionID: transaction.bankTransactionId,
    BankAccount: {
      AccountID: transaction.bankAccountId,
      Code: bankAccount?.code ?? '',
      Name: bankAccount?.name ?? '',
    },
    Type: transaction.type,
    Reference: transaction.reference,
    IsReconciled: transaction.isReconciled,
    HasAttachments: (data.attachments.get(transaction.bankTransactionId)?.length ?? 0) > 0,
    Contact: { ContactID: transaction.contact.contactId, Name: transaction.contact.name },
    DateString: isoSeconds(transaction.date),
    Date: dotNetDate(transaction.date),
    Status: transaction.status,
    LineAmountTypes: transaction.lineAmountTypes,
    ...(withLineItems
      ? {
          LineItems: transaction.lineItems.map((line) => ({
            Description: line.description,
            UnitAmount: line.unitAmount,
            TaxType: line.taxType,
            TaxAmount: line.taxAmount,
            LineAmount: line.lineAmount,
            AccountCode: data.accountsById.get(line.accountId)?.code ?? '',
            AccountID: line.accountId,
            Tracking: [],
            Quantity: line.quantity,
            LineItemID: line.lineItemId,
          })),
        }
      : {}),
    SubTotal: totals.subTotal,
    TotalTax: totals.totalTax,
    Total: totals.total,
    ...(transaction.prepaymentId ? { PrepaymentID: transaction.prepaymentId } : {}),
    ...(transaction.overpaymentId ? { OverpaymentID: transaction.overpaymentId } : {}),
    UpdatedDateUTC: dotNetDate(transaction.updatedAt),
    CurrencyCode: transaction.currencyCode,
  };
}

export function attachmentJson(
  ctx: SandboxContext,
  bankTransactionId: string,
  attachment: Attachment,
): Record<string, unknown> {
  return {
    AttachmentID: attachment.attachmentId,
    FileName: attachment.fileName,
    Url: `${ctx.baseUrl()}/api.xro/2.0/BankTransactions/${bankTransactionId}/Attachments/${encodeURIComponent(attachment.fileName)}`,
    MimeType: attachment.mimeType,
    ContentLength: attachment.content.byteLength,
  };
}

export function historyJson(record: HistoryRecord): Record<string, unknown> {
  return {
    Changes: record.changes,
    DateUTCString: isoSeconds(record.at),
    DateUTC: dotNetDate(record.at),
    User: record.user,
    Details: record.details,
  };
}
