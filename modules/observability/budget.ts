/** The environment's monthly cost budget, alerting by email and through the alarm topic. */
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget/index.js";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";

/** Budget alert percentages when none are given. */
export const DEFAULT_BUDGET_THRESHOLDS_PERCENT: readonly number[] = [50, 80, 100];
/** Each percentage is an actual and a forecast alert, and AWS allows 10 notifications per budget. */
export const MAX_BUDGET_THRESHOLDS = 5;

/** What `createBudget` needs. */
export interface BudgetProps {
  readonly naming: Naming;
  readonly monthlyBudgetUsd: number;
  readonly thresholdsPercent: readonly number[];
  readonly alarmEmail: string;
  readonly topicArn: string;
  /** The topic's policy: Budgets checks that it may publish when the notification is created. */
  readonly topicPolicy: ITerraformDependable;
}

/**
 * A monthly COST budget (`<project>-<env>-monthly-cost`) of this environment's spend only, alerting
 * at each percentage on actual and on forecast spend.
 */
export function createBudget(scope: Construct, props: BudgetProps): BudgetsBudget {
  const { naming } = props;
  return new BudgetsBudget(scope, "budget", {
    name: naming.name("monthly-cost"),
    budgetType: "COST",
    timeUnit: "MONTHLY",
    limitAmount: String(props.monthlyBudgetUsd),
    limitUnit: "USD",
    // Only this environment's spend. Needs `Environment` activated as a cost allocation tag.
    costFilter: [{ name: "TagKeyValue", values: [`user:Environment$${naming.environment}`] }],
    notification: props.thresholdsPercent.flatMap((threshold) =>
      (["ACTUAL", "FORECASTED"] as const).map((notificationType) => ({
        notificationType,
        comparisonOperator: "GREATER_THAN",
        threshold,
        thresholdType: "PERCENTAGE",
        // Email directly as well as through the topic: a budget alert still arrives if the topic
        // subscription was never confirmed.
        subscriberEmailAddresses: [props.alarmEmail],
        subscriberSnsTopicArns: [props.topicArn],
      })),
    ),
    // Budgets checks that it may publish to the topic when the notification is created.
    dependsOn: [props.topicPolicy],
    tags: { Name: naming.name("monthly-cost") },
  });
}
