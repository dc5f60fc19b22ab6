//! Turns a [`SourceQuery`] into one SQL statement, the same text for both dialects: conditions on
//! the folded columns (prefixes as index ranges), the cursor, the page, the page's tags.

use crest_domain::source::{SourceCondition, SourceField, SourceQuery, TextMatch, fold};

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

/// A statement and its values, `$1` first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) sql: String,
    pub(crate) binds: Vec<Bind>,
}

/// The columns a page row carries, with one of the source's tags (or none) per row.
pub(crate) const PAGE_COLUMNS: &str = "p.id, p.description, p.created_ms, p.creator, \
    p.updated_ms, p.updater, p.marked_new_ms, t.tag";

/// Above every character a folded string can hold after a prefix, so that `[prefix, prefix + MAX)`
/// is the range of strings that start with `prefix`.
const AFTER_PREFIX: char = char::MAX;

#[derive(Debug, Default)]
struct Builder {
    binds: Vec<Bind>,
}

impl Builder {
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    fn text(&mut self, value: String) -> String {
        self.bind(Bind::Text(value))
    }

    /// `column` compared with one folded value.
    fn compare(&mut self, column: &str, matching: TextMatch, value: &str) -> String {
        match matching {
            TextMatch::Exact => format!("{column} = {}", self.text(value.to_owned())),
            TextMatch::StartsWith => self.prefix(column, value),
            TextMatch::Contains => format!(
                "{column} LIKE {} ESCAPE '\\'",
                self.text(format!("%{}%", escape_like(value)))
            ),
            TextMatch::TagPath => {
                // As the search engine reads a tag path: `a.b`, `a.b.` and `a.b.*` all mean `a.b`
                // and everything below it.
                let path = value.trim_end_matches(".*").trim_end_matches('.');
                let exact = format!("{column} = {}", self.text(path.to_owned()));
                let below = self.prefix(column, &format!("{path}."));
                format!("({exact} OR {below})")
            }
        }
    }

    fn prefix(&mut self, column: &str, prefix: &str) -> String {
        let low = self.text(prefix.to_owned());
        let high = self.text(format!("{prefix}{AFTER_PREFIX}"));
        format!("({column} >= {low} AND {column} < {high})")
    }

    /// `column` matches any of the (folded) values: an `IN` list for exact values, else the
    /// comparisons ORed as a balanced tree, so that no expression nests deeper than the logarithm
    /// of its values (SQLite refuses trees deeper than 1,000).
    fn any_value(&mut self, column: &str, matching: TextMatch, values: &[String]) -> String {
        if values.is_empty() {
            return "1 = 0".to_owned();
        }
        if matching == TextMatch::Exact && values.len() > 1 {
            let list: Vec<String> = values.iter().map(|v| self.text(v.clone())).collect();
            return format!("{column} IN ({})", list.join(", "));
        }
        let parts = values
            .iter()
            .map(|v| self.compare(column, matching, v))
            .collect();
        balanced(parts, "OR")
    }

    /// The field matches any of the values. A tag condition is one correlated subquery over the
    /// source's own tags (along the primary key), evaluated per source and stopping at the first
    /// match: its cost is the source's tags, never the whole tag table, and the planner sees one
    /// subplan per condition instead of a join per condition to order.
    fn field(&mut self, field: SourceField, matching: TextMatch, values: &[String]) -> String {
        // Values are folded here too, so that the store matches case-insensitively whoever asks.
        let folded: Vec<String> = values.iter().map(|v| fold(v)).collect();
        match field {
            SourceField::Name => self.any_value("s.name_folded", matching, &folded),
            SourceField::Description => format!(
                "(s.description_folded IS NOT NULL AND {})",
                self.any_value("s.description_folded", matching, &folded)
            ),
            SourceField::Tag => format!(
                "((SELECT 1 FROM source_tags x WHERE x.source_id = s.id AND {} LIMIT 1) \
                 IS NOT NULL)",
                self.any_value("x.tag_folded", matching, &folded)
            ),
            SourceField::Any => {
                let parts = [
                    SourceField::Name,
                    SourceField::Description,
                    SourceField::Tag,
                ]
                .map(|f| self.field(f, matching, &folded));
                format!("({})", parts.join(" OR "))
            }
        }
    }

    fn condition(&mut self, condition: &SourceCondition) -> String {
        match condition {
            SourceCondition::Constant(true) => "1 = 1".to_owned(),
            SourceCondition::Constant(false) => "1 = 0".to_owned(),
            SourceCondition::Text {
                field,
                matching,
                values,
                negated,
            } => {
                let sql = self.field(*field, *matching, values);
                if *negated { format!("NOT {sql}") } else { sql }
            }
        }
    }
}

/// The parts joined with `op` as a balanced tree: `((a op b) op (c op d))`.
fn balanced(mut parts: Vec<String>, op: &str) -> String {
    match parts.len() {
        0 => "1 = 1".to_owned(),
        1 => parts.pop().unwrap_or_default(),
        n => {
            let right = parts.split_off(n / 2);
            format!("({} {op} {})", balanced(parts, op), balanced(right, op))
        }
    }
}

/// `%`, `_` and the escape character itself, escaped for `LIKE … ESCAPE '\'`.
fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether a condition can drive the page: one exact tag, not negated. Such a page is read along
/// the tag index in id order, so that its cost is the page's, not the tag's number of sources.
fn drives(condition: &SourceCondition) -> bool {
    matches!(condition, SourceCondition::Text {
        field: SourceField::Tag,
        matching: TextMatch::Exact,
        values,
        negated: false,
    } if values.len() == 1)
}

/// One page of the query, plus one row more to tell whether more follow, each source joined with
/// its tags.
pub(crate) fn page(query: &SourceQuery) -> Statement {
    let mut b = Builder::default();
    let driver = query.conditions.iter().position(drives);
    let (from, key) = match driver {
        // A source holds each folded tag once, so the join yields each source once.
        Some(_) => (
            "source_tags m JOIN sources s ON s.id = m.source_id",
            "m.source_id",
        ),
        None => ("sources s", "s.id"),
    };
    let mut conditions: Vec<String> = Vec::with_capacity(query.conditions.len() + 1);
    for (i, c) in query.conditions.iter().enumerate() {
        // The driving condition is one exact tag (`drives`): its one value.
        let driving_tag = match c {
            SourceCondition::Text { values, .. } if Some(i) == driver => values.first(),
            _ => None,
        };
        match driving_tag {
            Some(value) => {
                let tag = b.text(fold(value));
                conditions.push(format!("m.tag_folded = {tag}"));
            }
            None => conditions.push(b.condition(c)),
        }
    }
    let (after, order) = if query.ascending {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    if let Some(cursor) = &query.after {
        conditions.push(format!("{key} {after} {}", b.text(cursor.clone())));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", balanced(conditions, "AND"))
    };
    let limit = b.bind(Bind::Int(i64::from(query.limit) + 1));
    let sql = format!(
        "SELECT {PAGE_COLUMNS} FROM (SELECT s.id, s.description, s.created_ms, s.creator, \
         s.updated_ms, s.updater, s.marked_new_ms FROM {from} {filter} \
         ORDER BY {key} {order} LIMIT {limit}) p \
         LEFT JOIN source_tags t ON t.source_id = p.id ORDER BY p.id {order}"
    );
    Statement {
        sql,
        binds: b.binds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(
        field: SourceField,
        matching: TextMatch,
        values: &[&str],
        negated: bool,
    ) -> SourceCondition {
        SourceCondition::Text {
            field,
            matching,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            negated,
        }
    }

    #[test]
    fn a_prefix_is_an_index_range_and_values_are_bound() {
        let s = page(&SourceQuery {
            conditions: vec![text(
                SourceField::Name,
                TextMatch::StartsWith,
                &["web-"],
                false,
            )],
            after: Some("web-1".into()),
            limit: 10,
            ascending: true,
        });
        assert!(
            s.sql
                .contains("(s.name_folded >= $1 AND s.name_folded < $2)"),
            "{}",
            s.sql
        );
        assert!(s.sql.contains("s.id > $3"));
        assert_eq!(s.binds[0], Bind::Text("web-".into()));
        assert_eq!(s.binds[1], Bind::Text(format!("web-{}", char::MAX)));
        assert_eq!(s.binds[3], Bind::Int(11));
    }

    #[test]
    fn an_exact_tag_drives_the_page_along_its_index() {
        let s = page(&SourceQuery {
            conditions: vec![
                text(SourceField::Name, TextMatch::Contains, &["web"], false),
                text(SourceField::Tag, TextMatch::Exact, &["Env.Prod"], false),
            ],
            after: Some("web-1".into()),
            limit: 10,
            ascending: true,
        });
        assert!(
            s.sql.contains("FROM source_tags m JOIN sources s"),
            "{}",
            s.sql
        );
        assert!(s.sql.contains("m.tag_folded = $2"), "{}", s.sql);
        assert!(s.sql.contains("m.source_id > $3"), "{}", s.sql);
        assert_eq!(s.binds[1], Bind::Text("env.prod".into()));
        let negated = page(&SourceQuery {
            conditions: vec![text(SourceField::Tag, TextMatch::Exact, &["x"], true)],
            after: None,
            limit: 10,
            ascending: true,
        });
        assert!(
            negated.sql.contains("FROM sources s WHERE"),
            "{}",
            negated.sql
        );
    }

    #[test]
    fn like_wildcards_in_values_are_literal() {
        assert_eq!(escape_like("a%b_c\\d"), "a\\%b\\_c\\\\d");
        let s = page(&SourceQuery {
            conditions: vec![text(SourceField::Tag, TextMatch::Contains, &["50%"], true)],
            after: None,
            limit: 1,
            ascending: false,
        });
        assert!(
            s.sql.contains(
                "NOT ((SELECT 1 FROM source_tags x WHERE x.source_id = s.id AND \
                 x.tag_folded LIKE $1 ESCAPE '\\' LIMIT 1) IS NOT NULL)"
            ),
            "{}",
            s.sql
        );
        assert_eq!(s.binds[0], Bind::Text("%50\\%%".into()));
        assert!(s.sql.contains("ORDER BY s.id DESC"));
    }

    /// Depth of parentheses, which bounds the depth of the expression tree.
    fn depth(sql: &str) -> usize {
        let (mut now, mut max) = (0usize, 0usize);
        for c in sql.chars() {
            match c {
                '(' => {
                    now += 1;
                    max = max.max(now);
                }
                ')' => now = now.saturating_sub(1),
                _ => {}
            }
        }
        max
    }

    #[test]
    fn many_conditions_and_values_nest_logarithmically_with_one_subquery_per_condition() {
        let values: Vec<String> = (0..100).map(|i| format!("v{i}")).collect();
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let conditions: Vec<SourceCondition> = (0..50)
            .map(|i| {
                let matching = [TextMatch::Contains, TextMatch::Exact, TextMatch::TagPath][i % 3];
                let field = [SourceField::Tag, SourceField::Any, SourceField::Name][i % 3];
                text(field, matching, &refs[..(i % 20) + 1], i % 2 == 0)
            })
            .collect();
        let s = page(&SourceQuery {
            conditions,
            after: None,
            limit: 10,
            ascending: true,
        });
        assert!(depth(&s.sql) < 40, "depth {}", depth(&s.sql));
        let one = page(&SourceQuery {
            conditions: vec![text(SourceField::Tag, TextMatch::Contains, &refs, false)],
            after: None,
            limit: 10,
            ascending: true,
        });
        assert_eq!(one.sql.matches("SELECT 1 FROM source_tags").count(), 1);
        assert!(depth(&one.sql) < 20, "depth {}", depth(&one.sql));
        let exact = page(&SourceQuery {
            conditions: vec![text(SourceField::Name, TextMatch::Exact, &refs, false)],
            after: None,
            limit: 10,
            ascending: true,
        });
        assert!(
            exact.sql.contains("s.name_folded IN ($1, $2, "),
            "{}",
            exact.sql
        );
    }
}
