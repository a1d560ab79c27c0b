import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { PropError } from "../validation/prop-error.js";

/** CloudFront's quota on a function's code: 10 KB. */
export const CLOUDFRONT_FUNCTION_MAX_CODE_BYTES = 10_240;
/** A CloudFront function name: letters, digits, `-` and `_`, up to 64 characters. */
export const CLOUDFRONT_FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Props of `CloudFrontFunction`. */
export interface CloudFrontFunctionProps {
  /** The function's name, unique in the account (letters, digits, `-`, `_`; up to 64). */
  readonly name: string;
  /** The JavaScript source (runtime `cloudfront-js-2.0`) with a `handler(event)` function, up to 10 KB. */
  readonly code: string;
  /** What it does. @default - none */
  readonly comment?: string;
}

/**
 * A CloudFront Function (runtime `cloudfront-js-2.0`, published on every apply) from a string of
 * code, for a behaviour's viewer request or response (`Cdn`'s `behaviours[].functions`). Costs
 * $0.10 per million invocations.
 */
export class CloudFrontFunction extends Construct {
  /** The function resource. */
  readonly function: CloudfrontFunction;
  /** Its ARN (a behaviour's `function_association`). */
  readonly arn: string;
  /** Its name. */
  readonly name: string;
  /** Its code. */
  readonly code: string;

  constructor(scope: Construct, id: string, props: CloudFrontFunctionProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.name) && !CLOUDFRONT_FUNCTION_NAME.test(props.name)) {
      throw new PropError(
        "edge.cloudFrontFunction.name",
        `"${props.name}" must be 1-64 letters, digits, - and _`,
      );
    }
    if (!Token.isUnresolved(props.code)) {
      const bytes = Buffer.byteLength(props.code, "utf8");
      if (bytes > CLOUDFRONT_FUNCTION_MAX_CODE_BYTES) {
        throw new PropError(
          "edge.cloudFrontFunction.code",
          `${bytes} bytes: CloudFront accepts at most ${CLOUDFRONT_FUNCTION_MAX_CODE_BYTES}`,
        );
      }
      if (!/function\s+handler\s*\(/.test(props.code)) {
        throw new PropError("edge.cloudFrontFunction.code", "must define function handler(event)");
      }
    }
    this.function = new CloudfrontFunction(this, "function", {
      name: props.name,
      runtime: "cloudfront-js-2.0",
      publish: true,
      // Terraform would read `${…}` and `%{…}` in the code as its own templates: escape them.
      code: Token.isUnresolved(props.code) ? props.code : props.code.replace(/([$%])\{/g, "$1$1{"),
      comment: props.comment,
    });
    this.arn = this.function.arn;
    this.name = props.name;
    this.code = props.code;
  }
}

/** A CloudFront path pattern (`*` and `?` wildcards) as a regular expression source, anchored. */
function patternSource(pattern: string): string {
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return `^${body}$`;
}

/**
 * The paths the deep-link function leaves alone besides files: each API path pattern, and for
 * `/api/*` also `/api`, for `/healthz` also `/healthz/*`; and `/metrics` (`/metrics/*`), which the
 * load balancer hides. For the default API paths that is exactly the service's own list
 * (`/api`, `/healthz`, `/readyz`, `/metrics`, each with what is under it).
 */
export function spaDeepLinkExclusions(apiPaths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of [...apiPaths, "/metrics"]) {
    out.push(p);
    if (p.endsWith("/*") && p.length > 2) out.push(p.slice(0, -2));
    if (!/[*?]/.test(p)) out.push(`${p}/*`);
  }
  return [...new Set(out)];
}

/**
 * The viewer-request code that serves a single-page app's deep links from `/index.html`: a GET or
 * HEAD for a path outside `spaDeepLinkExclusions(apiPaths)` whose last segment has no file
 * extension (no `.`: `/tasks/123`, `/profile`, `/files/`) is rewritten to `/index.html`; `/`, files
 * (`/assets/app-1.js`, a missing `/favicon.ico` stays a 404) and API paths are left as they are. The
 * same rule as the service's Express fallback (`isFrontEndRoute`).
 */
export function spaDeepLinkFunctionCode(
  apiPaths: readonly string[] = ["/api/*", "/healthz", "/readyz"],
): string {
  const excluded = spaDeepLinkExclusions(apiPaths).map(patternSource);
  return `// Single-page app deep links: paths without a file extension are answered with /index.html.
var EXCLUDED = [${excluded.map((s) => JSON.stringify(s)).join(", ")}].map(function (s) { return new RegExp(s); });

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (request.method !== "GET" && request.method !== "HEAD") return request;
  if (uri === "/" || uri.charAt(0) !== "/") return request;
  for (var i = 0; i < EXCLUDED.length; i++) {
    if (EXCLUDED[i].test(uri)) return request;
  }
  var last = uri.substring(uri.lastIndexOf("/") + 1);
  if (last.indexOf(".") !== -1) return request;
  request.uri = "/index.html";
  return request;
}
`;
}

/** `spaDeepLinkFunctionCode()` for the default API paths (`/api/*`, `/healthz`, `/readyz`). */
export const SPA_DEEP_LINK_FUNCTION_CODE = spaDeepLinkFunctionCode();
