/**
 * A small glob matcher for `--ignore-path` (the package has no runtime dependency for it):
 * `*` and `?` match within a path segment, `**` matches any number of segments, `[abc]` and
 * `[!abc]` match one character of a set, `{a,b}` matches either alternative. A pattern without a
 * `/` matches a file or directory name at any depth (as in `.gitignore`); a pattern that matches
 * a directory matches everything below it.
 */
export class PathGlob {
  private readonly regexes: RegExp[];

  public constructor(public readonly pattern: string) {
    const body = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/(.)\/+$/, '$1');
    // `/x` is `x` at the top (as in .gitignore), or an absolute path.
    const bodies = !body.includes('/') ? [`**/${body}`] : body.startsWith('/') ? [body, body.slice(1)] : [body];
    this.regexes = bodies.map((b) => new RegExp(`^${toRegExpSource(b)}(?:/.*)?$`));
  }

  /** Whether `filePath` (relative to the directory analyzed, or as printed) matches. */
  public matches(filePath: string): boolean {
    const normalized = filePath.replace(/\\/g, '/').replace(/^\.\//, '');
    return this.regexes.some((r) => r.test(normalized));
  }
}

/** The regular expression source of a glob (without anchors). */
function toRegExpSource(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `**` as a whole segment: any number of segments, including none.
      const segmentStart = i === 0 || glob[i - 1] === '/';
      const segmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
      if (segmentStart && segmentEnd) {
        if (i + 2 === glob.length) {
          out += '.*';
          i += 1;
        } else {
          out += '(?:[^/]*/)*';
          i += 2;
        }
        continue;
      }
      out += '[^/]*';
      i += 1;
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, close);
      const negated = set.startsWith('!') || set.startsWith('^');
      if (negated) set = set.slice(1);
      out += `[${negated ? '^/' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else {
      out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return out + ')'.repeat(braces);
}
