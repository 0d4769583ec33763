// @hyperguild in VS Code's chat: `/refactor`, `/fix`, … (or a user skill's id, or any instruction) run the skill on
// the editor's selection through the chain. The response streams the progress and ends with the attempts and a
// button to the proposal's diff, the same proposal as from the palette; `/apply` and `/escalate` act on the
// conversation's newest proposal.
import * as vscode from 'vscode';
import { attemptsTable, markdownText, type RunReport } from '../../core/engine/report';
import type { Skill } from '../../core/engine/skills';
import type { Proposal, ProposalManager } from '../review/proposals';
import type { RunSurface } from '../review/proposal';
import type { RunSkillArgs } from '../run/runSkillCommand';

export const PARTICIPANT_ID = 'hyperguild.chat';
export const SHOW_PROPOSAL_COMMAND = 'hyperguild.showProposal';

/** What a response that offered a proposal keeps; VS Code restores it with the conversation, even after a reload. */
interface Metadata {
  proposalId?: string;
  /** The proposal's document: a follow-up acts only on a proposal with this id for this document. */
  file?: string;
}

/** A proposal offered in the chat, as its response's metadata (and its Open Proposal button) names it. */
export interface Offer {
  proposalId: string;
  file?: string;
}

/** Said when an offer names no open proposal for its own file (applied, discarded, closed, or from before a reload). */
const offerGone = () => vscode.l10n.t('The proposal this conversation offered is no longer open (applied, discarded, closed, or from before the window reloaded), so nothing was done; run the skill again for a new one.');

/** The open proposal an offer names: its id and its file must both match, so a restored turn never acts on another file. */
export async function offeredProposal(proposals: ProposalManager, offer: Offer): Promise<Proposal | undefined> {
  const proposal = await proposals.resolve(offer.proposalId);
  return proposal && proposal.anchor.uri.toString() === offer.file ? proposal : undefined;
}

export interface ChatDeps {
  proposals: ProposalManager;
  skills(): readonly Skill[];
  runSkill(args: RunSkillArgs, surface: RunSurface): Promise<RunReport>;
  escalate(proposalId: string, feedback: string, surface: RunSurface): Promise<RunReport>;
}

/** The editor a chat request means: the active one, else the one text editor on screen (the chat may have the focus). */
function targetEditor(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active) return active;
  const visible = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === 'file' || e.document.uri.scheme === 'untitled');
  return visible.length === 1 ? visible[0] : undefined;
}

/** The newest proposal this participant offered in the conversation. */
function lastOffer(context: vscode.ChatContext): Offer | undefined {
  for (const turn of [...context.history].reverse()) {
    // A response turn is the one with a result (VS Code's turn classes cannot be constructed outside it).
    if ('result' in turn && turn.participant === PARTICIPANT_ID) {
      const metadata = turn.result.metadata as Metadata | undefined;
      if (metadata?.proposalId) return { proposalId: metadata.proposalId, ...(metadata.file && { file: metadata.file }) };
    }
  }
  return undefined;
}

/** Progress lines without the seconds counter (a chat line is not redrawn every second), each said once. */
function chatSurface(stream: vscode.ChatResponseStream, token: vscode.CancellationToken, onOpened: (p: Proposal) => void): RunSurface {
  const editor = targetEditor();
  return {
    quiet: true,
    ...(editor && { editor }),
    opened: onOpened,
    progress: (title, work) => {
      let last = '';
      stream.progress(`${title}…`);
      return work((message) => {
        const line = message.replace(/ (?:· )?\d+ s$/, '');
        if (line === last) return;
        last = line;
        stream.progress(line);
      }, token);
    },
  };
}

function respond(stream: vscode.ChatResponseStream, report: RunReport, proposal: Proposal | undefined): vscode.ChatResult {
  if (report.status === 'accepted' && report.accepted && proposal) {
    stream.markdown(`${vscode.l10n.t('**{0}** is ready to review (tier {1}).', markdownText(proposal.title), report.accepted.tierIndex + 1)}\n\n${attemptsTable(report.attempts)}\n\n`);
    const file = proposal.anchor.uri.toString();
    stream.button({ command: SHOW_PROPOSAL_COMMAND, arguments: [proposal.id, file], title: vscode.l10n.t('Open Proposal') });
    return { metadata: { proposalId: proposal.id, file } satisfies Metadata };
  }
  const message = report.message ?? vscode.l10n.t('No answer was accepted.');
  stream.markdown(report.attempts.length ? `${attemptsTable(report.attempts)}\n\n` : '');
  if (report.status === 'cancelled') {
    stream.markdown(message);
    return {};
  }
  // What the command's failure notification offers first: the line-by-line check of the setup.
  if (report.status === 'exhausted') stream.button({ command: 'hyperguild.checkSetup', title: vscode.l10n.t('Check Setup') });
  return { errorDetails: { message } };
}

const help = () => vscode.l10n.t('Select code in an editor, then ask `@hyperguild /refactor` (or `/fix`, `/document`, `/simplify`, `/add-types`), ' +
  'a skill of your own by its id, or any instruction (`@hyperguild use async/await`). Local models answer first; an answer ' +
  'that fails a check goes on to the next tier. `/apply` applies the newest proposal, `/escalate <why>` sends it on.');

/** Which skill a request runs, and with what instruction; undefined when it names none and says nothing. */
function chosenSkill(request: vscode.ChatRequest, skills: readonly Skill[]): { skill: Skill; instruction: string } | { problem: string } | undefined {
  const prompt = request.prompt.trim();
  if (request.command) {
    const skill = skills.find((s) => s.id === request.command);
    return skill ? { skill, instruction: prompt } : { problem: vscode.l10n.t('There is no skill "{0}"; use one of {1}.', request.command, skills.map((s) => s.id).join(', ')) };
  }
  if (!prompt) return undefined;
  const [first, ...rest] = prompt.split(/\s+/);
  const named = skills.find((s) => s.id === first);
  if (named) return { skill: named, instruction: rest.join(' ') };
  const custom = skills.find((s) => s.needsInstruction);
  return custom ? { skill: custom, instruction: prompt } : { problem: vscode.l10n.t('There is no skill "{0}"; use one of {1}.', first, skills.map((s) => s.id).join(', ')) };
}

export function chatHandler(deps: ChatDeps): vscode.ChatRequestHandler {
  return async (request, context, stream, token) => {
    let proposal: Proposal | undefined;
    const surface = () => chatSurface(stream, token, (p) => (proposal = p));
    if (request.command === 'apply' || request.command === 'escalate') {
      const offer = lastOffer(context);
      if (!offer) return { errorDetails: { message: vscode.l10n.t('There is no proposal in this conversation yet; run a skill first, for example @hyperguild /refactor.') } };
      const offered = await offeredProposal(deps.proposals, offer);
      if (!offered) return { errorDetails: { message: offerGone() } };
      if (request.command === 'escalate') return respond(stream, await deps.escalate(offered.id, request.prompt.trim(), surface()), proposal);
      const applied = await deps.proposals.apply(offered.id);
      if (!applied.applied) return { errorDetails: { message: applied.reason ?? vscode.l10n.t('The proposal was not applied.') } };
      stream.markdown(vscode.l10n.t('Applied; one undo in the editor (Ctrl+Z) restores the code.'));
      return {};
    }
    const chosen = chosenSkill(request, deps.skills());
    if (!chosen) {
      stream.markdown(help());
      return {};
    }
    if ('problem' in chosen) return { errorDetails: { message: chosen.problem } };
    const { skill, instruction } = chosen;
    if (skill.needsInstruction && !instruction) return { errorDetails: { message: vscode.l10n.t('Say what should change after /{0}, for example "@hyperguild /{0} use async/await".', skill.id) } };
    const report = await deps.runSkill({ skill: skill.id, ...(instruction && { instruction }) }, surface());
    return respond(stream, report, proposal);
  };
}

/** Apply and Escalate under an answer that offered a proposal. */
export const followups: vscode.ChatFollowupProvider = {
  provideFollowups: (result) => ((result.metadata as Metadata | undefined)?.proposalId
    ? [{ prompt: '', command: 'apply', label: vscode.l10n.t('Apply') }, { prompt: '', command: 'escalate', label: vscode.l10n.t('Escalate to the next tier') }]
    : []),
};
