// The escalation report's page: inline SVG charts in the theme's colours, no remote resource, a strict CSP (only
// this page's nonce may run a script or a style). Pure string building, no editor import; every text is escaped.
import type { ReportData, ReportFilter } from '../../core/history/historyReport';
import { english, type Translate } from '../translate';
import { formatDuration } from '../../backends/httpErrors';
import { SETTING_NAMES } from '../../core/settingKeys';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const usd = (n: number) => `$${n.toFixed(n >= 1 ? 2 : 4)}`;
const ms = (n: number) => (Number.isFinite(n) ? `${(n / 1000).toFixed(1)} s` : '–');
const runsText = (n: number, t: Translate) => (n === 1 ? t('1 run') : t('{0} runs', n));
const pct = (n: number, of: number) => (of ? `${Math.round((100 * n) / of)} %` : '–');

/** Never a made-up $0: runs at a price nobody knows are said apart. */
function spendText(spent: number, unpricedRuns: number, t: Translate): string {
  if (!unpricedRuns) return t('Cloud spend {0}', usd(spent));
  return spent ? t('Cloud spend {0} (plus {1} unpriced)', usd(spent), runsText(unpricedRuns, t)) : t('Cloud spend unknown ({0} unpriced)', runsText(unpricedRuns, t));
}

const W = 640;
const H = 160;

function stackedDays(data: ReportData, t: Translate): string {
  const days = data.resolution;
  if (!days.length) return `<p class="empty">${esc(t('No runs in this period.'))}</p>`;
  const max = Math.max(1, ...days.map((d) => d.local + d.cloud + d.none));
  const bw = Math.max(2, Math.min(28, (W - 40) / days.length - 2));
  const bars = days.map((d, i) => {
    const x = 30 + i * (bw + 2);
    let y = H - 20;
    return (['local', 'cloud', 'none'] as const).map((k) => {
      const h = ((H - 30) * d[k]) / max;
      y -= h;
      return h > 0 ? `<rect class="${k}" x="${x}" y="${y.toFixed(1)}" width="${bw}" height="${h.toFixed(1)}"><title>${esc(d.day)}: ${esc(k === 'none' ? t('{0} not resolved', d[k]) : k === 'local' ? t('{0} resolved on a local tier', d[k]) : t('{0} resolved on a cloud tier', d[k]))}</title></rect>` : '';
    }).join('');
  }).join('');
  return `<svg role="img" aria-label="${esc(t('Runs resolved locally, on the cloud, or not at all, per day'))}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
    <text x="0" y="12" class="axis">${max}</text><line class="axis" x1="28" y1="${H - 20}" x2="${W}" y2="${H - 20}"/>${bars}
    <text x="30" y="${H - 4}" class="axis">${esc(days[0].day)}</text><text x="${W}" y="${H - 4}" text-anchor="end" class="axis">${esc(days[days.length - 1].day)}</text></svg>`;
}

function reasonBars(data: ReportData, t: Translate): string {
  if (!data.reasons.length) return `<p class="empty">${esc(t('Nothing was escalated in this period.'))}</p>`;
  const rows = data.reasons.slice(0, 10);
  const max = Math.max(...rows.map((r) => r.count));
  const h = 22 * rows.length;
  const bars = rows.map((r, i) => {
    const w = ((W - 260) * r.count) / max;
    return `<text x="0" y="${i * 22 + 15}">${esc(r.reason)}</text><rect class="reason" x="230" y="${i * 22 + 3}" width="${w.toFixed(1)}" height="16"/><text x="${(236 + w).toFixed(1)}" y="${i * 22 + 15}">${r.count}</text>`;
  }).join('');
  return `<svg role="img" aria-label="${esc(t('Why answers were escalated'))}" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}">${bars}</svg>`;
}

/** What the code checks rejected and, where the judge was asked as well, how much of it the judge would have let through. */
function checksCaught(data: ReportData, t: Translate): string {
  const { rejected, judged, judgeWouldHaveAccepted } = data.checks;
  if (!rejected) return `<p class="empty" id="checks">${esc(t('No answer was rejected by code checks in this period.'))}</p>`;
  const count = rejected === 1 ? t('Code checks rejected 1 answer.') : t('Code checks rejected {0} answers.', rejected);
  const known = judged
    ? t('The judge was also asked about {0} of them: it would have accepted {1} ({2}), which the checks caught.', judged, judgeWouldHaveAccepted, pct(judgeWouldHaveAccepted, judged))
    : rejected === 1
      ? t('Whether the judge would have accepted it is not known: no run asked the judge after a failed check.')
      : t('Whether the judge would have accepted them is not known: no run asked the judge after a failed check.');
  return `<p id="checks">${esc(count)} ${esc(known)}</p>`;
}

/** What the adaptive start's skips saved: time, and the answers that would have been escalated anyway. */
function skippingSaved(data: ReportData, t: Translate): string {
  const { skipped, savedMs, wouldHaveEscalated } = data.skipping;
  if (!skipped) return `<p class="empty" id="skipping">${esc(t('No tier was skipped in this period ({0}).', SETTING_NAMES.adaptive))}</p>`;
  const saved = t('Skipping tiers that rarely paid saved about {0} over {1} skipped attempts; at their recent rates, about {2} of those answers would have been escalated anyway.', formatDuration(savedMs), skipped, wouldHaveEscalated);
  return `<p id="skipping">${esc(saved)}</p>`;
}

function spendBars(data: ReportData, t: Translate): string {
  const days = data.spend;
  if (!days.length) return `<p class="empty">${esc(t('No runs in this period.'))}</p>`;
  const max = Math.max(1e-9, ...days.flatMap((d) => [d.costUsd, d.avoidedUsd]));
  const bw = Math.max(1, Math.min(14, (W - 40) / days.length / 2 - 1));
  const bars = days.map((d, i) => {
    const x = 30 + i * (2 * bw + 3);
    const hc = ((H - 30) * d.costUsd) / max;
    const ha = ((H - 30) * d.avoidedUsd) / max;
    const spend = d.unpricedRuns ? t('cloud spend {0} (plus {1} unpriced)', usd(d.costUsd), runsText(d.unpricedRuns, t)) : t('cloud spend {0}', usd(d.costUsd));
    return `<rect class="cost" x="${x}" y="${(H - 20 - hc).toFixed(1)}" width="${bw}" height="${hc.toFixed(1)}"><title>${esc(d.day)}: ${esc(spend)}</title></rect>`
      + `<rect class="avoided" x="${x + bw}" y="${(H - 20 - ha).toFixed(1)}" width="${bw}" height="${ha.toFixed(1)}"><title>${esc(d.day)}: ${esc(t('cloud cost avoided ≈ {0} (estimate)', usd(d.avoidedUsd)))}</title></rect>`;
  }).join('');
  return `<svg role="img" aria-label="${esc(t('Cloud spend against the estimated cloud cost avoided, per day'))}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
    <text x="0" y="12" class="axis">${usd(max)}</text><line class="axis" x1="28" y1="${H - 20}" x2="${W}" y2="${H - 20}"/>${bars}</svg>`;
}

function modelTable(data: ReportData, t: Translate): string {
  if (!data.models.length) return '';
  const rows = data.models.map((m) => `<tr><td>${esc(m.model)}</td><td>${esc(m.tier === 'local' ? t('local') : t('cloud'))}</td><td>${m.attempts}</td><td>${pct(m.accepted, m.attempts)}</td><td>${pct(m.applied, m.accepted)}</td><td>${ms(m.medianMs)}</td><td>${ms(m.p95Ms)}</td><td>${m.medianLoadMs === undefined ? '–' : ms(m.medianLoadMs)}</td></tr>`).join('');
  const head = [t('Model'), t('Tier'), t('Attempts'), t('Accepted'), t('Applied (of accepted)'), t('Median'), t('p95'), t('Median cold load')].map((h) => `<th>${esc(h)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** The page; `t` makes its sentences ready for translation (the report view passes vscode.l10n.t). */
export function reportHtml(data: ReportData, filter: ReportFilter, nonce: string, cspSource: string, t: Translate = english): string {
  const period = filter.days === undefined ? 'all' : String(filter.days);
  const option = (value: string, label: string, selected: boolean) => `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  const totals = data.resolution.reduce((t, d) => ({ local: t.local + d.local, cloud: t.cloud + d.cloud, none: t.none + d.none }), { local: 0, cloud: 0, none: 0 });
  const spent = data.spend.reduce((s, d) => s + d.costUsd, 0);
  const avoided = data.spend.reduce((s, d) => s + d.avoidedUsd, 0);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource}; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<title>${esc(t('Hyperguild: Escalation Report'))}</title>
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); padding: 0 16px 24px; }
  h2 { font-size: 1.1em; margin-top: 1.6em; } .empty, .axis, small { color: var(--vscode-descriptionForeground); }
  svg text { fill: var(--vscode-foreground); font-size: 11px; } svg .axis { fill: var(--vscode-descriptionForeground); stroke: var(--vscode-descriptionForeground); }
  .local { fill: var(--vscode-charts-green); } .cloud { fill: var(--vscode-charts-purple); } .none { fill: var(--vscode-charts-red); }
  .reason { fill: var(--vscode-charts-orange); } .cost { fill: var(--vscode-charts-purple); } .avoided { fill: var(--vscode-charts-green); }
  table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid var(--vscode-panel-border); text-align: left; }
  .legend span { margin-right: 14px; } .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
  .swatch.local { background: var(--vscode-charts-green); } .swatch.cloud { background: var(--vscode-charts-purple); } .swatch.none { background: var(--vscode-charts-red); }
  .swatch.avoided { background: var(--vscode-charts-green); } .swatch.cost { background: var(--vscode-charts-purple); }
  button, select { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; margin-right: 6px; }
</style></head><body>
<h1>${esc(t('Escalation report'))}</h1>
<p>
  <select id="period">${option('7', t('Last 7 days'), period === '7')}${option('30', t('Last 30 days'), period === '30')}${option('all', t('All time'), period === 'all')}</select>
  <select id="workspace">${option('', t('All workspaces'), filter.workspace === undefined)}${data.workspaces.map((w) => option(w, w, w === filter.workspace)).join('')}</select>
  <button id="csv">${esc(t('Export CSV'))}</button><button id="json">${esc(t('Export JSON'))}</button>
</p>
<p>${esc(t('{0} runs: {1} resolved locally ({2}), {3} on the cloud, {4} not resolved.', data.runs, totals.local, pct(totals.local, data.runs), totals.cloud, totals.none))} ${esc(spendText(spent, data.unpriced.runs, t))}; ${esc(t('cloud cost avoided ≈ {0}', usd(avoided)))} <small>${esc(t('(estimate: the first cloud tier at list price for the local answers\' tokens)'))}</small>.</p>
<h2>${esc(t('Advice'))}</h2>
${data.advice.length ? `<ul id="advice">${data.advice.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>` : `<p class="empty" id="advice">${esc(t('Nothing to change: no tier stands out in this period.'))}</p>`}
<h2>${esc(t('Where runs were resolved'))}</h2>
<p class="legend"><span><i class="swatch local"></i>${esc(t('local'))}</span><span><i class="swatch cloud"></i>${esc(t('cloud'))}</span><span><i class="swatch none"></i>${esc(t('not resolved'))}</span></p>
${stackedDays(data, t)}
<h2>${esc(t('Per model'))}</h2>
${modelTable(data, t)}
<h2>${esc(t('Why answers were escalated'))}</h2>
${reasonBars(data, t)}
${checksCaught(data, t)}
<h2>${esc(t('Where runs started ({0})', SETTING_NAMES.adaptive))}</h2>
${skippingSaved(data, t)}
<h2>${esc(t('Cloud spend and cloud cost avoided (estimate)'))}</h2>
<p class="legend"><span><i class="swatch cost"></i>${esc(t('spend'))}</span><span><i class="swatch avoided"></i>${esc(t('avoided (estimate)'))}</span></p>
${spendBars(data, t)}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const filter = () => vscode.postMessage({ type: 'filter', period: document.getElementById('period').value, workspace: document.getElementById('workspace').value });
  document.getElementById('period').addEventListener('change', filter);
  document.getElementById('workspace').addEventListener('change', filter);
  document.getElementById('csv').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'csv' }));
  document.getElementById('json').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'json' }));
  // Tell the extension what was drawn (the tests read it back; nothing leaves the machine).
  vscode.postMessage({ type: 'rendered', charts: document.querySelectorAll('svg').length, advice: document.querySelectorAll('#advice li').length, runs: ${data.runs} });
</script>
</body></html>`;
}
