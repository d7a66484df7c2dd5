// The GraphQL-over-HTTP server audit of graphql-http (the spec's reference implementation)
// against the URL given; prints one JSON line: {"ok": n, "total": n, "failed": [...]}.
import { serverAudits } from 'graphql-http';

const audits = serverAudits({ url: process.argv[2] });
const failed = [];
let ok = 0;
for (const audit of audits) {
  const result = await audit.fn();
  if (result.status === 'ok') ok++;
  else failed.push(`${result.status} ${audit.name}: ${result.reason}`);
}
console.log(JSON.stringify({ ok, total: audits.length, failed }));
