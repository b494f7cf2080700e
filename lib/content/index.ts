import { startFeatures } from './features';
import { notConnectedHint } from './features/not-connected-hint';
import { pageReportFeature } from './features/page-report';
import { transactionBadges } from './features/transaction-badges';
import { transactionPanel } from './features/transaction-panel';
import type { ContentLifetime } from './lifetime';

/** Every page feature of the content script, in one list. */
export const FEATURES = [transactionBadges, transactionPanel, notConnectedHint, pageReportFeature] as const;

export function startClientHubInXero(lifetime: ContentLifetime): void {
  startFeatures(lifetime, FEATURES);
}
