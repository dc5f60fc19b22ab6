//! Properties of the renderer over arbitrary templates: it never panics, and text without tags
//! renders as itself.

use crest_notify::{Limits, Notification, Template, context_of};
use proptest::prelude::*;

fn small() -> Limits {
    Limits {
        max_output_bytes: 64 * 1024,
        max_steps: 100_000,
    }
}

proptest! {
    #[test]
    fn any_template_parses_or_fails_cleanly(text in "(\\PC|\\{\\{[#^/&!=>{}]?[a-zA-Z.]{0,12}\\}?\\}\\}){0,40}") {
        let context = context_of(&Notification::test("n".into(), 0), "http://x");
        if let Ok(t) = Template::parse(&text) {
            let _ = t.render_with(&context, small());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(text in "\\PC{0,200}") {
        let context = context_of(&Notification::test("n".into(), 0), "http://x");
        if let Ok(t) = Template::parse(&text) {
            let _ = t.render_with(&context, small());
        }
    }

    #[test]
    fn plain_text_renders_as_itself(text in "[^{]{0,200}") {
        let context = context_of(&Notification::test("n".into(), 0), "http://x");
        let t = Template::parse(&text).expect("plain text parses");
        prop_assert_eq!(t.render(&context).expect("renders"), text);
    }
}
