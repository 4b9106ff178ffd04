//! How `powkg push` shows what is not its own in a message or report: a URL without the user and password it may
//! carry, and a remote's words (a store's error page, a value it answered) without the control characters that a
//! terminal would obey, and of bounded length.

/// Longest quotation of a remote's words, in characters.
pub const QUOTED_CHARS: usize = 300;

/// A URL as every message and report shows it: without its userinfo (`http://user:pw@host/` is shown
/// `http://host/`).
pub fn url(url: &str) -> String {
    super::origin::without_userinfo(url)
}

/// A remote's words as a message quotes them: on one line (line breaks and tabs become spaces, runs of them one),
/// without control characters (escape sequences, `\r`, bidirectional overrides) and at most [`QUOTED_CHARS`]
/// characters, cut with `…`.
pub fn remote(text: &str) -> String {
    let mut out = String::new();
    let mut chars = 0;
    let mut space = false;
    for c in text.chars() {
        let shown = if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        } else if c.is_control() || is_bidi_control(c) {
            continue;
        } else {
            c
        };
        if chars + usize::from(space) >= QUOTED_CHARS {
            out.push('…');
            return out;
        }
        if space {
            out.push(' ');
            chars += 1;
            space = false;
        }
        out.push(shown);
        chars += 1;
    }
    out
}

/// The characters that reorder what a terminal shows (Unicode's explicit directional formatting).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            url("http://dba:secret@127.0.0.1:8890/sparql-auth"),
            "http://127.0.0.1:8890/sparql-auth"
        );
        assert_eq!(url("http://127.0.0.1:7878/store"), "http://127.0.0.1:7878/store");
    }

    #[test]
    fn a_remotes_words_lose_their_control_characters_and_are_cut() {
        let page = "\u{1b}[31mError\u{1b}[0m: bad\tquery\r\n\n  line 2\u{7}\u{202e}x\u{9b}2J";
        assert_eq!(remote(page), "[31mError[0m: bad query line 2x2J");
        assert!(!remote(page).chars().any(char::is_control));
        let long = "é".repeat(10_000);
        let cut = remote(&long);
        assert_eq!(cut.chars().count(), QUOTED_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(remote("  \n "), "");
    }
}
