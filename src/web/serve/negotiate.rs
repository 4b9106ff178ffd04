//! Content negotiation (RFC 9110 §12.5): the media type an `Accept` header prefers among the ones a route offers, and
//! the languages an `Accept-Language` header (or a `lang` parameter) asks for.

/// One media range of an `Accept` header, with its weight in thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Range<'a> {
    main: &'a str,
    sub: &'a str,
    quality: u16,
}

impl Range<'_> {
    /// How specifically this range names `media_type` (2 exact, 1 `type/*`, 0 `*/*`), or `None` if it does not.
    fn specificity(&self, media_type: &str) -> Option<u8> {
        let (main, sub) = media_type.split_once('/')?;
        match (self.main, self.sub) {
            ("*", "*") => Some(0),
            (m, "*") if m.eq_ignore_ascii_case(main) => Some(1),
            (m, s) if m.eq_ignore_ascii_case(main) && s.eq_ignore_ascii_case(sub) => Some(2),
            _ => None,
        }
    }
}

/// Parses a weight (`q=0.8`) into thousandths; malformed weights count as 1, as most servers read them.
fn quality(value: &str) -> u16 {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole != "0" {
        return 1000;
    }
    let digits: String = fraction.chars().take(3).collect();
    format!("{digits:0<3}").parse().unwrap_or(1000)
}

/// The comma-separated elements of a header, each split into its value and its `q` weight.
fn weighted(header: &str) -> impl Iterator<Item = (&str, u16)> {
    header.split(',').filter_map(|element| {
        let mut parts = element.split(';');
        let value = parts.next()?.trim();
        if value.is_empty() {
            return None;
        }
        let q = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .map_or(1000, |(_, v)| quality(v));
        Some((value, q))
    })
}

fn ranges(header: &str) -> Vec<Range<'_>> {
    weighted(header)
        .filter_map(|(value, quality)| {
            let (main, sub) = value.split_once('/')?;
            Some(Range {
                main: main.trim(),
                sub: sub.trim(),
                quality,
            })
        })
        .collect()
}

/// The weight `accept` gives `media_type`: that of the most specific range naming it, 0 if none does.
fn weight(ranges: &[Range<'_>], media_type: &str) -> u16 {
    ranges
        .iter()
        .filter_map(|r| r.specificity(media_type).map(|s| (s, r.quality)))
        .max_by_key(|(s, _)| *s)
        .map_or(0, |(_, q)| q)
}

/// The offer `accept` prefers: highest weight, ties going to the earlier offer (the server's preference). No header,
/// or an empty one, takes the first offer; `None` means nothing offered is acceptable (406).
pub fn choose<T: Copy>(accept: Option<&str>, offers: &[(&str, T)]) -> Option<T> {
    let accept = accept.map(str::trim).filter(|a| !a.is_empty());
    let Some(accept) = accept else {
        return offers.first().map(|(_, t)| *t);
    };
    let ranges = ranges(accept);
    let mut best: Option<(u16, T)> = None;
    for (media_type, value) in offers {
        let w = weight(&ranges, media_type);
        if w > 0 && best.is_none_or(|(b, _)| w > b) {
            best = Some((w, *value));
        }
    }
    best.map(|(_, t)| t)
}

/// The languages asked for, most wanted first: the `lang` parameter (comma-separated), then `Accept-Language` by
/// weight. Tags are lower-cased; `*` and zero weights are left out.
pub fn languages(lang_param: Option<&str>, accept_language: Option<&str>) -> Vec<String> {
    let mut tags: Vec<String> = lang_param
        .into_iter()
        .flat_map(|p| p.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let mut weighted_tags: Vec<(&str, u16)> = accept_language
        .map(|h| weighted(h).filter(|(t, q)| *t != "*" && *q > 0).collect())
        .unwrap_or_default();
    weighted_tags.sort_by_key(|(_, q)| std::cmp::Reverse(*q));
    for (tag, _) in weighted_tags {
        let tag = tag.to_ascii_lowercase();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFERS: [(&str, u8); 3] = [("application/json", 0), ("text/html", 1), ("text/turtle", 2)];

    #[test]
    fn picks_the_heaviest_most_specific_range() {
        assert_eq!(choose(None, &OFFERS), Some(0));
        assert_eq!(choose(Some("text/turtle"), &OFFERS), Some(2));
        assert_eq!(
            choose(Some("text/html,application/xhtml+xml,*/*;q=0.8"), &OFFERS),
            Some(1)
        );
        assert_eq!(choose(Some("text/*;q=0.5, text/turtle;q=0.9"), &OFFERS), Some(2));
        assert_eq!(choose(Some("*/*"), &OFFERS), Some(0));
        assert_eq!(choose(Some("text/*, text/html;q=0"), &OFFERS), Some(2));
        assert_eq!(choose(Some("image/png"), &OFFERS), None);
        assert_eq!(choose(Some("TEXT/Turtle; charset=utf-8"), &OFFERS), Some(2));
    }

    #[test]
    fn orders_languages_by_parameter_then_weight() {
        assert_eq!(
            languages(Some("ro"), Some("it-CH;q=0.5, en;q=0.9, *;q=0.1")),
            ["ro", "en", "it-ch"]
        );
        let wanted = languages(None, Some("it-CH"));
        let rank = crate::web::render::language_rank;
        assert!(rank("it", &wanted) < rank("en", &wanted));
        assert!(rank("en", &wanted) < rank("ro", &wanted));
        assert_eq!(rank("it-ch", &wanted), 0);
    }
}
