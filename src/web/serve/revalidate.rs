//! Conditional requests (RFC 9110 §13): every complete answer of a GET or HEAD is tagged, and a client that already
//! holds it gets 304 and no body.

use http::StatusCode;
use http::header;
use sha2::Digest as _;

use super::exchange::Reply;

/// A request's validators and the answer's date.
pub(super) struct Conditions<'a> {
    pub(super) if_none_match: Option<&'a str>,
    pub(super) if_modified_since: Option<&'a str>,
    /// The curated set's date as an HTTP date, the `Last-Modified` of every answer.
    pub(super) last_modified: Option<&'a str>,
}

/// Tags a complete 200 answer of a GET or HEAD with an `ETag` (a digest of its bytes: the store never changes while
/// served, so an answer changes only with a rebuild) and a `Last-Modified` (the curated set's date), and answers a
/// matching `If-None-Match` with 304 and no body; without one, an `If-Modified-Since` that repeats the
/// `Last-Modified` (as clients do) also gets 304 (RFC 9110 §13.2.2: `If-None-Match` wins).
pub(super) fn revalidate(mut reply: Reply, cacheable: bool, conditions: &Conditions<'_>) -> Reply {
    if !cacheable || reply.status != StatusCode::OK || reply.streamed.is_some() {
        return reply;
    }
    let digest = sha2::Sha256::digest(&reply.body);
    let tag = crate::rdf::hash::hex(&digest[..12]);
    let etag = format!("\"{tag}\"");
    let unchanged = match conditions.if_none_match {
        Some(value) => value
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag),
        None => conditions
            .if_modified_since
            .zip(conditions.last_modified)
            .is_some_and(|(since, modified)| since.trim() == modified),
    };
    if unchanged {
        reply.status = StatusCode::NOT_MODIFIED;
        reply.body.clear();
        reply.headers.retain(|(name, _)| *name != header::CONTENT_TYPE);
    }
    if let Some(modified) = conditions.last_modified {
        reply = reply.with(header::LAST_MODIFIED, modified);
    }
    reply.with(header::ETAG, etag)
}

/// `YYYY-MM-DD` as an HTTP date at midnight UTC (`Tue, 24 Nov 2026 00:00:00 GMT`); `None` for another form.
pub(super) fn http_date(date: &str) -> Option<String> {
    // Sakamoto's day of the week (0 = Sunday).
    const OFFSETS: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = date.get(..10)?.split('-').map(str::parse::<u32>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month < 3 { year - 1 } else { year };
    let weekday = (y + y / 4 - y / 100 + y / 400 + OFFSETS[month as usize - 1] + day) % 7;
    Some(format!(
        "{}, {day:02} {} {year} 00:00:00 GMT",
        DAYS[weekday as usize],
        MONTHS[month as usize - 1]
    ))
}

#[cfg(test)]
mod tests {
    use super::http_date;

    #[test]
    fn dates_are_written_as_http_dates() {
        assert_eq!(
            http_date("2026-11-24").as_deref(),
            Some("Tue, 24 Nov 2026 00:00:00 GMT")
        );
        assert_eq!(
            http_date("2000-02-29").as_deref(),
            Some("Tue, 29 Feb 2000 00:00:00 GMT")
        );
        assert_eq!(
            http_date("1825-08-23").as_deref(),
            Some("Tue, 23 Aug 1825 00:00:00 GMT")
        );
        assert_eq!(http_date("2026-13-01"), None);
        assert_eq!(http_date("yesterday"), None);
    }
}
