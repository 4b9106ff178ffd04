//! Message bodies: bytes held in memory (every answer but the dump), or a stream that a producer writes on a
//! thread of its own (the dump), so that an answer as large as the whole graph is never held in memory.
//!
//! In process a streamed body is read with [`std::io::Read`], as the in-memory ones are; the server hands the same
//! producer's chunks to the connection through a bounded channel (see `transport`).

use std::io::{self, Read, Write};
use std::sync::mpsc;

use bytes::Bytes;

/// Writes a streamed body into the writer it is given; an error stops the stream (the client sees a truncated
/// transfer, never a short body that looks complete).
pub(crate) type Producer = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static>;

/// Bytes a producer hands over at once.
const CHUNK_BYTES: usize = 64 * 1024;

/// Chunks that may wait between a producer and its reader.
pub(crate) const CHANNEL_CHUNKS: usize = 4;

/// One step of a streamed body.
pub(crate) enum Chunk {
    /// More bytes.
    Data(Bytes),
    /// The producer finished: the body is complete.
    Done,
    /// The producer failed: the body is incomplete.
    Failed(io::Error),
}

/// The body of a request or a response.
pub struct Body(Inner);

enum Inner {
    Full(io::Cursor<Bytes>),
    Stream(Box<Stream>),
}

/// A streamed body, read in process: the producer runs on its own thread once the first byte is read.
struct Stream {
    producer: Option<Producer>,
    chunks: Option<mpsc::Receiver<Chunk>>,
    current: io::Cursor<Bytes>,
    done: bool,
}

/// What the server sends: bytes it has, or a producer to run.
pub(crate) enum Payload {
    Full(Bytes),
    Stream(Producer),
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Self::from(Bytes::new())
    }

    /// A body that `producer` writes when it is sent (or read).
    pub(crate) fn stream(producer: Producer) -> Self {
        Self(Inner::Stream(Box::new(Stream {
            producer: Some(producer),
            chunks: None,
            current: io::Cursor::new(Bytes::new()),
            done: false,
        })))
    }

    /// The length of a body held in memory; `None` for a streamed one.
    pub fn len(&self) -> Option<u64> {
        match &self.0 {
            Inner::Full(bytes) => Some(bytes.get_ref().len() as u64),
            Inner::Stream(_) => None,
        }
    }

    /// Whether the body is held in memory and empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Whether the body is streamed by a producer.
    pub fn is_streamed(&self) -> bool {
        matches!(self.0, Inner::Stream(_))
    }

    pub(crate) fn into_payload(self) -> Payload {
        match self.0 {
            Inner::Full(bytes) => Payload::Full(bytes.into_inner()),
            Inner::Stream(stream) => match stream.producer {
                Some(producer) => Payload::Stream(producer),
                None => Payload::Full(Bytes::new()),
            },
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self(Inner::Full(io::Cursor::new(bytes)))
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Self::from(Bytes::from(text))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Self::from(Bytes::from_static(text.as_bytes()))
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.len() {
            Some(n) => write!(f, "Body({n} bytes)"),
            None => f.write_str("Body(streamed)"),
        }
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.0 {
            Inner::Full(bytes) => bytes.read(buf),
            Inner::Stream(stream) => stream.read(buf),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || buf.is_empty() || self.done {
                return Ok(n);
            }
            if let Some(producer) = self.producer.take() {
                let (send, receive) = mpsc::sync_channel(CHANNEL_CHUNKS);
                std::thread::Builder::new()
                    .name("powkg body".to_owned())
                    .spawn(move || produce(producer, |chunk| send.send(chunk).map_err(|_| closed())))?;
                self.chunks = Some(receive);
            }
            let next = self.chunks.as_ref().and_then(|c| c.recv().ok());
            match next {
                Some(Chunk::Data(bytes)) => self.current = io::Cursor::new(bytes),
                Some(Chunk::Done) => self.done = true,
                Some(Chunk::Failed(e)) => return Err(e),
                None => return Err(io::Error::other("the body stopped before its end")),
            }
        }
    }
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the receiver of the body went away")
}

/// Runs `producer`, handing its output to `deliver` in chunks, then [`Chunk::Done`] or [`Chunk::Failed`].
pub(crate) fn produce(producer: Producer, mut deliver: impl FnMut(Chunk) -> io::Result<()>) {
    let mut writer = ChunkWriter {
        buffer: Vec::with_capacity(CHUNK_BYTES),
        deliver: &mut deliver,
    };
    let outcome = producer(&mut writer).and_then(|()| writer.flush());
    let _ = match outcome {
        Ok(()) => deliver(Chunk::Done),
        Err(e) => deliver(Chunk::Failed(e)),
    };
}

/// Gathers writes into chunks of [`CHUNK_BYTES`].
struct ChunkWriter<'a> {
    buffer: Vec<u8>,
    deliver: &'a mut dyn FnMut(Chunk) -> io::Result<()>,
}

impl Write for ChunkWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK_BYTES {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK_BYTES));
        (self.deliver)(Chunk::Data(Bytes::from(full)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_body_reads_whole_in_process() {
        let mut body = Body::stream(Box::new(|out: &mut dyn Write| {
            for i in 0..100_000 {
                writeln!(out, "line {i}")?;
            }
            Ok(())
        }));
        let mut text = String::new();
        body.read_to_string(&mut text).expect("the whole body");
        assert_eq!(text.lines().count(), 100_000);
        assert!(text.ends_with("line 99999\n"));
    }

    #[test]
    fn a_failed_producer_is_a_read_error_not_a_short_body() {
        let mut body = Body::stream(Box::new(|out: &mut dyn Write| {
            out.write_all(b"partial")?;
            Err(io::Error::other("the store failed"))
        }));
        let mut text = Vec::new();
        let error = body.read_to_end(&mut text).expect_err("an error");
        assert!(error.to_string().contains("the store failed"), "{error}");
    }
}
