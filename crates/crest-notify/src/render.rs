//! Rendering a parsed template against a context: name lookup through the context stack,
//! sections over booleans, lists, maps and tags, functions over their section's rendered text,
//! iteration limits, and bounds on the output and the work.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::functions::{Function, html_escape};
use crate::parse::{Name, Node, Template};
use crate::value::{LimitKind, Value};

/// The iteration limit of a list no template limited.
pub const DEFAULT_ITERATION_LIMIT: usize = 500;

/// What one rendering may produce and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest output, in bytes.
    pub max_output_bytes: usize,
    /// The most template pieces visited (each piece once per list item).
    pub max_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_output_bytes: 1024 * 1024,
            max_steps: 1_000_000,
        }
    }
}

/// Why a rendering stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("the rendered template is longer than {0} bytes")]
    OutputTooLarge(usize),
    #[error("the template does more than {0} steps of work")]
    TooMuchWork(u64),
}

impl Template {
    /// Renders with the default [`Limits`].
    pub fn render(&self, context: &Value) -> Result<String, RenderError> {
        self.render_with(context, Limits::default())
    }

    pub fn render_with(&self, context: &Value, limits: Limits) -> Result<String, RenderError> {
        let mut renderer = Renderer {
            limits,
            steps: 0,
            iteration: BTreeMap::new(),
            stack: vec![Cow::Borrowed(context)],
        };
        let mut out = String::new();
        renderer.nodes(&self.nodes, &mut out)?;
        Ok(out)
    }
}

struct Renderer<'v> {
    limits: Limits,
    steps: u64,
    iteration: BTreeMap<LimitKind, usize>,
    stack: Vec<Cow<'v, Value>>,
}

/// A member of a value, borrowed from the context where it lives there.
fn member<'v>(value: &Cow<'v, Value>, name: &str) -> Option<Cow<'v, Value>> {
    match value {
        Cow::Borrowed(v) => match v {
            Value::Tags(tags) => tags.get(name).map(|t| Cow::Owned(Value::str(t))),
            Value::Pair(..) => pair_member(v, name).map(Cow::Owned),
            _ => v.member(name).map(Cow::Borrowed),
        },
        Cow::Owned(v) => match v {
            Value::Tags(tags) => tags.get(name).map(|t| Cow::Owned(Value::str(t))),
            Value::Pair(..) => pair_member(v, name).map(Cow::Owned),
            _ => v.member(name).cloned().map(Cow::Owned),
        },
    }
}

fn pair_member(pair: &Value, name: &str) -> Option<Value> {
    let Value::Pair(k, v) = pair else {
        return None;
    };
    match name {
        "key" => Some(Value::str(k)),
        "value" => Some(Value::str(v)),
        n if n == k => Some(Value::str(v)),
        _ => None,
    }
}

impl<'v> Renderer<'v> {
    fn step(&mut self) -> Result<(), RenderError> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(RenderError::TooMuchWork(self.limits.max_steps));
        }
        Ok(())
    }

    fn write(&self, out: &mut String, text: &str) -> Result<(), RenderError> {
        if out.len().saturating_add(text.len()) > self.limits.max_output_bytes {
            return Err(RenderError::OutputTooLarge(self.limits.max_output_bytes));
        }
        out.push_str(text);
        Ok(())
    }

    fn limit(&self, kind: LimitKind) -> usize {
        self.iteration
            .get(&kind)
            .or_else(|| self.iteration.get(&LimitKind::Default))
            .copied()
            .unwrap_or(DEFAULT_ITERATION_LIMIT)
    }

    fn lookup(&self, name: &Name) -> Cow<'v, Value> {
        let parts = match name {
            Name::Implicit => {
                return self
                    .stack
                    .last()
                    .cloned()
                    .unwrap_or(Cow::Owned(Value::Null));
            }
            Name::Path(parts) => parts,
        };
        let Some((first, rest)) = parts.split_first() else {
            return Cow::Owned(Value::Null);
        };
        let Some(mut found) = self.stack.iter().rev().find_map(|f| member(f, first)) else {
            return Cow::Owned(Value::Null);
        };
        for part in rest {
            match member(&found, part) {
                Some(next) => found = next,
                None => return Cow::Owned(Value::Null),
            }
        }
        found
    }

    fn truthy(&self, value: &Value) -> bool {
        match value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) | Value::Limited(_, l) => !l.is_empty(),
            Value::Tags(t) => !t.is_empty(),
            Value::LimitExceeded(kind, len) => *len > self.limit(*kind),
            Value::Int(_)
            | Value::Float(_)
            | Value::Map(_)
            | Value::Pair(..)
            | Value::Function(_)
            | Value::LimitOf(_) => true,
        }
    }

    fn display(&self, value: &Value, out: &mut String) {
        match value {
            Value::Null | Value::Function(_) => {}
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Str(s) => out.push_str(s),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) => out.push_str(&f.to_string()),
            Value::List(items) | Value::Limited(_, items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.display(item, out);
                }
                out.push(']');
            }
            Value::Map(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push('=');
                    self.display(v, out);
                }
                out.push('}');
            }
            Value::Tags(tags) => {
                out.push('{');
                let pairs: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                out.push_str(&pairs.join(", "));
                out.push('}');
            }
            Value::Pair(k, v) => {
                out.push_str(k);
                out.push('=');
                out.push_str(v);
            }
            Value::LimitOf(kind) => out.push_str(&self.limit(*kind).to_string()),
            Value::LimitExceeded(..) => {
                out.push_str(if self.truthy(value) { "true" } else { "false" });
            }
        }
    }

    fn nodes(&mut self, nodes: &[Node], out: &mut String) -> Result<(), RenderError> {
        for node in nodes {
            self.step()?;
            match node {
                Node::Text(text) => self.write(out, text)?,
                Node::Variable { name, escape } => {
                    let value = self.lookup(name);
                    let mut text = String::new();
                    self.display(&value, &mut text);
                    if *escape {
                        let mut escaped = String::with_capacity(text.len());
                        html_escape(&text, &mut escaped);
                        self.write(out, &escaped)?;
                    } else {
                        self.write(out, &text)?;
                    }
                }
                Node::Section {
                    name,
                    inverted,
                    children,
                } => {
                    let value = self.lookup(name);
                    if *inverted {
                        if !self.truthy(&value) {
                            self.nodes(children, out)?;
                        }
                    } else {
                        self.section(value, children, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn with_frame(
        &mut self,
        frame: Cow<'v, Value>,
        children: &[Node],
        out: &mut String,
    ) -> Result<(), RenderError> {
        self.stack.push(frame);
        let done = self.nodes(children, out);
        self.stack.pop();
        done
    }

    fn section(
        &mut self,
        value: Cow<'v, Value>,
        children: &[Node],
        out: &mut String,
    ) -> Result<(), RenderError> {
        if !self.truthy(&value) {
            return Ok(());
        }
        match value {
            Cow::Borrowed(Value::List(items)) => {
                for item in items {
                    self.step()?;
                    self.with_frame(Cow::Borrowed(item), children, out)?;
                }
            }
            Cow::Borrowed(Value::Limited(kind, items)) => {
                let limit = self.limit(*kind);
                for item in items.iter().take(limit) {
                    self.step()?;
                    self.with_frame(Cow::Borrowed(item), children, out)?;
                }
            }
            Cow::Owned(Value::List(items)) => {
                for item in items {
                    self.step()?;
                    self.with_frame(Cow::Owned(item), children, out)?;
                }
            }
            Cow::Owned(Value::Limited(kind, items)) => {
                let limit = self.limit(kind);
                for item in items.into_iter().take(limit) {
                    self.step()?;
                    self.with_frame(Cow::Owned(item), children, out)?;
                }
            }
            Cow::Borrowed(Value::Tags(tags)) => {
                for (k, v) in tags {
                    self.step()?;
                    let pair = Value::Pair(k.clone(), v.clone());
                    self.with_frame(Cow::Owned(pair), children, out)?;
                }
            }
            Cow::Owned(Value::Tags(tags)) => {
                for (k, v) in tags {
                    self.step()?;
                    self.with_frame(Cow::Owned(Value::Pair(k, v)), children, out)?;
                }
            }
            Cow::Borrowed(Value::Function(f)) => {
                let mut inner = String::new();
                self.nodes(children, &mut inner)?;
                self.function(*f, &inner, out)?;
            }
            Cow::Owned(Value::Function(f)) => {
                let mut inner = String::new();
                self.nodes(children, &mut inner)?;
                self.function(f, &inner, out)?;
            }
            other => self.with_frame(other, children, out)?,
        }
        Ok(())
    }

    fn function(&mut self, f: Function, text: &str, out: &mut String) -> Result<(), RenderError> {
        if let Function::SetLimit(kind) = f {
            if let Ok(limit) = text.trim().parse::<usize>() {
                self.iteration.insert(kind, limit);
            }
            return Ok(());
        }
        match f.apply(text) {
            Some(result) => self.write(out, &result),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, context: &Value) -> String {
        Template::parse(template)
            .expect("parses")
            .render(context)
            .expect("renders")
    }

    fn ctx() -> Value {
        let mut root = vec![
            ("name", Value::str("Alert <1> & \"2\"")),
            ("yes", Value::Bool(true)),
            ("no", Value::Bool(false)),
            ("empty", Value::List(vec![])),
            ("list", Value::strs(&["a", "b", "c"])),
            (
                "person",
                Value::map([("first", Value::str("Ada")), ("age", Value::Int(36))]),
            ),
            (
                "tags",
                Value::Tags(
                    [("env", "prod"), ("az", "us-west")]
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect(),
                ),
            ),
            (
                "failing",
                Value::Limited(
                    LimitKind::Failing,
                    Value::strs(&["h1", "h2", "h3"]).into_list(),
                ),
            ),
            ("failingLimit", Value::LimitOf(LimitKind::Failing)),
            (
                "failingLimitExceed",
                Value::LimitExceeded(LimitKind::Failing, 3),
            ),
        ];
        root.extend(
            Function::named()
                .into_iter()
                .map(|(n, f)| (n, Value::Function(f))),
        );
        Value::map(root)
    }

    impl Value {
        fn into_list(self) -> Vec<Value> {
            match self {
                Value::List(l) => l,
                _ => Vec::new(),
            }
        }
    }

    #[test]
    fn variables_escape_unless_triple_or_ampersand() {
        let c = ctx();
        assert_eq!(
            render("{{name}}", &c),
            "Alert &lt;1&gt; &amp; &quot;2&quot;"
        );
        assert_eq!(render("{{{name}}}", &c), "Alert <1> & \"2\"");
        assert_eq!(render("{{& name}}", &c), "Alert <1> & \"2\"");
        assert_eq!(render("[{{missing}}]", &c), "[]");
        assert_eq!(render("{{person.first}} {{person.age}}", &c), "Ada 36");
        assert_eq!(render("{{person.first.x}}", &c), "");
    }

    #[test]
    fn sections_and_inverted_sections() {
        let c = ctx();
        assert_eq!(render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}", &c), "Y");
        assert_eq!(render("{{^no}}not{{/no}}{{^yes}}x{{/yes}}", &c), "not");
        assert_eq!(render("{{#list}}<{{.}}>{{/list}}", &c), "<a><b><c>");
        assert_eq!(render("{{^empty}}none{{/empty}}", &c), "none");
        assert_eq!(
            render("{{#person}}{{first}} in {{name}}{{/person}}", &c),
            "Ada in Alert &lt;1&gt; &amp; &quot;2&quot;"
        );
        assert_eq!(render("{{! a comment }}x", &c), "x");
        assert_eq!(render("{{=<% %>=}}<% person.first %>{{x}}", &c), "Ada{{x}}");
    }

    #[test]
    fn tags_iterate_as_pairs_and_read_by_key() {
        let c = ctx();
        assert_eq!(
            render("{{#tags}}[{{key}}={{value}}]{{/tags}}", &c),
            "[az=us-west][env=prod]"
        );
        assert_eq!(render("{{#tags}}{{env}}{{/tags}}", &c), "prod");
        assert_eq!(
            render("{{#tags}}{{.}};{{/tags}}", &c),
            "az=us-west;env=prod;"
        );
        assert_eq!(render("{{tags.env}}", &c), "prod");
    }

    #[test]
    fn functions_take_the_rendered_section() {
        let c = ctx();
        assert_eq!(
            render("{{#jsonEscape}}{{{name}}}{{/jsonEscape}}", &c),
            "Alert <1> & \\\"2\\\""
        );
        assert_eq!(
            render(
                "[{{#trimTrailingComma}}{{#list}}\"{{.}}\",{{/list}}{{/trimTrailingComma}}]",
                &c
            ),
            "[\"a\",\"b\",\"c\"]"
        );
    }

    #[test]
    fn limits_cut_iteration_and_read_back() {
        let c = ctx();
        assert_eq!(
            render("{{failingLimit}} {{failingLimitExceed}}", &c),
            "500 false"
        );
        assert_eq!(
            render(
                "{{#setFailingLimit}}2{{/setFailingLimit}}{{#failing}}{{.}} {{/failing}}{{failingLimit}}{{#failingLimitExceed}} more{{/failingLimitExceed}}",
                &c
            ),
            "h1 h2 2 more"
        );
        assert_eq!(
            render(
                "{{#setDefaultIterationLimit}}1{{/setDefaultIterationLimit}}{{#failing}}{{.}}{{/failing}}",
                &c
            ),
            "h1"
        );
        assert_eq!(
            render(
                "{{#setDefaultIterationLimit}}1{{/setDefaultIterationLimit}}{{#setFailingLimit}}3{{/setFailingLimit}}{{#failing}}{{.}}{{/failing}}",
                &c
            ),
            "h1h2h3"
        );
    }

    #[test]
    fn output_and_work_are_bounded() {
        let c = ctx();
        let t = Template::parse("{{#list}}{{#list}}{{#list}}xxxxxxxx{{/list}}{{/list}}{{/list}}")
            .expect("parses");
        let small = Limits {
            max_output_bytes: 100,
            max_steps: 1_000_000,
        };
        assert_eq!(
            t.render_with(&c, small),
            Err(RenderError::OutputTooLarge(100))
        );
        let few = Limits {
            max_output_bytes: 1_000_000,
            max_steps: 10,
        };
        assert_eq!(t.render_with(&c, few), Err(RenderError::TooMuchWork(10)));
    }
}
