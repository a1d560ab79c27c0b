/**
 * The one error type for a prop (or argument) a module refuses. The prop's path travels as data
 * (`field`), so a caller such as the CDKTF app can tell "this configuration is wrong" from "this
 * code is broken" without parsing messages, and can show the field beside its own context.
 */
export class PropError extends Error {
  /**
   * Where the bad value was given, as a path from the module's name: `database.backupRetentionDays`,
   * `network.subnetCidrs.private[1]`, `edge.certificate.subjectAlternativeNames`.
   */
  readonly field: string;
  /** What is wrong and what to do, without the field: `3 is too short for a protected database; …`. */
  readonly problem: string;

  /** The message reads `<field>: <problem>`. */
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = "PropError";
    this.field = field;
    this.problem = problem;
  }
}
