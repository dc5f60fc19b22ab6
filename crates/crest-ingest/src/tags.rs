//! Point tags: `key=value` pairs as java-lib reads them, ordered, de-duplicated, and the source
//! taken out of them (`source` wins, else `host`; `host` beside `source` becomes `_host`, `tag`
//! becomes `_tag`).

use std::borrow::Cow;

use crate::refusal::{Refusal, parse};
use crate::tokenizer::Tokenizer;
use crate::validate::Tag;

/// One `key = value` pair from the tokens (java-lib's `parseKeyValuePair` and its messages).
pub fn parse_pair<'a>(tokens: &mut Tokenizer<'a>) -> Result<Tag<'a>, Refusal> {
    let key = tokens.next()?.unwrap_or(Cow::Borrowed(""));
    pair_after_key(key, tokens)
}

/// The `= value` of a pair whose key was read.
#[inline]
fn pair_after_key<'a>(key: Cow<'a, str>, tokens: &mut Tokenizer<'a>) -> Result<Tag<'a>, Refusal> {
    match tokens.next()? {
        None => {
            return Err(parse(format!(
                "Tag keys and values must be separated by '=', nothing found after '{key}'"
            )));
        }
        Some(op) if !matches!(op.as_bytes(), [b'=']) => {
            return Err(parse(format!(
                "Tag keys and values must be separated by '=', found {op}"
            )));
        }
        Some(_) => {}
    }
    match tokens.next()? {
        Some(value) => Ok((key, value)),
        None => Err(parse(format!("Value missing for {key}"))),
    }
}

/// Every remaining pair of the line into `tags` (cleared first).
pub fn parse_pairs<'a>(tokens: &mut Tokenizer<'a>, tags: &mut Vec<Tag<'a>>) -> Result<(), Refusal> {
    tags.clear();
    loop {
        if let Some((key, value)) = tokens.plain_pair() {
            tags.push((Cow::Borrowed(key), Cow::Borrowed(value)));
            continue;
        }
        let Some(key) = tokens.next()? else {
            break;
        };
        tags.push(pair_after_key(key, tokens)?);
    }
    Ok(())
}

/// Orders the tags by key; of a key given twice the last value is kept (a map's `put`).
pub fn sort_and_dedup(tags: &mut Vec<Tag<'_>>) {
    if tags
        .windows(2)
        .all(|w| matches!(w, [a, b] if key_order(a, b).is_lt()))
    {
        return;
    }
    tags.sort_by(key_order);
    tags.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            std::mem::swap(&mut later.1, &mut kept.1);
            true
        } else {
            false
        }
    });
}

/// Tags by key (byte order, as `String`'s); most keys differ in their first byte, so that is
/// compared first without a call.
fn key_order(a: &Tag<'_>, b: &Tag<'_>) -> std::cmp::Ordering {
    let (a, b) = (a.0.as_bytes(), b.0.as_bytes());
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
    }
}

/// Takes the tag `key` out of sorted tags.
pub fn remove<'a>(tags: &mut Vec<Tag<'a>>, key: &str) -> Option<Cow<'a, str>> {
    let at = tags.binary_search_by(|t| t.0.as_ref().cmp(key)).ok()?;
    Some(tags.remove(at).1)
}

/// Sets the tag `key` in sorted tags.
pub fn upsert<'a>(tags: &mut Vec<Tag<'a>>, key: &'static str, value: Cow<'a, str>) {
    match tags.binary_search_by(|t| t.0.as_ref().cmp(key)) {
        Ok(at) => {
            if let Some(slot) = tags.get_mut(at) {
                slot.1 = value;
            }
        }
        Err(at) => tags.insert(at, (Cow::Borrowed(key), value)),
    }
}

/// Orders the tags and takes the source out of them (java-lib's rules); `None` when neither
/// `source` nor `host` is there.
pub fn take_source<'a>(tags: &mut Vec<Tag<'a>>) -> Option<Cow<'a, str>> {
    // Taken out first, in line order (the last of a repeated key wins), so that the usual
    // `source=... k=v ...` is already in key order without it.
    let (mut source, mut host, mut tag) = (None, None, None);
    tags.retain_mut(|(key, value)| {
        let slot = match key.as_bytes() {
            b"source" => &mut source,
            b"host" => &mut host,
            b"tag" => &mut tag,
            _ => return true,
        };
        *slot = Some(std::mem::take(value));
        false
    });
    sort_and_dedup(tags);
    let source = match source {
        Some(source) => {
            if let Some(host) = host {
                upsert(tags, "_host", host);
            }
            Some(source)
        }
        None => host,
    };
    if let Some(tag) = tag {
        upsert(tags, "_tag", tag);
    }
    source
}

/// A source as stored: lower-cased (borrowed when it already is).
pub fn lower_source(source: Cow<'_, str>) -> Cow<'_, str> {
    if source.is_ascii() {
        if source.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(source.to_ascii_lowercase())
        } else {
            source
        }
    } else {
        let lower = source.to_lowercase();
        if lower == source.as_ref() {
            source
        } else {
            Cow::Owned(lower)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags_of(line: &str) -> Result<Vec<(String, String)>, Refusal> {
        let mut t = Tokenizer::new(line);
        let mut tags = Vec::new();
        parse_pairs(&mut t, &mut tags)?;
        sort_and_dedup(&mut tags);
        Ok(tags
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect())
    }

    #[test]
    fn pairs_and_their_errors() {
        assert_eq!(
            tags_of("b=2 a = 1 b=3").unwrap(),
            [("a".into(), "1".into()), ("b".into(), "3".into())]
        );
        assert_eq!(
            tags_of("a=1 b"),
            Err(parse(
                "Tag keys and values must be separated by '=', nothing found after 'b'"
            ))
        );
        assert_eq!(
            tags_of("a 1"),
            Err(parse(
                "Tag keys and values must be separated by '=', found 1"
            ))
        );
        assert_eq!(tags_of("a="), Err(parse("Value missing for a")));
    }

    #[test]
    fn source_host_and_tag() {
        let run = |line: &str| {
            let mut t = Tokenizer::new(line);
            let mut tags = Vec::new();
            parse_pairs(&mut t, &mut tags).unwrap();
            let source = take_source(&mut tags).map(Cow::into_owned);
            let tags: Vec<(String, String)> = tags
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            (source, tags)
        };
        assert_eq!(
            run("source=a host=b"),
            (Some("a".into()), vec![("_host".into(), "b".into())])
        );
        assert_eq!(run("host=b"), (Some("b".into()), vec![]));
        assert_eq!(
            run("tag=x source=a _tag=y"),
            (Some("a".into()), vec![("_tag".into(), "x".into())])
        );
        assert_eq!(run("k=v"), (None, vec![("k".into(), "v".into())]));
    }

    #[test]
    fn sources_are_lower_cased() {
        assert_eq!(lower_source(Cow::Borrowed("Web-01")), "web-01");
        assert!(matches!(
            lower_source(Cow::Borrowed("web")),
            Cow::Borrowed(_)
        ));
        assert_eq!(lower_source(Cow::Borrowed("ÉCOLE")), "école");
    }
}
