//! Text that names or describes things: no control or format characters, bounded descriptions.
//!
//! Ids and names are shown to people and compared by machines. A control character (general
//! category Cc) breaks logs and terminals; a format character (Cf: the bidirectional overrides and
//! isolates, zero-width spaces and joiners, the byte-order mark, …) is invisible and can make one
//! name look like another (`admin` + U+200B) or reorder what is displayed (U+202E). Every check of
//! an account id, a role, group, token or source name goes through [`hidden_char`].

use crate::error::DomainError;

/// The longest description kept, in characters (sources, service accounts, roles, groups).
pub const MAX_DESCRIPTION_CHARS: usize = 4096;

/// The code points of general category Cf (format), Unicode 15. Sorted, inclusive ranges.
const FORMAT_RANGES: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Whether `c` is a format character (general category Cf).
pub fn is_format(c: char) -> bool {
    let c = u32::from(c);
    FORMAT_RANGES
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The first control or format character of `text`, if it holds one.
pub fn hidden_char(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control() || is_format(*c))
}

/// Refuses `text` when it holds a control or format character, naming `what` and the character:
/// "a role name may not contain control or format characters (found U+202E)".
pub fn no_hidden_chars(text: &str, what: &str) -> Result<(), DomainError> {
    match hidden_char(text) {
        None => Ok(()),
        Some(c) => Err(DomainError::Invalid(format!(
            "{what} may not contain control or format characters (found U+{:04X})",
            u32::from(c)
        ))),
    }
}

/// Refuses a description longer than [`MAX_DESCRIPTION_CHARS`] characters.
pub fn description_fits(text: &str) -> Result<(), DomainError> {
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(DomainError::Invalid(format!(
            "a description holds at most {MAX_DESCRIPTION_CHARS} characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_are_found() {
        for c in [
            '\u{00AD}',
            '\u{200B}',
            '\u{200D}',
            '\u{200F}',
            '\u{202A}',
            '\u{202E}',
            '\u{2066}',
            '\u{2069}',
            '\u{FEFF}',
            '\u{E0001}',
            '\u{E007F}',
        ] {
            assert!(is_format(c), "U+{:04X}", u32::from(c));
            assert_eq!(hidden_char(&format!("ad{c}min")), Some(c));
        }
        for c in [
            'a', ' ', 'é', 'ß', '\u{2010}', '\u{2070}', '\u{FEFE}', '😀', '中',
        ] {
            assert!(!is_format(c), "U+{:04X}", u32::from(c));
        }
        assert_eq!(hidden_char("tab\there"), Some('\t'));
        assert_eq!(hidden_char("plain name é"), None);
    }

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        assert!(FORMAT_RANGES.iter().all(|(lo, hi)| lo <= hi));
        assert!(FORMAT_RANGES.windows(2).all(|w| w[0].1 < w[1].0));
    }

    #[test]
    fn refusals_name_the_character_and_the_limit() {
        let e = no_hidden_chars("a\u{202E}b", "a role name").expect_err("refused");
        assert_eq!(
            e.to_string(),
            "a role name may not contain control or format characters (found U+202E)"
        );
        assert!(description_fits(&"é".repeat(MAX_DESCRIPTION_CHARS)).is_ok());
        let e = description_fits(&"x".repeat(MAX_DESCRIPTION_CHARS + 1)).expect_err("too long");
        assert_eq!(e.to_string(), "a description holds at most 4096 characters");
    }
}
