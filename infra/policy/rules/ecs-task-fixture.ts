/** An ECS task definition for rule tests; container definitions embed references, as the compute module's do. */
import { later } from "../../plan/plan-fixture.js";

export function taskDefinition(containers: Array<Record<string, unknown>>) {
  return {
    address: "aws_ecs_task_definition.app",
    values: {
      family: "acme-dev-app",
      cpu: "256",
      memory: "512",
      container_definitions: later(
        JSON.stringify(
          containers.map((c) => ({
            name: "app",
            image: `\${aws_ecr_repository.app.repository_url}:abc123`,
            essential: true,
            readonlyRootFilesystem: true,
            ...c,
          })),
        ),
      ),
    },
  };
}
