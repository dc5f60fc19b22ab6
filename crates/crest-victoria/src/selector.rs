//! Series selectors for `/api/v1/export` and friends, built from crest's [`Filter`].
//!
//! A filter becomes one selector per conjunction of its disjunctive form (VictoriaMetrics ORs the
//! `match[]` parameters of one request). Each term becomes a label matcher:
//!
//! * the metric name is always `__name__` (`{__name__="cpu.load"}`: dotted, dashed, slashed and
//!   non-ASCII names all work there, never as bare names);
//! * label names are backslash-escaped outside `[A-Za-z0-9_:]` (and a leading digit or dot), since
//!   1.79.5 refuses quoted label names (§1.8 of the reference);
//! * an exact value is a double-quoted string with `\`, `"` and control characters escaped;
//! * a `*` pattern becomes a regular expression: the literal pieces escaped with
//!   [`regex::escape`] (whose escapes Go's RE2 reads as the same literals), joined by `.*`, in a
//!   backquoted string (VictoriaMetrics anchors it at both ends, as crest does);
//! * VictoriaMetrics 1.79.5 finds nothing for a positive regex that ends, after a `.*`, in a
//!   literal holding a non-ASCII character (``{__name__=~`.*∆\.`}`` misses `a∆.`, while `.*\.`,
//!   `∆.*` and the negated form work: found by the property test against it); such a final piece
//!   is sent with its non-ASCII characters as `.` (any one character), a superset;
//! * a regular expression is passed on only in the syntax Go and Rust read alike (ASCII, no
//!   escapes, no flags, no repetition counts, no POSIX classes); any other asks for every series of
//!   the conjunction's other terms.
//!
//! Decisions where the reference is silent: a negated term whose pattern matches the empty value
//! cannot be said (VictoriaMetrics treats a missing label as empty), so it asks for more; a
//! disjunctive form of more than [`MAX_CONJUNCTIONS`] conjunctions becomes one selector for every
//! series. Asking for more is safe: the caller checks every series with [`Filter::matches`].

use crest_series::{Filter, Pattern, Term};

/// The most `match[]` selectors one read sends; a filter whose disjunctive form is larger is read
/// with one selector for every series (and checked afterwards).
pub const MAX_CONJUNCTIONS: usize = 64;

/// The longest selector VictoriaMetrics parses (`-search.maxQueryLen`, 16 KiB); a filter with a
/// longer one is read with one selector for every series (and checked afterwards).
pub const MAX_SELECTOR_LEN: usize = 16 * 1024;

/// A label matcher's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    Eq,
    Ne,
    Re,
    Nre,
}

/// One label matcher: `label op value` (a regex's text for `Re`/`Nre`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Matcher {
    pub label: String,
    pub op: Op,
    pub value: String,
}

impl Matcher {
    pub fn new(label: &str, op: Op, value: impl Into<String>) -> Self {
        Self {
            label: label.to_owned(),
            op,
            value: value.into(),
        }
    }

    /// The matcher as MetricsQL text.
    pub fn render(&self) -> String {
        let op = match self.op {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Re => "=~",
            Op::Nre => "!~",
        };
        let value = match self.op {
            Op::Eq | Op::Ne => quote(&self.value),
            Op::Re | Op::Nre => quote_regex(&self.value),
        };
        format!("{}{op}{value}", escape_label(&self.label))
    }
}

/// A label name as a MetricsQL identifier: every character outside `[A-Za-z0-9_:]` (and a leading
/// digit or `.`) backslash-escaped.
pub fn escape_label(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        let plain = c.is_ascii_alphabetic()
            || c == '_'
            || c == ':'
            || (i > 0 && (c.is_ascii_digit() || c == '.'));
        if !plain {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A double-quoted MetricsQL string holding exactly `text`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A regular expression as a MetricsQL string: backquoted (no escaping needed) unless it holds a
/// backquote or a control character.
fn quote_regex(text: &str) -> String {
    if text.contains('`') || text.chars().any(char::is_control) {
        quote(text)
    } else {
        format!("`{text}`")
    }
}

/// A `*` pattern as a regular expression matching exactly what [`Pattern::Glob`] matches (once
/// anchored at both ends, as VictoriaMetrics anchors it).
pub fn glob_to_regex(glob: &str) -> String {
    glob.split('*')
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(".*")
}

/// [`glob_to_regex`] as sent in a positive matcher: exact, but for the 1.79.5 quirk above (a final
/// literal piece after a `*` holding non-ASCII characters has them as `.`, which matches more).
pub fn glob_to_vm_regex(glob: &str) -> String {
    let mut pieces: Vec<String> = glob.split('*').map(regex::escape).collect();
    if let (true, Some(last)) = (pieces.len() > 1, pieces.last_mut())
        && !last.is_ascii()
    {
        *last = last
            .chars()
            .map(|c| {
                if c.is_ascii() {
                    c.to_string()
                } else {
                    ".".to_owned()
                }
            })
            .collect();
    }
    pieces.join(".*")
}

/// Whether Go's RE2 and Rust's `regex` read `text` the same way: ASCII only, no escapes, flags,
/// counted repetitions or bracket classes beyond plain ranges.
fn portable_regex(text: &str) -> bool {
    text.is_ascii()
        && !text.contains('\\')
        && !text.contains("(?")
        && !text.contains('{')
        && !text.contains("[:")
        && !text.contains("[^")
        && !text.contains("[]")
}

/// One side of a term: the matcher that says it exactly, if any.
fn matcher(term: &Term, negated: bool) -> Option<Matcher> {
    let (label, pattern) = match term {
        Term::Metric(p) => ("__name__", p),
        Term::Source(p) => ("source", p),
        Term::Tag { key, value } => (key.as_str(), value),
        Term::HasTag(key) => {
            let op = if negated { Op::Eq } else { Op::Ne };
            return Some(Matcher::new(key, op, ""));
        }
    };
    // A missing label reads as "" in VictoriaMetrics; crest's tags are never empty (they are
    // refused on write), so only a negated tag or source pattern that matches "" is ambiguous.
    let matches_empty = pattern.matches("");
    let is_tag = matches!(term, Term::Tag { .. });
    if negated && matches_empty && is_tag {
        return None;
    }
    let m = match pattern {
        Pattern::Exact(v) => Matcher::new(label, if negated { Op::Ne } else { Op::Eq }, v.clone()),
        Pattern::Glob(g) if negated => Matcher::new(label, Op::Nre, glob_to_regex(g)),
        Pattern::Glob(g) => Matcher::new(label, Op::Re, glob_to_vm_regex(g)),
        Pattern::Regex(r) if portable_regex(r.as_str()) => Matcher::new(
            label,
            if negated { Op::Nre } else { Op::Re },
            r.as_str().to_owned(),
        ),
        Pattern::Regex(_) => return None,
    };
    Some(m)
}

/// A conjunction of matchers; empty = every series.
type Conjunction = Vec<Matcher>;

/// The disjunctive form of `filter` (negated when `negated`), as conjunctions of matchers, or
/// `None` when it grows beyond [`MAX_CONJUNCTIONS`]. Terms that cannot be said are left out
/// (the conjunction asks for more).
fn dnf(filter: &Filter, negated: bool) -> Option<Vec<Conjunction>> {
    match (filter, negated) {
        (Filter::Term(t), _) => {
            let mut conj = Vec::new();
            if let Some(m) = matcher(t, negated) {
                conj.push(m);
                // A positive tag pattern that matches "" must also ask for the tag to exist.
                if let Term::Tag { key, value } = t
                    && !negated
                    && value.matches("")
                {
                    conj.push(Matcher::new(key, Op::Ne, ""));
                }
            }
            Some(vec![conj])
        }
        (Filter::Not(inner), _) => dnf(inner, !negated),
        (Filter::And(all), false) | (Filter::Or(all), true) => {
            let mut out: Vec<Conjunction> = vec![Vec::new()];
            for f in all {
                let part = dnf(f, negated)?;
                let mut next = Vec::with_capacity(out.len().saturating_mul(part.len()));
                for a in &out {
                    for b in &part {
                        let mut c = a.clone();
                        c.extend(b.iter().cloned());
                        next.push(c);
                    }
                }
                if next.len() > MAX_CONJUNCTIONS {
                    return None;
                }
                out = next;
            }
            Some(out)
        }
        (Filter::Or(any), false) | (Filter::And(any), true) => {
            let mut out = Vec::new();
            for f in any {
                out.extend(dnf(f, negated)?);
                if out.len() > MAX_CONJUNCTIONS {
                    return None;
                }
            }
            Some(out)
        }
    }
}

/// A selector for exactly the VictoriaMetrics series of `labels` (crest's labels of one series):
/// each label equal to its value, and each name of `absent` (labels other series carry) empty.
pub fn exact(labels: &std::collections::BTreeMap<String, String>, absent: &[String]) -> String {
    let mut body: Vec<String> = labels
        .iter()
        .map(|(k, v)| Matcher::new(k, Op::Eq, v.clone()).render())
        .collect();
    if !labels.contains_key("source") {
        body.push(Matcher::new("source", Op::Eq, "").render());
    }
    body.extend(
        absent
            .iter()
            .filter(|a| !labels.contains_key(a.as_str()))
            .map(|a| Matcher::new(a, Op::Eq, "").render()),
    );
    format!("{{{}}}", body.join(","))
}

/// The `match[]` selectors for `filter`, each with `extra` matchers added (the adapter's own
/// labels). Empty when the filter matches nothing. Every selector names `__name__`, so none is
/// refused for matching everything.
pub fn selectors(filter: &Filter, extra: &[Matcher]) -> Vec<String> {
    let conjunctions = dnf(filter, false).unwrap_or_else(|| vec![Vec::new()]);
    let mut out: Vec<String> = conjunctions
        .into_iter()
        .map(|mut conj| {
            conj.sort();
            conj.dedup();
            if !conj.iter().any(|m| m.label == "__name__" && m.op == Op::Eq) {
                conj.insert(0, Matcher::new("__name__", Op::Ne, ""));
            }
            conj.extend(extra.iter().cloned());
            let body: Vec<String> = conj.iter().map(Matcher::render).collect();
            format!("{{{}}}", body.join(","))
        })
        .collect();
    out.sort();
    out.dedup();
    // A selector over every series (of the adapter's kind) covers all others.
    let everything = {
        let mut conj = vec![Matcher::new("__name__", Op::Ne, "")];
        conj.extend(extra.iter().cloned());
        let body: Vec<String> = conj.iter().map(Matcher::render).collect();
        format!("{{{}}}", body.join(","))
    };
    if out.contains(&everything) || out.iter().any(|s| s.len() > MAX_SELECTOR_LEN) {
        return vec![everything];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Filter {
        Filter::Term(Term::Tag {
            key: k.into(),
            value: Pattern::parse(v),
        })
    }

    #[test]
    fn label_names_are_escaped_outside_identifier_characters() {
        assert_eq!(escape_label("dc-region"), "dc\\-region");
        assert_eq!(escape_label("env.name"), "env.name");
        assert_eq!(escape_label("1st key"), "\\1st\\ key");
        assert_eq!(escape_label(".x"), "\\.x");
        assert_eq!(escape_label("k/slash"), "k\\/slash");
    }

    #[test]
    fn values_are_quoted() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("tab\there"), "\"tab\\there\"");
    }

    #[test]
    fn globs_become_escaped_regexes() {
        assert_eq!(glob_to_regex("cpu.*"), "cpu\\..*");
        assert_eq!(glob_to_regex("*.load"), ".*\\.load");
        assert_eq!(glob_to_regex("a+b(c)*"), "a\\+b\\(c\\).*");
        assert_eq!(glob_to_regex("*"), ".*");
    }

    #[test]
    fn a_final_non_ascii_piece_is_widened_for_victoria_metrics() {
        assert_eq!(glob_to_vm_regex("*\u{2206}."), ".*.\\.");
        assert_eq!(glob_to_vm_regex("a*b\u{2206}"), "a.*b.");
        assert_eq!(glob_to_vm_regex("\u{2206}*x"), "\u{2206}.*x");
        assert_eq!(glob_to_vm_regex("\u{2206}x"), "\u{2206}x");
        let g = glob_to_vm_regex("*\u{2206}.");
        let re = regex::Regex::new(&format!("^(?:{g})$")).unwrap();
        assert!(re.is_match("a\u{2206}.") && re.is_match("ab."));
    }

    #[test]
    fn filters_become_one_selector_per_conjunction() {
        let f = Filter::Or(vec![
            Filter::metric("mem.free"),
            Filter::metric_on("cpu.system", "web-1"),
        ]);
        assert_eq!(
            selectors(&f, &[]),
            vec![
                r#"{__name__="cpu.system",source="web-1"}"#.to_owned(),
                r#"{__name__="mem.free"}"#.to_owned()
            ]
        );
        let g = Filter::And(vec![
            Filter::Term(Term::Metric(Pattern::parse("cpu.*"))),
            Filter::Not(Box::new(tag("dc-region", "eu*"))),
        ]);
        assert_eq!(
            selectors(&g, &[Matcher::new("_crest_hist", Op::Eq, "")]),
            vec![
                r#"{__name__!="",__name__=~`cpu\..*`,dc\-region!~`eu.*`,_crest_hist=""}"#
                    .to_owned()
            ]
        );
        assert!(selectors(&Filter::Or(vec![]), &[]).is_empty());
        assert_eq!(
            selectors(&Filter::And(vec![]), &[]),
            vec![r#"{__name__!=""}"#.to_owned()]
        );
    }

    #[test]
    fn what_cannot_be_said_asks_for_more() {
        // not(env=*) holds for series without env: VictoriaMetrics cannot say it, so ask for all.
        let f = Filter::Not(Box::new(tag("env", "*")));
        assert_eq!(selectors(&f, &[]), vec![r#"{__name__!=""}"#.to_owned()]);
        // A positive `*` asks for the tag to exist.
        assert_eq!(
            selectors(&tag("env", "*"), &[]),
            vec![r#"{__name__!="",env!="",env=~`.*`}"#.to_owned()]
        );
        let unicode = Filter::Term(Term::Metric(Pattern::regex(r"cpu\d+").unwrap()));
        assert_eq!(
            selectors(&unicode, &[]),
            vec![r#"{__name__!=""}"#.to_owned()]
        );
        let portable = Filter::Term(Term::Metric(Pattern::regex("cpu[0-9]+|mem").unwrap()));
        assert_eq!(
            selectors(&portable, &[]),
            vec!["{__name__!=\"\",__name__=~`cpu[0-9]+|mem`}".to_owned()]
        );
    }

    #[test]
    fn selectors_longer_than_victoria_metrics_parses_fall_back_to_everything() {
        let long = Filter::metric(&"x".repeat(MAX_SELECTOR_LEN));
        assert_eq!(selectors(&long, &[]), vec![r#"{__name__!=""}"#.to_owned()]);
    }

    #[test]
    fn large_disjunctive_forms_fall_back_to_everything() {
        let many = |p: &str| Filter::Or((0..10).map(|i| tag(&format!("{p}{i}"), "x")).collect());
        let f = Filter::And(vec![many("a"), many("b")]);
        assert_eq!(selectors(&f, &[]), vec![r#"{__name__!=""}"#.to_owned()]);
    }
}
