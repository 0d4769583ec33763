// Why VS Code refused an Apply edit, as one sentence. No editor import: the decision is unit-tested.
import { english, type Translate } from '../translate';

export interface Refusal {
  /** The file's name as shown to the user. */
  file: string;
  /** The document changed between reading it and the edit (VS Code checks the version it was read at). */
  versionChanged: boolean;
  /** Whether the file's file system takes writes (undefined: not known). */
  writable: boolean | undefined;
}

export function refusalReason(r: Refusal, t: Translate = english): string {
  if (r.versionChanged) return t('{0} changed while the proposal was being applied, so nothing was changed; apply it again.', r.file);
  if (r.writable === false) return t('{0} is on a read-only file system, so the proposal was not applied and nothing was changed.', r.file);
  return t('VS Code refused to edit {0}, so the proposal was not applied and nothing was changed; the log has the detail.', r.file);
}
