import { isRecord } from "../../plan/plan-model.js";
import { containerName, containersOf } from "../container-definitions.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

/** Variable names that usually hold a secret. */
const SECRET_NAME =
  /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|CLIENT_?SECRET|SIGNING_?KEY)/i;
/** …unless the name says the value only points at one. */
const POINTER_NAME =
  /(_ARN|_ID|_NAME|_PATH|_FILE|_REGION|_URL|_URI|_ENDPOINT|_HEADER|_TTL|_SECONDS|_EXPIRY)$/i;
/** Values that are secrets whatever the variable is called. */
const SECRET_VALUE = [
  /AKIA[0-9A-Z]{16}/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // URL with user:password@
  /\b(ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{20,}/,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/,
  /\bsk_live_[A-Za-z0-9]{16,}/,
];

/** A literal that could be a secret: not empty, a reference, an ARN, a number or a boolean. */
function isSecretShaped(value: string): boolean {
  const v = value.trim();
  if (v === "" || /^\$\{[^}]*\}$/.test(v) || v.startsWith("arn:")) return false;
  if (/^(true|false|\d+(\.\d+)?)$/i.test(v)) return false;
  return true;
}

export const ecsPlaintextSecrets = defineRule({
  id: "KIT_ECS_1",
  title: "No plaintext secrets in task definition environment variables",
  severity: "high",
  resourceTypes: ["aws_ecs_task_definition"],
  check(taskDefinition) {
    const parsed = containersOf(taskDefinition);
    if (!parsed.ok) return unverified(parsed.reason);
    const found: string[] = [];
    parsed.containers.forEach((container, i) => {
      for (const variable of Array.isArray(container.environment) ? container.environment : []) {
        if (!isRecord(variable) || typeof variable.name !== "string" || typeof variable.value !== "string")
          continue;
        const byName = SECRET_NAME.test(variable.name) && !POINTER_NAME.test(variable.name);
        const byValue = SECRET_VALUE.some((pattern) => pattern.test(variable.value as string));
        if (byValue || (byName && isSecretShaped(variable.value)))
          found.push(`${containerName(container, i)}: ${variable.name}`);
      }
    });
    return found.length
      ? fail(`secret-looking plaintext environment variables: ${found.join(", ")}`)
      : pass();
  },
  fix: "Store the value in Secrets Manager (or SSM SecureString) and pass it through the container's secrets (valueFrom), not environment.",
});
