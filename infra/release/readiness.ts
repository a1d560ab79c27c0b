/** Waits for a deployed service to answer `/readyz` with 200. */
import type { Runner } from "./runner.js";

export interface ReadinessOptions {
  /** Give up after this long. @default 5 minutes */
  readonly timeoutMs?: number;
  /** Pause between attempts. @default 5 s */
  readonly intervalMs?: number;
}

export async function waitUntilReady(
  runner: Runner,
  url: string,
  options: ReadinessOptions = {},
): Promise<void> {
  runner.note(`GET ${url} until it answers 200`);
  if (runner.dryRun) return;
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (response.status === 200) {
        runner.note(`${url} is ready`);
        return;
      }
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 5_000));
  }
  throw new Error(`${url} did not become ready in time (last: ${last})`);
}
