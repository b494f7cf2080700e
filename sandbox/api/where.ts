/**
 * The subset of Xero's `where` language (.NET Dynamic LINQ) the sandbox understands:
 * comparisons (== = != > >= < <=), AND/&&, OR/||, NOT/!, parentheses, "strings", numbers,
 * true/false/null, GUID("…"), DateTime(y,m,d[,h,m,s]) and string methods Contains, StartsWith,
 * EndsWith, ToLower, ToUpper. Anything else is a QueryParseException, as in Xero.
 */

export type WhereType = 'string' | 'guid' | 'number' | 'boolean' | 'date' | 'null';
export type WhereValue = string | number | boolean | null;

export interface WhereField<T> {
  type: Exclude<WhereType, 'null'>;
  get(record: T): WhereValue;
}

export type WhereFields<T> = Record<string, WhereField<T>>;

export class QueryParseError extends Error {}

type Token =
  | { kind: 'ident'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'op'; value: string }
  | { kind: 'punct'; value: '(' | ')' | ',' | '.' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      let value = '';
      i++;
      while (i < source.length && source.charAt(i) !== '"') {
        if (source.charAt(i) === '\\' && i + 1 < source.length) i++;
        value += source.charAt(i);
        i++;
      }
      if (i >= source.length) throw new QueryParseError('Unterminated string literal');
      i++;
      tokens.push({ kind: 'string', value });
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(source.charAt(i + 1)))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(i));
      const text = match?.[0] ?? ch;
      tokens.push({ kind: 'number', value: Number(text) });
      i += text.length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const text = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))?.[0] ?? ch;
      tokens.push({ kind: 'ident', value: text });
      i += text.length;
    } else {
      const two = source.slice(i, i + 2);
      if (['==', '!=', '>=', '<=', '&&', '||', '<>'].includes(two)) {
        tokens.push({ kind: 'op', value: two === '<>' ? '!=' : two });
        i += 2;
      } else if (['=', '>', '<', '!'].includes(ch)) {
        tokens.push({ kind: 'op', value: ch === '=' ? '==' : ch });
        i++;
      } else if (ch === '(' || ch === ')' || ch === ',' || ch === '.') {
        tokens.push({ kind: 'punct', value: ch });
        i++;
      } else {
        throw new QueryParseError(`Syntax error '${ch}' at position ${i}`);
      }
    }
  }
  return tokens;
}

interface Operand<T> {
  type: WhereType;
  eval(record: T): WhereValue;
}

const TYPE_NAMES: Record<WhereType, string> = {
  string: 'String',
  guid: 'Guid',
  number: 'Decimal',
  boolean: 'Boolean',
  date: 'DateTime',
  null: 'Object',
};

class Parser<T> {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly fields: WhereFields<T>,
    private readonly typeName: string,
  ) {}

  parse(): (record: T) => boolean {
    const expression = this.or();
    if (this.position < this.tokens.length)
      throw new QueryParseError(`Syntax error at token ${this.position + 1}`);
    return this.asPredicate(expression);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isKeyword(word: string, symbol: string): boolean {
    const token = this.peek();
    if (!token) return false;
    return (
      (token.kind === 'op' && token.value === symbol) ||
      (token.kind === 'ident' && token.value.toUpperCase() === word)
    );
  }

  private expect(value: '(' | ')' | ',' | '.'): void {
    const token = this.tokens[this.position++];
    if (token?.kind !== 'punct' || token.value !== value) throw new QueryParseError(`'${value}' expected`);
  }

  private asPredicate(operand: Operand<T>): (record: T) => boolean {
    if (operand.type !== 'boolean') throw new QueryParseError("Expression of type 'Boolean' expected");
    return (record) => operand.eval(record) === true;
  }

  private or(): Operand<T> {
    let left = this.and();
    while (this.isKeyword('OR', '||')) {
      this.position++;
      const l = this.asPredicate(left);
      const r = this.asPredicate(this.and());
      left = { type: 'boolean', eval: (record) => l(record) || r(record) };
    }
    return left;
  }

  private and(): Operand<T> {
    let left = this.unary();
    while (this.isKeyword('AND', '&&')) {
      this.position++;
      const l = this.asPredicate(left);
      const r = this.asPredicate(this.unary());
      left = { type: 'boolean', eval: (record) => l(record) && r(record) };
    }
    return left;
  }

  private unary(): Operand<T> {
    if (this.isKeyword('NOT', '!')) {
      this.position++;
      const inner = this.asPredicate(this.unary());
      return { type: 'boolean', eval: (record) => !inner(record) };
    }
    return this.comparison();
  }

  private comparison(): Operand<T> {
    const left = this.operand();
    const token = this.peek();
    if (token?.kind !== 'op' || !['==', '!=', '>', '>=', '<', '<='].includes(token.value)) return left;
    this.position++;
    const right = this.operand();
    return compare(left, token.value, right);
  }

  private operand(): Operand<T> {
    const token = this.tokens[this.position++];
    if (!token) throw new QueryParseError('Expression expected');
    if (token.kind === 'punct' && token.value === '(') {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token.kind === 'string') return constant('string', token.value);
    if (token.kind === 'number') return constant('number', token.value);
    if (token.kind !== 'ident') throw new QueryParseError('Expression expected');
    const word = token.value;
    if (word === 'true' || word === 'false') return constant('boolean', word === 'true');
    if (word === 'null') return constant('null', null);
    if (word === 'GUID' || word === 'Guid') {
      const [value] = this.arguments();
      if (typeof value !== 'string' || !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value)) {
        throw new QueryParseError('GUID("…") needs a GUID string');
      }
      return constant('guid', value.toLowerCase());
    }
    if (word === 'DateTime') {
      const parts = this.arguments();
      if (parts.length < 3 || parts.length > 6 || parts.some((part) => typeof part !== 'number')) {
        throw new QueryParseError("No applicable constructor exists in type 'DateTime'");
      }
      const [y = 0, m = 1, d = 1, h = 0, mi = 0, s = 0] = parts as number[];
      const ms = Date.UTC(y, m - 1, d, h, mi, s);
      if (Number.isNaN(ms)) throw new QueryParseError('Invalid DateTime');
      return constant('date', ms);
    }
    return this.fieldPath(word);
  }

  private arguments(): WhereValue[] {
    this.expect('(');
    const values: WhereValue[] = [];
    while (true) {
      const token = this.tokens[this.position++];
      if (!token) throw new QueryParseError("')' expected");
      if (token.kind === 'punct' && token.value === ')' && values.length === 0) return values;
      if (token.kind !== 'string' && token.kind !== 'number') throw new QueryParseError('Literal expected');
      values.push(token.value);
      const after = this.tokens[this.position++];
      if (after?.kind === 'punct' && after.value === ')') return values;
      if (!(after?.kind === 'punct' && after.value === ',')) throw new QueryParseError("',' or ')' expected");
    }
  }

  private fieldPath(first: string): Operand<T> {
    const names = [first];
    let method: string | undefined;
    while (this.peek()?.kind === 'punct' && (this.peek() as { value: string }).value === '.') {
      this.position++;
      const next = this.tokens[this.position++];
      if (next?.kind !== 'ident') throw new QueryParseError('Identifier expected');
      if (this.peek()?.kind === 'punct' && (this.peek() as { value: string }).value === '(') {
        method = next.value;
        break;
      }
      names.push(next.value);
    }
    const path = names.join('.');
    const field = this.fields[path];
    if (!field) throw new QueryParseError(`No property or field '${path}' exists in type '${this.typeName}'`);
    let operand: Operand<T> = {
      type: field.type,
      eval: (record) => normalise(field.type, field.get(record)),
    };
    while (method) {
      operand = this.applyMethod(operand, method);
      method = undefined;
      if (this.peek()?.kind === 'punct' && (this.peek() as { value: string }).value === '.') {
        this.position++;
        const next = this.tokens[this.position++];
        if (next?.kind !== 'ident') throw new QueryParseError('Identifier expected');
        method = next.value;
      }
    }
    return operand;
  }

  private applyMethod(target: Operand<T>, method: string): Operand<T> {
    const args = this.arguments();
    if (target.type !== 'string') {
      throw new QueryParseError(
        `No applicable method '${method}' exists in type '${TYPE_NAMES[target.type]}'`,
      );
    }
    const text = (record: T): string => String(target.eval(record) ?? '');
    if (method === 'ToLower' || method === 'ToUpper') {
      if (args.length !== 0)
        throw new QueryParseError(`No applicable method '${method}' with those arguments`);
      return {
        type: 'string',
        eval: (record) => (method === 'ToLower' ? text(record).toLowerCase() : text(record).toUpperCase()),
      };
    }
    const [needle] = args;
    if (args.length !== 1 || typeof needle !== 'string') {
      throw new QueryParseError(`No applicable method '${method}' exists in type 'String'`);
    }
    if (method === 'Contains') return { type: 'boolean', eval: (record) => text(record).includes(needle) };
    if (method === 'StartsWith')
      return { type: 'boolean', eval: (record) => text(record).startsWith(needle) };
    if (method === 'EndsWith') return { type: 'boolean', eval: (record) => text(record).endsWith(needle) };
    throw new QueryParseError(`No applicable method '${method}' exists in type 'String'`);
  }
}

function constant<T>(type: WhereType, value: WhereValue): Operand<T> {
  return { type, eval: () => value };
}

function normalise(type: WhereType, value: WhereValue): WhereValue {
  return type === 'guid' && typeof value === 'string' ? value.toLowerCase() : value;
}

function compatible(a: WhereType, b: WhereType): boolean {
  if (a === b || a === 'null' || b === 'null') return true;
  const textual = (t: WhereType): boolean => t === 'string' || t === 'guid';
  return textual(a) && textual(b);
}

function compare<T>(left: Operand<T>, op: string, right: Operand<T>): Operand<T> {
  if (
    !compatible(left.type, right.type) ||
    ((left.type === 'null' || right.type === 'null') && op !== '==' && op !== '!=')
  ) {
    throw new QueryParseError(
      `Operator '${op}' incompatible with operand types '${TYPE_NAMES[left.type]}' and '${TYPE_NAMES[right.type]}'`,
    );
  }
  const guidCompare = left.type === 'guid' || right.type === 'guid';
  const read = (operand: Operand<T>, record: T): WhereValue => {
    const value = operand.eval(record);
    return guidCompare && typeof value === 'string' ? value.toLowerCase() : value;
  };
  return {
    type: 'boolean',
    eval: (record) => {
      const a = read(left, record);
      const b = read(right, record);
      if (op === '==') return a === b;
      if (op === '!=') return a !== b;
      if (a === null || b === null) return false;
      if (op === '>') return a > b;
      if (op === '>=') return a >= b;
      if (op === '<') return a < b;
      return a <= b;
    },
  };
}

export function compileWhere<T>(
  source: string,
  fields: WhereFields<T>,
  typeName: string,
): (record: T) => boolean {
  return new Parser(tokenize(source), fields, typeName).parse();
}

/** `Date DESC, Total ASC` → a comparator; unknown fields are a QueryParseException like `where`. */
export function compileOrder<T>(
  source: string,
  fields: WhereFields<T>,
  typeName: string,
  tieBreak: (record: T) => string,
): (a: T, b: T) => number {
  const keys = source
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [name = '', direction = 'ASC', ...rest] = part.split(/\s+/);
      const field = fields[name];
      const dir = direction.toUpperCase();
      if (!field || rest.length > 0 || (dir !== 'ASC' && dir !== 'DESC')) {
        throw new QueryParseError(`No property or field '${name}' exists in type '${typeName}'`);
      }
      return { field, sign: dir === 'DESC' ? -1 : 1 };
    });
  return (a, b) => {
    for (const { field, sign } of keys) {
      const x = field.get(a);
      const y = field.get(b);
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    const ta = tieBreak(a);
    const tb = tieBreak(b);
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  };
}
