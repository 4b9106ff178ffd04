//! Folding: the one function that turns text into the words the index holds and a query looks for, used at index
//! time (as the index's tokenizer) and at query time alike. Lower case; diacritics removed by Unicode compatibility
//! decomposition (Brașov -> brasov; comma-below ș ț and cedilla ş ţ both -> s t); a few letters that do
//! not decompose spelled out (ß -> ss, æ -> ae, ł -> l, …); anything that is not a letter or a digit splits words.

use std::ops::Range;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Longest folded word kept, in bytes: longer runs (an identifier, a pasted blob) are not names, and the index's
/// terms have a length limit of their own.
pub const MAX_WORD_BYTES: usize = 128;

/// The folded form of `text` (no word splitting): lower case, without diacritics.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        decompose_compatible(lower, |d| {
            if is_combining_mark(d) {
                return;
            }
            match d {
                'ß' | 'ẞ' => out.push_str("ss"),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'ø' => out.push('o'),
                'ł' => out.push('l'),
                'đ' | 'ð' => out.push('d'),
                'þ' => out.push_str("th"),
                'ı' => out.push('i'),
                'ħ' => out.push('h'),
                'ŧ' => out.push('t'),
                _ => out.extend(d.to_lowercase()),
            }
        });
    }
}

/// Whether `c` belongs to a word: letters, digits and the combining marks of decomposed text.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The words of `text`: each word's folded form and its byte range in `text`.
pub fn words(text: &str) -> Vec<(String, Range<usize>)> {
    let mut found = Vec::new();
    let mut start = None;
    let mut push = |range: Range<usize>| {
        let mut folded = fold(&text[range.clone()]);
        // Folding may bring out separators (½ -> 1⁄2): keep the letters and digits.
        folded.retain(char::is_alphanumeric);
        if !folded.is_empty() && folded.len() <= MAX_WORD_BYTES {
            found.push((folded, range));
        }
    };
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s..text.len());
    }
    found
}

/// The name powkg's tokenizer is registered under on every index it builds or opens.
pub const TOKENIZER: &str = "powkg_fold";

/// [`words`] as a tantivy tokenizer: offsets into the original text (for snippets), folded text as the term.
#[derive(Clone, Default)]
pub struct FoldTokenizer;

/// The tokens of one text.
pub struct FoldTokens {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for FoldTokenizer {
    type TokenStream<'a> = FoldTokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldTokens {
        let tokens = words(text)
            .into_iter()
            .enumerate()
            .map(|(position, (folded, range))| Token {
                offset_from: range.start,
                offset_to: range.end,
                position,
                text: folded,
                position_length: 1,
            })
            .collect();
        FoldTokens { tokens, next: 0 }
    }
}

impl TokenStream for FoldTokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Whether `a` and `b` are at most one edit apart (insertion, deletion, substitution, or two neighbours swapped),
/// as the index's fuzzy queries count.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return true;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().abs_diff(rb.len()) {
        0 => ra[1..] == rb[1..] || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..]),
        1 if ra.len() > rb.len() => ra[1..] == *rb,
        1 => *ra == rb[1..],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        words(text).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn diacritics_and_case_fold_away() {
        assert_eq!(fold("Lăstun"), "lastun");
        assert_eq!(fold("Lăstun"), fold("LASTUN"));
        assert_eq!(fold("Rașca"), "rasca");
        assert_eq!(fold("Vișan"), "visan");
    }

    #[test]
    fn comma_below_and_cedilla_fold_alike() {
        // ș U+0219 (comma below) and ş U+015F (cedilla); ț U+021B and ţ U+0163.
        assert_eq!(fold("\u{219}"), "s");
        assert_eq!(fold("\u{15f}"), "s");
        assert_eq!(fold("\u{21b}"), "t");
        assert_eq!(fold("\u{163}"), "t");
        assert_eq!(fold("\u{218}\u{21a}"), fold("\u{15e}\u{162}"));
        // Already decomposed text (s + combining comma below) folds the same.
        assert_eq!(folded("Ras\u{326}ca"), ["rasca"]);
    }

    #[test]
    fn letters_without_decomposition_are_spelled_out() {
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Øresund"), "oresund");
    }

    #[test]
    fn punctuation_splits_words_and_offsets_point_into_the_original() {
        let text = "Anna, Șoltuz și Vișa (1867) nell'aprile";
        let found = words(text);
        let terms: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(terms, ["anna", "soltuz", "si", "visa", "1867", "nell", "aprile"]);
        assert_eq!(&text[found[1].1.clone()], "Șoltuz");
        assert!(words("* - : \" ( )").is_empty());
    }

    #[test]
    fn one_edit_counts_transpositions_once() {
        assert!(within_one_edit("maria", "marea"));
        assert!(within_one_edit("berkesku", "berkescu"));
        assert!(within_one_edit("lastun", "lsatun"));
        assert!(within_one_edit("lastun", "lastuns"));
        assert!(within_one_edit("lastun", "lastu"));
        assert!(!within_one_edit("lastun", "lsatnu"));
        assert!(!within_one_edit("maria", "mara1x"));
    }
}
