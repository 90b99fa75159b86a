import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Junk, Message, parse } from '@fluent/syntax';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ADMIN_COMMANDS } from '../../bot/features/admin/admin.feature';
import { LOCALES } from '../../core/messaging/locale';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where code that shows texts lives (core's notices name keys too). */
const SOURCE_DIRS = ['bot', 'core', 'app', 'api', 'workers'];

interface LocaleFile {
  junk: string[];
  /** Each message's id and the variables it uses. */
  messages: Map<string, string[]>;
}

function variablesOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const child of node) variablesOf(child, found);
  else if (node && typeof node === 'object') {
    const n = node as { type?: string; id?: { name: string } };
    if (n.type === 'VariableReference' && n.id) found.add(n.id.name);
    for (const value of Object.values(node)) variablesOf(value, found);
  }
  return found;
}

function readLocale(locale: string): LocaleFile {
  const resource = parse(readFileSync(join(ROOT, 'bot/locales', `${locale}.ftl`), 'utf8'), {});
  const messages = new Map<string, string[]>();
  for (const entry of resource.body)
    if (entry instanceof Message) messages.set(entry.id.name, [...variablesOf(entry)].sort());
  return {
    junk: resource.body.filter((e): e is Junk => e instanceof Junk).map((j) => j.content.trim()),
    messages,
  };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Object properties whose string value is a key: notices, buttons and form steps. */
const KEY_PROPERTIES = new Set(['text', 'nudge', 'cancelled']);
/** Helpers whose string arguments are keys (form steps' texts, a notice's told line). */
const KEY_HELPERS = new Set(['texts', 'formTexts', 'told']);

/**
 * The keys the code names: the key argument of every `t(...)` call (ctx.t(key, vars),
 * i18n.t(locale, key, vars)) and the literals it chooses between (ternaries, fallbacks), the values
 * of KEY_PROPERTIES, the arguments of KEY_HELPERS and the values of *REFUSALS maps. A template
 * such as `info-${page}` is kept as a pattern.
 */
function keysInCode(): { literal: Map<string, string>; patterns: Map<string, string> } {
  const literal = new Map<string, string>();
  const patterns = new Map<string, string>();
  /** A key expression: a literal, a template, or a choice between them (a ternary, a fallback). */
  const collect = (node: ts.Node, where: string) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal.set(node.text, where);
    else if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((s) => `\u0000${s.literal.text}`)].join('');
      patterns.set(parts, where);
    } else if (ts.isParenthesizedExpression(node)) collect(node.expression, where);
    else if (ts.isConditionalExpression(node)) {
      collect(node.whenTrue, where);
      collect(node.whenFalse, where);
    } else if (ts.isBinaryExpression(node)) {
      collect(node.left, where);
      collect(node.right, where);
    }
  };
  for (const file of SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = file.slice(ROOT.length);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 't') {
          const keyArg = node.arguments[callee.expression.getText(source).endsWith('i18n') ? 1 : 0];
          if (keyArg) collect(keyArg, where);
        }
        if (ts.isIdentifier(callee) && KEY_HELPERS.has(callee.text))
          for (const arg of node.arguments) if (ts.isStringLiteral(arg)) collect(arg, where);
      }
      if (
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        KEY_PROPERTIES.has(node.name.text) &&
        (ts.isStringLiteral(node.initializer) || ts.isTemplateExpression(node.initializer))
      )
        collect(node.initializer, where);
      if (
        ts.isVariableDeclaration(node) &&
        /REFUSALS$/.test(node.name.getText(source)) &&
        node.initializer &&
        ts.isObjectLiteralExpression(node.initializer)
      )
        for (const p of node.initializer.properties)
          if (ts.isPropertyAssignment(p)) collect(p.initializer, where);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { literal, patterns };
}

const locales = Object.fromEntries(LOCALES.map((l) => [l, readLocale(l)])) as Record<string, LocaleFile>;
const [first, ...others] = LOCALES;

describe('the locale files', () => {
  it('parse without errors', () => {
    for (const locale of LOCALES) expect(locales[locale]?.junk, `${locale}.ftl`).toEqual([]);
  });

  it('have the same keys, each with the same variables', () => {
    const base = locales[first]?.messages as Map<string, string[]>;
    for (const locale of others) {
      const other = locales[locale]?.messages as Map<string, string[]>;
      expect(
        [...base.keys()].filter((k) => !other.has(k)),
        `missing in ${locale}.ftl`,
      ).toEqual([]);
      expect(
        [...other.keys()].filter((k) => !base.has(k)),
        `missing in ${first}.ftl`,
      ).toEqual([]);
      const differing = [...base.keys()].filter(
        (k) => other.has(k) && JSON.stringify(base.get(k)) !== JSON.stringify(other.get(k)),
      );
      expect(differing, `variables differ between ${first}.ftl and ${locale}.ftl`).toEqual([]);
    }
  });

  it('hold every text the bot shows: the code has no Russian outside comments', () => {
    const russian = SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d))).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const found: string[] = [];
      const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
      for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
        if (token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken)
          scanner.reScanSlashToken();
        const at = scanner.getTokenText().search(/[а-яё]/i);
        if (at < 0) continue;
        const line = text.slice(0, scanner.getTokenStart() + at).split('\n').length;
        found.push(`${file.slice(ROOT.length)}:${line}`);
      }
      return found;
    });
    expect(russian).toEqual([]);
  });

  it('hold every key the code uses', () => {
    const keys = locales[first]?.messages as Map<string, string[]>;
    const { literal, patterns } = keysInCode();
    // Enough found that the scan itself is working (150 today).
    expect(literal.size).toBeGreaterThan(120);
    const missing = [...literal].filter(([key]) => !keys.has(key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
    const unmatched = [...patterns]
      .filter(([pattern]) => {
        const re = new RegExp(`^${pattern.split('\u0000').map(escapeRegExp).join('[\\w-]+')}$`);
        return ![...keys.keys()].some((k) => re.test(k));
      })
      .map(([pattern, file]) => `${pattern.replaceAll('\u0000', '{…}')} (${file})`);
    expect(unmatched).toEqual([]);
    const commands = ADMIN_COMMANDS.filter((c) => !keys.has(`command-${c}`));
    expect(commands, 'admin commands without a menu description').toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
