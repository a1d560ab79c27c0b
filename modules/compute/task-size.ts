/**
 * Fargate accepts only certain CPU and memory pairs; anything else fails when the task definition is
 * registered, long after synth. Source: "Task CPU and memory" in the Amazon ECS Developer Guide
 * (Linux containers on platform version 1.4.0).
 */
import { Token } from "cdktf";
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

/** What a task's CPU must be: `must be a Fargate CPU size: one of 256, 512, …`. */
export const FARGATE_CPU_RULE = `must be a Fargate CPU size: one of ${Object.keys(FARGATE_TASK_SIZES).join(", ")}`;

/** The memory sizes Fargate allows with `cpu`, in words: `512, 1024, 2048` or `2048–8192 in steps of 1024`. */
function allowedMemory(cpu: number): string {
  const memories = FARGATE_TASK_SIZES[cpu] ?? [];
  return memories.length <= 8
    ? memories.join(", ")
    : `${memories[0]}–${memories[memories.length - 1]} in steps of ${(memories[1] ?? 0) - (memories[0] ?? 0)}`;
}

/**
 * What a task's memory must be: with `cpu`, the sizes Fargate pairs with it; without, the whole
 * table (`256 → 512, 1024, 2048; 512 → 1024–4096 in steps of 1024; …`), for a check that cannot
 * name the CPU in its message (a Terraform variable's validation).
 */
export function fargateMemoryRule(cpu?: number): string {
  if (cpu !== undefined) return `must be a size Fargate pairs with cpu ${cpu}: ${allowedMemory(cpu)}`;
  const table = Object.keys(FARGATE_TASK_SIZES)
    .map((c) => `${c} → ${allowedMemory(Number(c))}`)
    .join("; ");
  return `must be a size Fargate pairs with the cpu (${table})`;
}

/**
 * Throws, naming the field, unless `cpu` and `memoryMiB` are a pair Fargate accepts. Terraform
 * references pass (a module's variables check the pair in their own validation).
 */
export function assertFargateTaskSize(cpu: number, memoryMiB: number, field: string): void {
  if (Token.isUnresolved(cpu) || Token.isUnresolved(memoryMiB)) return;
  if (!FARGATE_TASK_SIZES[cpu]) throw new PropError(`${field}.cpu`, `${cpu} ${FARGATE_CPU_RULE}`);
  if (!FARGATE_TASK_SIZES[cpu]?.includes(memoryMiB)) {
    throw new PropError(`${field}.memoryMiB`, `${memoryMiB} ${fargateMemoryRule(cpu)}`);
  }
}
