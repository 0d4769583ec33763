// The eval report as one self-contained HTML page: inline SVG charts, no script, no remote resource, a CSP that
// allows only this page's own style (its nonce). Every text from a task or a model is escaped.
import type { EvalResult, GroupMetrics, Rate } from './evalTypes';
import { acceptedText, checksText, decidedBy, headline, pct, ratio, secs, testText, usd } from './reportText';

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const e = escapeHtml;
const share = (r: Rate) => (r.of ? r.n / r.of : 0);

const W = 640;
const ROW = 22;
const LABEL = 200;

interface Series {
  name: string;
  cls: string;
  value: (g: GroupMetrics) => Rate;
}

/** Horizontal bars, one group per row and one bar per series, each bar a share from 0 to 100 %. */
function rateBars(title: string, groups: readonly GroupMetrics[], series: readonly Series[]): string {
  if (!groups.length) return '';
  const band = ROW * series.length + 8;
  const h = groups.length * band + 24;
  const scale = W - LABEL - 60;
  const rows = groups.map((g, gi) => {
    const y0 = gi * band;
    const bars = series.map((s, si) => {
      const r = s.value(g);
      const y = y0 + si * ROW;
      return `<rect class="${s.cls}" x="${LABEL}" y="${y + 2}" width="${(scale * share(r)).toFixed(1)}" height="${ROW - 6}"><title>${e(`${g.key}: ${s.name} ${pct(r)}`)}</title></rect>`
        + `<text class="value" x="${LABEL + scale * share(r) + 4}" y="${y + ROW - 8}">${e(pct(r))}</text>`;
    }).join('');
    return `<text class="label" x="0" y="${y0 + ROW - 8}">${e(g.key.length > 28 ? `${g.key.slice(0, 27)}…` : g.key)}</text>${bars}`;
  }).join('');
  const legend = series.map((s, i) => `<rect class="${s.cls}" x="${LABEL + i * 150}" y="${h - 14}" width="10" height="10"/><text class="value" x="${LABEL + i * 150 + 14}" y="${h - 5}">${e(s.name)}</text>`).join('');
  return `<h2>${e(title)}</h2><svg role="img" aria-label="${e(title)}" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}">${rows}${legend}</svg>`;
}

/** Cost and pass rate: the cascade against sending everything to the cloud, and against the first tier alone. */
function costChart(r: EvalResult): string {
  const o = r.overall;
  const bars: { name: string; cost: number; pass: Rate }[] = [{ name: 'Cascade', cost: o.costUsd, pass: o.passed }];
  const cloud = r.baselines?.cloudOnly;
  if (cloud) bars.push({ name: `Cloud only (${cloud.model})`, cost: cloud.costUsd, pass: { n: cloud.passed, of: cloud.tasks } });
  const local = r.baselines?.localOnly;
  if (local) bars.push({ name: `Local only (${local.model})`, cost: local.costUsd, pass: { n: local.passed, of: local.tasks } });
  const max = Math.max(...bars.map((b) => b.cost), 1e-9);
  const scale = W - LABEL - 120;
  const h = bars.length * ROW + 8;
  const rows = bars.map((b, i) => `<text class="label" x="0" y="${i * ROW + 14}">${e(b.name.length > 28 ? `${b.name.slice(0, 27)}…` : b.name)}</text>`
    + `<rect class="cost" x="${LABEL}" y="${i * ROW + 2}" width="${((scale * b.cost) / max).toFixed(1)}" height="${ROW - 6}"><title>${e(`${b.name}: ${usd(b.cost)}`)}</title></rect>`
    + `<text class="value" x="${LABEL + (scale * b.cost) / max + 4}" y="${i * ROW + 14}">${e(`${usd(b.cost)} · pass ${pct(b.pass)}`)}</text>`).join('');
  return `<h2>Cost against the baselines</h2><svg role="img" aria-label="Cost against the baselines" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}">${rows}</svg>`;
}

function groupTable(title: string, groups: readonly GroupMetrics[]): string {
  const head = ['', 'Attempts', 'Accepted', 'Local accept', 'False accepts', 'False escalations', 'Test passes', 'Well formed', 'Syntax errors', 'Judge precision / recall', 'Cloud calls', 'Cost', 'Time per task'];
  const rows = groups.map((g) => [g.key, String(g.attempts), pct(g.accepted), pct(g.localAccepted), pct(g.falseAccepts), pct(g.falseEscalations), pct(g.passed), pct(g.wellFormed), String(g.syntaxErrors), `${ratio(g.judge.precision)} / ${ratio(g.judge.recall)}`, String(g.cloudCalls), usd(g.costUsd), secs(g.msPerTask)]);
  return `<h2>${e(title)}</h2><table><tr>${head.map((c) => `<th>${e(c)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

function taskRows(r: EvalResult): string {
  const rows = r.tasks.map((t) => {
    const attempts = t.attempts.map((a) => `<li class="${a.attempt.verdict}">${e(`${a.attempt.tierIndex + 1}. ${a.attempt.model}: ${a.attempt.verdict} by ${decidedBy(a)}`)}`
      + `${checksText(a) ? ` <span class="dim">${e(`[${checksText(a)}]`)}</span>` : ''}${a.attempt.feedback ? ` — ${e(a.attempt.feedback.slice(0, 300))}` : ''}; test ${e(testText(a))}</li>`).join('');
    const tail = t.attempts.find((a) => a.attempt.verdict === 'accept')?.test?.tail ?? [...t.attempts].reverse().find((a) => a.test)?.test?.tail;
    const result = t.accepted ? (t.passed ? '<span class="pass">passed</span>' : '<span class="fail">failed</span>') : '–';
    return `<tr><td>${e(t.id)}</td><td>${e(t.skill)}</td><td>${e(acceptedText(t))}</td><td>${result}</td><td>${e(secs(t.ms))}</td><td>${e(usd(t.costUsd, t.unpriced))}</td></tr>`
      + `<tr class="detail"><td colspan="6"><ol>${attempts}</ol>${tail ? `<details><summary>Test output (tail)</summary><pre>${e(tail)}</pre></details>` : ''}</td></tr>`;
  }).join('');
  return `<h2>Tasks</h2><table><tr><th>Task</th><th>Skill</th><th>Accepted</th><th>Test</th><th>Time</th><th>Cost</th></tr>${rows}</table>`;
}

const STYLE = `body{font-family:var(--vscode-font-family,system-ui,sans-serif);color:var(--vscode-foreground,#222);background:var(--vscode-editor-background,#fff);margin:1.5em;max-width:1100px}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #8884;padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}
svg text{fill:currentColor;font-size:12px}.accepted{fill:#3a8}.fa{fill:#d55}.fe{fill:#e93}.passed{fill:#48c}.cost{fill:#96c}
.pass{color:#2a7}.fail{color:#c33;font-weight:bold}.dim{opacity:.7}li.error{opacity:.7}pre{white-space:pre-wrap;max-height:20em;overflow:auto;background:#8881;padding:.5em}tr.detail td{border-top:none}`;

export function evalHtml(r: EvalResult, nonce: string): string {
  const chain = r.chain.map((t) => `${t.label} (${t.kind}${t.verify ? ', judged' : ''})`).join(' → ');
  const series: Series[] = [
    { name: 'accepted', cls: 'accepted', value: (g) => g.accepted },
    { name: 'false accepts', cls: 'fa', value: (g) => g.falseAccepts },
    { name: 'false escalations', cls: 'fe', value: (g) => g.falseEscalations },
    { name: 'test passes', cls: 'passed', value: (g) => g.passed },
  ];
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${e(nonce)}';">
<title>Hyperguild eval</title><style nonce="${e(nonce)}">${STYLE}</style></head><body>
<h1>Hyperguild eval: ${r.mode === 'verifier-only' ? 'verifier only' : 'the cascade'}</h1>
<p>Started ${e(r.startedAt)}. Chain: ${e(chain)}${r.verifierModel ? `; verifier ${e(r.verifierModel)}` : ''}.</p>
<table>${headline(r).map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
${rateBars('Per tier', r.perTier, series)}${rateBars('Per skill', r.perSkill, series)}${costChart(r)}
${groupTable('Per tier', r.perTier)}${groupTable('Per skill', r.perSkill)}${taskRows(r)}
</body></html>
`;
}
