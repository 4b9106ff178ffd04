//! What a store answered: status, body (read within a bound), `Server` header, and the challenge to answer.

use std::io::Read as _;

use crate::publish::display;

/// What the store answered.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body, as text (answers powkg reads are short: counts, records, error pages).
    pub body: String,
    /// The `Server` header (`Oxigraph/0.5.13`), empty without one.
    pub server: String,
    /// Whether the body was longer than powkg reads (`MOST_BODY_BYTES`) and was cut.
    pub truncated: bool,
}

/// Most bytes of an answer's body read: error pages and counts are short.
pub const MOST_BODY_BYTES: u64 = 1 << 20;

impl Answer {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as a message quotes it (see [`display::remote`]).
    pub fn quoted(&self) -> String {
        display::remote(&self.body)
    }
}

/// The answer and the `WWW-Authenticate` challenge of a response.
pub(super) fn answer_of(mut response: ureq::http::Response<ureq::Body>) -> Result<(Answer, Option<String>), String> {
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    let server = response
        .headers()
        .get("server")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut bytes = Vec::new();
    // Error pages and counts are short; a store that sends more is cut (and the answer says so). A body that is not
    // UTF-8 is the store's answer all the same: its reader says what it expected.
    response
        .body_mut()
        .as_reader()
        .take(MOST_BODY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let truncated = bytes.len() as u64 > MOST_BODY_BYTES;
    bytes.truncate(usize::try_from(MOST_BODY_BYTES).unwrap_or(usize::MAX));
    Ok((
        Answer {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            server,
            truncated,
        },
        (!challenge.is_empty()).then_some(challenge),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::scripted::{client, scripted};
    use super::super::{Body, Repeat};
    use crate::publish::Keyring;

    #[test]
    fn a_body_that_is_not_utf8_is_an_answer_not_a_lost_connection() {
        let (root, _) = scripted(1, |_| {
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\n\xff\x1bab".to_vec()
        });
        let answer = client(Keyring::default())
            .send(
                "POST",
                &format!("{root}/query"),
                &[],
                Body::Bytes(b"q"),
                Repeat::Allowed,
            )
            .unwrap();
        assert_eq!((answer.status, answer.quoted().as_str()), (200, "\u{fffd}ab"));
    }
}
