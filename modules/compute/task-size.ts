/**
 * Fargate accepts only certain CPU and memory pairs; anything else fails when the task definition is
 * registered, long after synth. Source: "Task CPU and memory" in the Amazon ECS Developer Guide
 * (Linux containers on platform version 1.4.0).
 */
import { PropError } from "../validation/prop-error.js";

const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);

/** CPU units → the memory sizes (MiB) Fargate allows with it. */
export const FARGATE_TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Throws, naming the field, unless `cpu` and `memoryMiB` are a pair Fargate accepts. */
export function assertFargateTaskSize(cpu: number, memoryMiB: number, field: string): void {
  const memories = FARGATE_TASK_SIZES[cpu];
  if (!memories) {
    throw new PropError(
      `${field}.cpu`,
      `${cpu} is not a Fargate CPU size (use one of ${Object.keys(FARGATE_TASK_SIZES).join(", ")})`,
    );
  }
  if (!memories.includes(memoryMiB)) {
    const allowed =
      memories.length <= 8
        ? memories.join(", ")
        : `${memories[0]}–${memories[memories.length - 1]} in steps of ${(memories[1] ?? 0) - (memories[0] ?? 0)}`;
    throw new PropError(`${field}.memoryMiB`, `${memoryMiB} is not allowed with cpu ${cpu} (use ${allowed})`);
  }
}
