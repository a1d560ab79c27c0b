/**
 * Compute: an ECR repository, an ECS cluster and a hardened Fargate service with its migration task.
 *
 * @packageDocumentation
 */
export * from "./capacity.js";
export * from "./cluster.js";
export * from "./ec2-capacity.js";
export * from "./efs-volume.js";
export * from "./environment.js";
export * from "./fargate-service.js";
export * from "./fargate-service-props.js";
export * from "./repository.js";
export * from "./run-task.js";
export * from "./scheduled-task.js";
export * from "./sidecars.js";
export * from "./task-size.js";
