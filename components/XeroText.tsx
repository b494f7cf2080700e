import { money } from './tasks/data';

/**
 * Text from Xero (or a client), shown direction-isolated: `<bdi>` keeps its own direction controls and
 * right-to-left words inside it, so they cannot reorder what is shown around it. Always text, never HTML.
 */
export function XeroText({ text, class: className }: { text: string; class?: string }) {
  return <bdi class={className}>{text}</bdi>;
}

/** An amount and its currency, always left to right and isolated: "12.34 NZD" is never "DZN 43.21". */
export function Amount({ amount, currency }: { amount: number; currency: string }) {
  return (
    <bdi dir="ltr" class="amount" data-testid="amount">
      {money(amount, currency)}
    </bdi>
  );
}
