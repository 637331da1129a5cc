/**
 * Print the README's table of detection rules (and their thresholds) from the one list of rules:
 *
 *     deno run tools/rules_table.ts
 */
import { RULES } from "../lib/detect/rules/mod.ts";

console.log("| rule | severity | ATT&CK | what it looks for | thresholds (default) |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of RULES) {
  const options = Object.entries(r.options ?? {})
    .map(([name, o]) => `\`${r.id}.${name}\` (${o.default}): ${o.description}`)
    .join("; ");
  const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  console.log(
    `| \`${r.id}\` | ${r.severity} | ${r.technique} ${cell(r.techniqueName)} | **${
      cell(r.title)
    }**: ${cell(r.description)} | ${cell(options) || "—"} |`,
  );
}
console.error(`${RULES.length} rules`);
