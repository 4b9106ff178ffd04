//! Test servers that script a store's HTTP exchanges, and a client with the options tests use.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::time::Duration;

use super::client::{Client, ClientOptions};
use crate::publish::Keyring;

/// A server that answers each request (its head, as text) with what `answer` makes of it, for `n` requests
/// (one connection each); gives back the heads it got.
pub(crate) fn scripted(
    n: usize,
    answer: impl Fn(&str) -> Vec<u8> + Send + 'static,
) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let root = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let handle = std::thread::spawn(move || {
        let mut heads = Vec::new();
        for _ in 0..n {
            let Ok((stream, _)) = listener.accept() else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((_, v)) = line
                    .split_once(':')
                    .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                {
                    length = v.trim().parse().unwrap();
                }
                head.push_str(&line);
            }
            let _ = reader.by_ref().take(length as u64).read_to_end(&mut Vec::new());
            let mut stream = stream;
            let _ = stream.write_all(&answer(&head));
            heads.push(head);
        }
        heads
    });
    (root, handle)
}

/// A client with these credentials, a 20 s timeout and no retries.
pub(crate) fn client(keyring: Keyring) -> Client {
    Client::new(
        ClientOptions {
            timeout: Duration::from_secs(20),
            retries: 0,
            backoff: Duration::from_millis(10),
            allow_insecure_auth: false,
        },
        keyring,
    )
}

/// A store that answers every request (up to 8) with 200 and `body`; its root URL.
pub(crate) fn answering(body: &'static [u8]) -> String {
    let (root, _) = scripted(8, move |_| {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        [head.as_bytes(), body].concat()
    });
    root
}
