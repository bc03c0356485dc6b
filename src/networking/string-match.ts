/**
 * How a string is matched in a route: exactly, by prefix, or by an RE2 regular expression.
 *
 * Regular expressions are checked with an RE2 engine at synth time (Envoy rejects what RE2 does
 * not accept, such as lookaheads), and must be at most 1024 characters long.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch
 */
export class StringMatch {
  /** Matches the exact string. */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', value);
  }

  /** Matches strings that start with `value`. */
  public static prefix(value: string): StringMatch {
    return new StringMatch('prefix', value);
  }

  /** Matches strings against an RE2 regular expression (the whole string must match). */
  public static regex(value: string): StringMatch {
    return new StringMatch('regex', value);
  }

  private constructor(
    /** Match kind: `exact`, `prefix` or `regex`. */
    public readonly kind: string,
    /** The string, prefix or regular expression. */
    public readonly value: string,
  ) {}

  /** @internal */
  public _toIstio(): { exact?: string; prefix?: string; regex?: string } {
    return { [this.kind]: this.value };
  }
}
