import * as vscode from 'vscode';
import { proposalIdOf } from './schemes';
import { Disposable } from '../disposable';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const GONE = '// This Hyperguild proposal is no longer open.\n';

/**
 * The proposals' right sides, in memory only: a writable file system for the proposal scheme, so the
 * user can edit a proposal in the diff (and VS Code's diff offers its own per-change revert arrows),
 * while nothing of it is written to disk. A proposal's file is its id and path; a save keeps the edit here.
 */
export class ProposalFiles extends Disposable implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number; edited?: boolean }>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.FileChangeEvent[]>());
  readonly onDidChangeFile = this.changed.event;
  private clock = 0;

  /**
   * The file of a proposal URI: its id and its document's path together, so a tab restored from before a reload
   * (another document, an id of the old window) is never taken for a proposal of this one.
   */
  private keyOf(uri: vscode.Uri): string {
    return `${proposalIdOf(uri) ?? ''}\n${uri.path}`;
  }

  /** Sets a proposal's text; an editor showing it unedited reloads it (VS Code updates it with minimal edits). */
  set(uri: vscode.Uri, text: string): void {
    const key = this.keyOf(uri);
    const existed = this.files.get(key);
    this.files.set(key, { data: encoder.encode(text), mtime: this.tick(), ...(existed?.edited && { edited: true }) });
    this.changed.fire([{ type: existed ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
  }

  /** The proposal's text as last set or saved; undefined when it is gone. */
  text(uri: vscode.Uri): string | undefined {
    const file = this.files.get(this.keyOf(uri));
    return file && decoder.decode(file.data);
  }

  /** Whether the user saved an edit of this proposal (VS Code asked "save changes?" on closing it, and they chose Save). */
  edited(uri: vscode.Uri): boolean {
    return this.files.get(this.keyOf(uri))?.edited === true;
  }

  remove(uri: vscode.Uri): void {
    this.files.delete(this.keyOf(uri));
  }

  // Strictly increasing, so VS Code never takes a new version for the old one.
  private tick(): number {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const file = this.files.get(this.keyOf(uri));
    const size = file?.data.byteLength ?? GONE.length;
    return { type: vscode.FileType.File, ctime: 0, mtime: file?.mtime ?? 0, size };
  }

  // A diff restored after a window reload shows this, not an error, until its orphaned tab is closed.
  readFile(uri: vscode.Uri): Uint8Array {
    return this.files.get(this.keyOf(uri))?.data ?? encoder.encode(GONE);
  }

  /** The user saved an edited proposal: the edit stays in memory (a proposal no longer open is not revived). */
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    const key = this.keyOf(uri);
    const file = this.files.get(key);
    if (!file) return;
    const edited = file.edited === true || decoder.decode(file.data) !== decoder.decode(content);
    this.files.set(key, { data: content, mtime: this.tick(), ...(edited && { edited: true }) });
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Hyperguild proposals have no folders.'));
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('A Hyperguild proposal is closed with Discard, not deleted.'));
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('A Hyperguild proposal cannot be renamed.'));
  }

  override dispose(): void {
    super.dispose();
    this.files.clear();
  }
}
