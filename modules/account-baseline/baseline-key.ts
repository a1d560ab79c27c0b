import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { KMS_KEY_ADMINISTRATION_ACTIONS, type PolicyStatement, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";

/** Props of `BaselineKey`: its alias, purpose and description. */
export interface BaselineKeyProps {
  /** Names the key's alias (`alias/<project>-<env>-<purpose>`) and tags it. */
  readonly naming: Naming;
  /** What the key protects; part of its alias. */
  readonly purpose: string;
  /** Shown in the KMS console. */
  readonly description: string;
}

/**
 * A customer managed KMS key, rotated yearly, whose policy lets the account administer it and lets
 * each AWS service use it only through a statement added for that service (`addToKeyPolicy`): the
 * account baseline's trail, its log group and its alarm topic share one key, one dollar a month.
 */
export class BaselineKey extends Construct {
  /** The KMS key. */
  readonly key: KmsKey;
  /** The key's ARN, for the resources it encrypts. */
  readonly keyArn: string;
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: BaselineKeyProps) {
    super(scope, id);
    const { naming } = props;
    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      // The key protects the audit trail: deleting it makes every log file unreadable. The longest
      // window AWS allows gives the most time to notice a scheduled deletion (and cancel it).
      deletionWindowInDays: 30,
      policy: Lazy.stringValue({
        produce: () =>
          policyDocument([
            {
              sid: "AccountAdministersKey",
              principal: { AWS: `arn:aws:iam::${naming.accountId}:root` },
              actions: KMS_KEY_ADMINISTRATION_ACTIONS,
              resources: ["*"],
            },
            ...this.statements,
          ]),
      }),
      tags: { Name: naming.name(props.purpose) },
    });
    this.keyArn = this.key.arn;
    new KmsAlias(this, "alias", { name: `alias/${naming.name(props.purpose)}`, targetKeyId: this.key.keyId });
  }

  /**
   * Adds a statement to the key policy: a service (or the account's principals) may use the key,
   * under the statement's conditions. In a key policy, `resources` is always `["*"]`: the key itself.
   */
  addToKeyPolicy(statement: Omit<PolicyStatement, "resources">): void {
    if (!statement.principal) {
      throw new PropError("accountBaseline.key", "a key policy statement needs a principal");
    }
    this.statements.push({ ...statement, resources: ["*"] });
  }
}
