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

    /// The field matches any of the values.
    fn field(&mut self, field: SourceField, matching: TextMatch, values: &[String]) -> String {
        // Values are folded here too, so that the store matches case-insensitively whoever asks.
        let folded: Vec<String> = values.iter().map(|v| fold(v)).collect();
        let any: Vec<String> = folded
            .iter()
            .map(|v| match field {
                SourceField::Name => self.compare("s.name_folded", matching, v),
                SourceField::Description => format!(
                    "(s.description_folded IS NOT NULL AND {})",
                    self.compare("s.description_folded", matching, v)
                ),
                SourceField::Tag => format!(
                    "s.id IN (SELECT source_id FROM source_tags WHERE {})",
                    self.compare("tag_folded", matching, v)
                ),
                SourceField::Any => {
                    let parts = [
                        SourceField::Name,
                        SourceField::Description,
                        SourceField::Tag,
                    ]
                    .map(|f| self.field(f, matching, std::slice::from_ref(v)));
                    format!("({})", parts.join(" OR "))
                }
            })
            .collect();
        if any.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("({})", any.join(" OR "))
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
        match c {
            SourceCondition::Text { values, .. } if Some(i) == driver => {
                let tag = b.text(fold(&values[0]));
                conditions.push(format!("m.tag_folded = {tag}"));
            }
            _ => conditions.push(b.condition(c)),
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
        format!("WHERE {}", conditions.join(" AND "))
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
                "NOT (s.id IN (SELECT source_id FROM source_tags WHERE tag_folded LIKE $1"
            ),
            "{}",
            s.sql
        );
        assert_eq!(s.binds[0], Bind::Text("%50\\%%".into()));
        assert!(s.sql.contains("ORDER BY s.id DESC"));
    }
}
