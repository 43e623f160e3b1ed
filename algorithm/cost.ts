// What tokens cost, by a price list of USD per million tokens per model name.

export type PriceList = Record<string, { input: number; output: number }>;

/** null when the model has no price: its tokens are counted, never guessed at. */
export function costOf(
  prices: PriceList,
  model: string,
  promptTokens: number,
  completionTokens: number,
): number | null {
  const price = prices[model];
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
