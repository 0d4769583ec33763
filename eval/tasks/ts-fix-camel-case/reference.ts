/** "hello-big_world" → "helloBigWorld": dashes and underscores start a new capitalised word. */
export function camelCase(name: string): string {
  return name.replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase());
}
