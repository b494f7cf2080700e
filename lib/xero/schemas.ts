import { z } from 'zod';

/** Xero's answers, as far as Client Hub reads them. Unknown fields pass; missing ones fail loudly. */

export const xeroConnectionSchema = z.object({
  id: z.string(),
  authEventId: z.string().nullable().optional(),
  tenantId: z.string(),
  tenantType: z.string(),
  tenantName: z.string().nullable().optional(),
  createdDateUtc: z.string().optional(),
  updatedDateUtc: z.string().optional(),
});
export type XeroConnection = z.infer<typeof xeroConnectionSchema>;
export const xeroConnectionsSchema = z.array(xeroConnectionSchema);

export const xeroOrganisationSchema = z.object({
  OrganisationID: z.string().optional(),
  Name: z.string(),
  ShortCode: z.string().optional(),
  BaseCurrency: z.string().optional(),
  CountryCode: z.string().optional(),
  Timezone: z.string().optional(),
});
export const organisationEnvelopeSchema = z.object({
  Organisations: z.array(xeroOrganisationSchema).min(1),
});
