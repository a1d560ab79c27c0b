/** An ECS task definition's containers, parsed from `container_definitions` (known JSON or its template). */
import { isRecord, jsonDocument, type PlannedResource, show, Unresolved } from "../plan/plan-model.js";

export type Containers =
  | { readonly ok: true; readonly containers: ReadonlyArray<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string };

export function containersOf(taskDefinition: PlannedResource): Containers {
  const value = taskDefinition.values.container_definitions;
  const document = jsonDocument(value);
  if (!Array.isArray(document)) {
    const why = value instanceof Unresolved ? show(value) : "not a JSON list";
    return { ok: false, reason: `container_definitions is ${why}` };
  }
  return { ok: true, containers: document.filter(isRecord) };
}

/** How a container is named in messages. */
export function containerName(container: Record<string, unknown>, index: number): string {
  return typeof container.name === "string" ? `container "${container.name}"` : `container ${index + 1}`;
}
