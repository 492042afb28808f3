/** What Powertools' `getBooleanFromEnv` with extended parsing reads as true. */
const TRUTHY = new Set(['1', 'y', 'yes', 't', 'true', 'on']);

function isTruthy(value: string | undefined): boolean {
  return TRUTHY.has(value?.trim().toLowerCase() ?? '');
}

/**
 * Whether EMF documents are written, as Powertools decides it (README: its variables work as documented):
 * POWERTOOLS_METRICS_DISABLED when set, else off in POWERTOOLS_DEV mode. Read once, at init.
 */
export function metricsDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const disabled = env.POWERTOOLS_METRICS_DISABLED;
  if (disabled !== undefined) return isTruthy(disabled);
  return isTruthy(env.POWERTOOLS_DEV);
}
