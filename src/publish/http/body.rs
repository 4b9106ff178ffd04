//! What a request carries: bytes in memory, or a body made while it is sent (a whole graph), which a thread of its
//! own hands to the connection so that memory holds a few blocks whatever the body's size.

use std::io::{self, Read};
use std::sync::mpsc;

use super::answer::{Answer, answer_of};

/// A body made while it is sent: `fill` writes its pieces to the function it is given, and is called again for each
/// attempt; it may stop the request by failing (the store then gets less than `length` bytes, and discards them).
pub type Fill<'a> = dyn FnMut(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> + 'a;

/// What a request carries.
pub enum Body<'a> {
    /// Bytes in memory.
    Bytes(&'a [u8]),
    /// `length` bytes made while they are sent, with constant memory (see `Fill`). It may be a whole graph: each
    /// write must go through within the timeout, and the answer may take `PATIENCE` times the timeout.
    Made {
        /// The bytes `fill` writes, sent as `Content-Length`.
        length: u64,
        /// Writes them.
        fill: &'a mut Fill<'a>,
    },
}

/// Why one attempt failed.
pub(super) enum Failure {
    /// The connection or the protocol (the request may be sent again).
    Transport(String),
    /// The body's maker stopped it (it is not sent again).
    Stopped(String),
}

/// Bytes per message from the body's maker to the request (a few are in flight at once).
const BLOCK: usize = 1 << 18;

/// Sends a request whose body is made on this thread while another thread sends it: memory holds a few blocks,
/// whatever the body's size.
pub(super) fn made(
    agent: &ureq::Agent,
    request: ureq::http::Request<()>,
    fill: &mut Fill<'_>,
) -> Result<(Answer, Option<String>), Failure> {
    // `None` stops the request: the reader fails, and the store gets less than the announced length.
    let (sender, receiver) = mpsc::sync_channel::<Option<Vec<u8>>>(4);
    std::thread::scope(|scope| {
        let sending = scope.spawn(move || {
            let (parts, ()) = request.into_parts();
            let pipe = Pipe {
                receiver,
                block: Vec::new(),
                at: 0,
            };
            let request = ureq::http::Request::from_parts(parts, ureq::SendBody::from_owned_reader(pipe));
            agent.run(request).map_err(|e| e.to_string()).and_then(answer_of)
        });
        let mut block = Vec::with_capacity(BLOCK);
        let mut closed = false;
        let pass = |block: Vec<u8>, closed: &mut bool| {
            sender.send(Some(block)).map_err(|_| {
                *closed = true;
                io::Error::other("the store stopped reading")
            })
        };
        let filled = fill(&mut |piece: &[u8]| {
            block.extend_from_slice(piece);
            if block.len() >= BLOCK {
                pass(std::mem::replace(&mut block, Vec::with_capacity(BLOCK)), &mut closed)?;
            }
            Ok(())
        })
        .and_then(|()| {
            if block.is_empty() {
                Ok(())
            } else {
                pass(block, &mut closed)
            }
        });
        if filled.is_err() {
            let _ = sender.send(None);
        }
        drop(sender);
        let sent = sending
            .join()
            .unwrap_or_else(|_| Err("the sending thread panicked".to_owned()));
        match filled {
            // The maker's own reason comes first; a store that stopped reading says why in its answer.
            Err(reason) if !closed => Err(Failure::Stopped(reason.to_string())),
            _ => sent.map_err(Failure::Transport),
        }
    })
}

/// The reading end of a made body.
struct Pipe {
    receiver: mpsc::Receiver<Option<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.block.len() {
            match self.receiver.recv() {
                Ok(Some(block)) => {
                    self.block = block;
                    self.at = 0;
                }
                Ok(None) => return Err(io::Error::other("the body's maker stopped")),
                // The maker is done: the end of the body.
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{self, BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    use super::super::scripted::client;
    use super::super::{Body, HttpError, Repeat};
    use crate::publish::Keyring;

    /// A one-request server: reads the head and up to `Content-Length` bytes of body, answers 201 when it got them
    /// all; gives back the announced length and the bytes it got.
    fn serve_once() -> (String, std::thread::JoinHandle<(u64, Vec<u8>)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/store?graph=urn%3Ax", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0u64;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some((_, value)) = line
                    .split_once(':')
                    .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                {
                    length = value.trim().parse().unwrap();
                }
            }
            let mut body = Vec::new();
            let _ = reader.by_ref().take(length).read_to_end(&mut body);
            if body.len() as u64 == length {
                let mut stream = stream;
                let _ = stream.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
            (length, body)
        });
        (url, handle)
    }

    fn lines(n: usize) -> Vec<u8> {
        (0..n)
            .flat_map(|i| format!("<urn:s{i}> <urn:p> \"{i}\" .\n").into_bytes())
            .collect()
    }

    #[test]
    fn a_made_body_arrives_whole_with_its_length() {
        let (url, server) = serve_once();
        let content = lines(100_000);
        let mut fill = |write: &mut dyn FnMut(&[u8]) -> io::Result<()>| -> io::Result<()> {
            content.chunks(1000).try_for_each(&mut *write)
        };
        let answer = client(Keyring::default())
            .send(
                "PUT",
                &url,
                &[("Content-Type", "application/n-triples")],
                Body::Made {
                    length: content.len() as u64,
                    fill: &mut fill,
                },
                Repeat::Allowed,
            )
            .unwrap();
        let (length, body) = server.join().unwrap();
        assert_eq!(answer.status, 201);
        assert_eq!(length, content.len() as u64);
        assert!(body == content, "the body arrived altered");
    }

    #[test]
    fn a_made_body_stopped_midway_leaves_the_store_short_and_is_not_sent_again() {
        let (url, server) = serve_once();
        let content = lines(100_000);
        let mut calls = 0;
        let mut fill = |write: &mut dyn FnMut(&[u8]) -> io::Result<()>| -> io::Result<()> {
            calls += 1;
            write(&content[..content.len() / 2])?;
            Err(io::Error::other("the graph changed"))
        };
        let sent = client(Keyring::default()).send(
            "PUT",
            &url,
            &[],
            Body::Made {
                length: content.len() as u64,
                fill: &mut fill,
            },
            Repeat::Allowed,
        );
        let (length, body) = server.join().unwrap();
        assert!(
            matches!(&sent, Err(HttpError::Stopped { message, .. }) if message.contains("the graph changed")),
            "{sent:?}"
        );
        assert_eq!(calls, 1);
        assert_eq!(length, content.len() as u64);
        assert!(body.len() < content.len(), "the store got the whole body");
    }
}
