/**
 * Reads a prop's doc comment from the TypeScript source, so a Terraform variable's description is
 * the same text as the prop's (one place to write it, one place to fix it).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** A prop's documentation: its text and, when it names a literal, its `@default`. */
export interface PropDoc {
  /** The comment's text, on one line. */
  readonly text: string;
  /** The `@default` as a value (`"single"`, `30`, `true`), when it is a JSON literal. */
  readonly default?: unknown;
  /** The `@default` as written, when it is not a literal (`- computed: …`). */
  readonly defaultText?: string;
}

const MODULES = fileURLToPath(new URL("../", import.meta.url));
const sources = new Map<string, ts.SourceFile>();

function source(file: string): ts.SourceFile {
  let parsed = sources.get(file);
  if (!parsed) {
    parsed = ts.createSourceFile(
      file,
      readFileSync(`${MODULES}${file}`, "utf8"),
      ts.ScriptTarget.ES2022,
      true,
    );
    sources.set(file, parsed);
  }
  return parsed;
}

/**
 * The doc of `<file>#<Interface>.<prop>[.<nested>…]`, with `<file>` relative to `modules/`;
 * nested props are members of an inline object type (`flowLogs.retentionDays`).
 * @throws when the interface or a prop along the path does not exist, or has no doc comment
 */
export function propDoc(reference: string): PropDoc {
  const [file, path] = reference.split("#");
  if (!file || !path) throw new Error(`"${reference}" is not <file>#<Interface>.<prop>`);
  const [interfaceName, ...props] = path.split(".");
  const declaration = source(file).statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === interfaceName,
  );
  if (!declaration) throw new Error(`${reference}: no interface ${interfaceName} in ${file}`);
  let members: ts.NodeArray<ts.TypeElement> = declaration.members;
  let found: ts.PropertySignature | undefined;
  for (const prop of props) {
    found = members.find(
      (m): m is ts.PropertySignature => ts.isPropertySignature(m) && m.name.getText() === prop,
    );
    if (!found) throw new Error(`${reference}: no prop ${prop}`);
    const type = found.type && unwrapType(found.type);
    members = type && ts.isTypeLiteralNode(type) ? type.members : ts.factory.createNodeArray();
  }
  if (!found) throw new Error(`${reference}: name a prop`);
  const docs = ts.getJSDocCommentsAndTags(found).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  const text = oneLine(ts.getTextOfJSDocComment(doc?.comment) ?? "");
  if (!text) throw new Error(`${reference}: no doc comment`);
  const tag = doc?.tags?.find((t) => t.tagName.text === "default");
  const written = tag ? oneLine(ts.getTextOfJSDocComment(tag.comment) ?? "") : undefined;
  if (written === undefined) return { text };
  try {
    return { text, default: JSON.parse(written) as unknown };
  } catch {
    return { text, defaultText: written };
  }
}

/** `Partial<X>`, `Readonly<X>` and `X | undefined` → X, for nested prop lookups. */
function unwrapType(type: ts.TypeNode): ts.TypeNode {
  if (ts.isTypeReferenceNode(type) && ["Readonly", "Partial"].includes(type.typeName.getText())) {
    const [inner] = type.typeArguments ?? [];
    return inner ? unwrapType(inner) : type;
  }
  return type;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
