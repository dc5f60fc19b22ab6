//! A request's query string as the real clients send it: repeated names kept, an empty value read
//! as absent, and each refusal a 400 that names the parameter.

use crate::error::ApiError;

/// The `(name, value)` pairs of a query string, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, ApiError> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
            .map(QueryParams)
            .map_err(|e| ApiError::BadRequest(format!("the query string cannot be read: {e}")))
    }

    /// The first non-empty value of `name`.
    pub(crate) fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`, in order.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.one(name)
            .ok_or_else(|| ApiError::BadRequest(format!("{name} is required")))
    }

    /// An integer parameter; `what` says what it counts, for the refusal.
    pub(crate) fn integer(&self, name: &str, what: &str) -> Result<Option<i64>, ApiError> {
        self.one(name)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| ApiError::BadRequest(format!("{name} must be {what}, not '{v}'")))
            })
            .transpose()
    }

    /// A boolean parameter: `true` or `false`, in any case.
    pub(crate) fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.one(name)
            .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ApiError::BadRequest(format!(
                    "{name} must be true or false, not '{v}'"
                ))),
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_clients_send_them() {
        let p = QueryParams::parse(Some("h=a&h=&h=b%2A&l=5&x=&strict=TRUE")).unwrap();
        assert_eq!(p.all("h").collect::<Vec<_>>(), ["a", "b*"]);
        assert_eq!(p.one("x"), None);
        assert_eq!(p.integer("l", "a count").unwrap(), Some(5));
        assert_eq!(p.flag("strict").unwrap(), Some(true));
        assert!(
            p.required("m")
                .unwrap_err()
                .to_string()
                .contains("m is required")
        );
        let bad = QueryParams::parse(Some("l=five&i=yes")).unwrap();
        assert!(bad.integer("l", "a count").is_err());
        assert!(
            bad.flag("i")
                .unwrap_err()
                .to_string()
                .contains("i must be true or false")
        );
    }
}
