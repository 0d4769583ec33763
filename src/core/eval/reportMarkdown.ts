// The eval report as Markdown. Every text from a task or a model is escaped: no HTML of theirs reaches a renderer.
import type { EvalResult, GroupMetrics } from './evalTypes';
import { acceptedText, checksText, decidedBy, headline, pct, ratio, secs, testText, usd } from './reportText';

/** A table cell: no markup, no line break, no column break. */
export function mdCell(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!).replace(/([\\|`*_[\]])/g, '\\$1').replace(/\r?\n/g, ' ');
}

function groupTable(title: string, groups: readonly GroupMetrics[]): string[] {
  return [
    `## ${title}`, '',
    '| | Attempts | Accepted | Local accept | False accepts | False escalations | Test passes | Well formed | Syntax errors | Judge precision / recall | Cloud calls | Cost | Time per task |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...groups.map((g) => `| ${mdCell(g.key)} | ${g.attempts} | ${pct(g.accepted)} | ${pct(g.localAccepted)} | ${pct(g.falseAccepts)} | ${pct(g.falseEscalations)} | ${pct(g.passed)} | ${pct(g.wellFormed)} | ${g.syntaxErrors} | ${ratio(g.judge.precision)} / ${ratio(g.judge.recall)} | ${g.cloudCalls} | ${usd(g.costUsd)} | ${secs(g.msPerTask)} |`),
    '',
  ];
}

function taskSection(r: EvalResult): string[] {
  const lines = ['## Tasks', ''];
  for (const t of r.tasks) {
    lines.push(`### ${mdCell(t.id)}`, '', `${mdCell(t.skill)} · ${mdCell(t.languageId)} · accepted: ${mdCell(acceptedText(t))} · test of the accepted answer: ${t.accepted ? (t.passed ? 'passed' : '**failed**') : '–'} · ${secs(t.ms)} · ${usd(t.costUsd, t.unpriced)}`, '');
    lines.push('| Tier | Verdict | By | Checks | Feedback | Test |', '|---|---|---|---|---|---|');
    for (const a of t.attempts) {
      lines.push(`| ${a.attempt.tierIndex + 1}. ${mdCell(a.attempt.model)} | ${a.attempt.verdict} | ${decidedBy(a)} | ${mdCell(checksText(a))} | ${mdCell((a.attempt.feedback ?? '').slice(0, 300))} | ${testText(a)} |`);
    }
    const tail = t.attempts.find((a) => a.attempt.verdict === 'accept')?.test?.tail ?? [...t.attempts].reverse().find((a) => a.test)?.test?.tail;
    if (tail) lines.push('', '<details><summary>Test output (tail)</summary>', '', '```text', tail.replace(/```/g, "'''").replace(/<\/details>/gi, '&lt;/details&gt;'), '```', '', '</details>');
    lines.push('');
  }
  return lines;
}

export function evalMarkdown(r: EvalResult): string {
  return [
    `# Hyperguild eval: ${r.mode === 'verifier-only' ? 'verifier only' : 'the cascade'}`, '',
    `Started ${mdCell(r.startedAt)}. Chain: ${r.chain.map((t) => `${mdCell(t.label)} (${t.kind}${t.verify ? ', judged' : ''})`).join(' → ')}${r.verifierModel ? `; verifier ${mdCell(r.verifierModel)}` : ''}.`, '',
    '| Measure | Value |', '|---|---|',
    ...headline(r).map(([k, v]) => `| ${mdCell(k)} | ${mdCell(v)} |`), '',
    ...groupTable('Per tier', r.perTier),
    ...groupTable('Per skill', r.perSkill),
    ...taskSection(r),
  ].join('\n');
}
