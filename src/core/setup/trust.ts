// Which value of a restricted setting applies, given workspace trust. Pure (no editor import), so the
// untrusted case is unit-tested even where the test host cannot be made untrusted.

/** The layers of one setting, as `WorkspaceConfiguration.inspect()` reports them. */
export interface SettingLayers<T> {
  defaultValue?: T;
  globalValue?: T;
  globalLanguageValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
  workspaceLanguageValue?: T;
  workspaceFolderLanguageValue?: T;
}

/** The part of `vscode.WorkspaceConfiguration` this needs. */
export interface ConfigReader {
  get<T>(key: string): T | undefined;
  inspect<T>(key: string): SettingLayers<T> | undefined;
}

export interface RestrictedValue<T> {
  value: T | undefined;
  /** A workspace (or folder) value exists and was ignored because the workspace is untrusted. */
  ignored: boolean;
}

/**
 * A setting that decides where code is sent. Trusted: the effective value (workspace over user).
 * Untrusted: the user's own value or the default only; whatever the workspace says is ignored.
 */
export function restrictedValue<T>(config: ConfigReader, key: string, trusted: boolean): RestrictedValue<T> {
  if (trusted) return { value: config.get<T>(key), ignored: false };
  const layers = config.inspect<T>(key);
  const fromWorkspace = [layers?.workspaceValue, layers?.workspaceFolderValue, layers?.workspaceLanguageValue, layers?.workspaceFolderLanguageValue];
  return { value: layers?.globalValue ?? layers?.defaultValue, ignored: fromWorkspace.some((v) => v !== undefined) };
}
