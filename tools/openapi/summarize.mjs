// Reads the two linters' JSON reports, writes summary.json and summary.txt, prints the counts and the commonest
// rules, and exits 1 when a report is missing or unreadable, or when enforced and any error was found.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [out, enforcedFlag, document] = process.argv.slice(2);
const enforced = enforcedFlag === "true";

function read(name) {
  try {
    return JSON.parse(readFileSync(join(out, `${name}.json`), "utf8"));
  } catch (error) {
    console.error(`${name} did not report (${error.message}); its output: ${join(out, `${name}.log`)}`);
    return null;
  }
}

const redocly = read("redocly");
const spectral = read("spectral");
if (!redocly?.totals || !Array.isArray(spectral)) {
  process.exit(1);
}

// Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
const summary = {
  enforced,
  document,
  redocly: { errors: redocly.totals.errors, warnings: redocly.totals.warnings },
  spectral: {
    errors: spectral.filter((p) => p.severity === 0).length,
    warnings: spectral.filter((p) => p.severity === 1).length,
  },
};
const line =
  `OpenAPI lint: Redocly ${summary.redocly.errors} errors, ${summary.redocly.warnings} warnings; ` +
  `Spectral OWASP ${summary.spectral.errors} errors, ${summary.spectral.warnings} warnings` +
  (enforced ? "" : " (not enforced yet: OPENAPI_LINT_ENFORCED in scripts/openapi-lint)");
writeFileSync(join(out, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
writeFileSync(join(out, "summary.txt"), line + "\n");

function commonest(rules) {
  const counts = new Map();
  for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([rule, n]) => `${n} ${rule}`).join(", ");
}

console.log(line);
const redoclyErrors = redocly.problems.filter((p) => p.severity === "error").map((p) => p.ruleId);
const spectralErrors = spectral.filter((p) => p.severity === 0).map((p) => p.code);
if (redoclyErrors.length) console.log(`  Redocly errors: ${commonest(redoclyErrors)}`);
if (spectralErrors.length) console.log(`  Spectral errors: ${commonest(spectralErrors)}`);
console.log(`  Reports: ${out}/redocly.json, ${out}/spectral.json`);

process.exit(enforced && summary.redocly.errors + summary.spectral.errors > 0 ? 1 : 0);
