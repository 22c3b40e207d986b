/**
 * node:util parseArgs options from two lists of names. The bank's CLI and the issuing app each
 * take some thirty options; written out as one object line an option they were the same table
 * twice. The result's type keeps each name's kind, so parsed values stay typed.
 */
export type ArgumentOptions<S extends string, B extends string> = { [K in S]: { type: "string"; short?: string } } & { [K in B]: { type: "boolean"; short?: string } };

export function argumentOptions<S extends string, B extends string>(o: { strings: readonly S[]; booleans: readonly B[]; short?: Partial<Record<S | B, string>> }): ArgumentOptions<S, B> {
  const table: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const name of o.strings) table[name] = { type: "string" };
  for (const name of o.booleans) table[name] = { type: "boolean" };
  for (const [name, short] of Object.entries(o.short ?? {})) if (short) table[name]!.short = short as string;
  return table as ArgumentOptions<S, B>;
}
