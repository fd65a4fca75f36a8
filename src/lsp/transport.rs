//! Messages over a byte stream: `Content-Length` framing and JSON-RPC.
//!
//! lsp-server's own stdio transport ends the connection at the first frame
//! that is not a valid message; a server must instead answer it and go on.
//! So frames are read here, on a thread of their own, and handed to the
//! main loop one by one: a valid message as lsp-server's [`Message`], any
//! other frame as [`Incoming::Malformed`] with the error to answer (JSON-RPC
//! `ParseError` for text that is not JSON, `InvalidRequest` for JSON that is
//! not a message). A header block without a usable `Content-Length` is
//! skipped; the next `Content-Length` header found starts the next frame.
//! Writing uses lsp-server's framing.

use std::io::{self, BufRead, BufReader, Read, Write};

use crossbeam_channel::{Receiver, unbounded};
use lsp_server::{ErrorCode, Message, ResponseError};
use serde_json::Value;

/// No message scalec needs is larger: a body past this is read and dropped.
pub const MAX_MESSAGE: usize = 64 << 20;

/// What the reader hands the main loop.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that is not a message: answer `error` to `id` (null when the
    /// frame named none) and go on.
    Malformed {
        id: Value,
        error: ResponseError,
    },
}

/// Reads frames from `input` on a thread of its own until the input ends or
/// an `exit` notification arrives; the channel then disconnects.
pub fn spawn_reader(input: impl Read + Send + 'static) -> Receiver<Incoming> {
    let (sender, receiver) = unbounded();
    std::thread::Builder::new()
        .name("scalec-lsp-reader".into())
        .spawn(move || {
            let mut input = BufReader::new(input);
            loop {
                let incoming = match read_frame(&mut input) {
                    Ok(Some(Frame::Body(body))) => parse(&body),
                    Ok(Some(Frame::TooLarge(length))) => Incoming::Malformed {
                        id: Value::Null,
                        error: error(
                            ErrorCode::InvalidRequest,
                            format!("a message of {length} bytes is larger than scalec reads ({MAX_MESSAGE} bytes); it was skipped"),
                        ),
                    },
                    Ok(None) => break,
                    Err(e) => {
                        eprintln!("scalec lsp: cannot read the client's messages: {e}");
                        break;
                    }
                };
                let exit = matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
                if sender.send(incoming).is_err() || exit {
                    break;
                }
            }
        })
        .expect("the reader thread starts");
    receiver
}

enum Frame {
    Body(Vec<u8>),
    TooLarge(usize),
}

/// The next frame's body; `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_some() {
                break;
            }
            // A blank line with no length before it: nothing to read.
            continue;
        }
        // Found anywhere in the line, so that the header after a body that
        // could not be framed still starts the next frame.
        let lower = text.to_ascii_lowercase();
        if let Some(at) = lower.rfind("content-length:") {
            match text[at + "content-length:".len()..].trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => {
                    eprintln!("scalec lsp: ignored a malformed header: {text:?}");
                    length = None;
                }
            }
        } else if !lower.starts_with("content-type:") {
            eprintln!("scalec lsp: ignored a malformed header: {text:?}");
        }
    }
    let length = length.expect("the loop ends only with a length");
    if length > MAX_MESSAGE {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Some(Frame::TooLarge(length)));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Ok(Some(Frame::Body(body))),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

/// A frame's body as a message, or the error that answers it.
fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Incoming::Malformed {
                id: Value::Null,
                error: error(
                    ErrorCode::ParseError,
                    format!("the message is not JSON: {e}"),
                ),
            };
        }
    };
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(e) => Incoming::Malformed {
            id,
            error: error(
                ErrorCode::InvalidRequest,
                format!("the message is not a JSON-RPC request, response or notification: {e}"),
            ),
        },
    }
}

pub fn error(code: ErrorCode, message: impl Into<String>) -> ResponseError {
    ResponseError {
        code: code as i32,
        message: message.into(),
        data: None,
    }
}

/// Writes messages to the client. A failed write is reported once on
/// standard error: the client is gone, and the reader sees the end soon.
pub struct Writer<W: Write> {
    out: W,
    failed: bool,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W) -> Self {
        Writer { out, failed: false }
    }

    pub fn send(&mut self, message: Message) {
        let result = message.write(&mut self.out);
        self.check(result);
    }

    /// An error answer to a message lsp-server cannot represent (its id may
    /// be null).
    pub fn send_error(&mut self, id: Value, error: ResponseError) {
        let text = serde_json::json!({ "jsonrpc": "2.0", "id": id, "error": error }).to_string();
        let result = write!(self.out, "Content-Length: {}\r\n\r\n{text}", text.len())
            .and_then(|()| self.out.flush());
        self.check(result);
    }

    fn check(&mut self, result: io::Result<()>) {
        if let Err(e) = result
            && !self.failed
        {
            self.failed = true;
            eprintln!("scalec lsp: cannot write to the client: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<String> {
        let mut input = input.as_bytes();
        let mut out = Vec::new();
        while let Some(frame) = read_frame(&mut input).expect("reading memory") {
            match frame {
                Frame::Body(body) => out.push(String::from_utf8(body).expect("UTF-8")),
                Frame::TooLarge(n) => out.push(format!("too large: {n}")),
            }
        }
        out
    }

    #[test]
    fn frames_are_cut_by_content_length() {
        assert_eq!(
            frames("Content-Length: 2\r\n\r\n{}content-length: 3\r\nContent-Type: x\r\n\r\n[1]"),
            ["{}", "[1]"]
        );
    }

    #[test]
    fn a_frame_without_a_length_is_skipped_and_the_next_one_read() {
        // The junk body runs into the next header, which is still found.
        assert_eq!(
            frames("X: 1\r\n\r\n{\"junk\":1}Content-Length: 2\r\n\r\n{}"),
            ["{}"]
        );
        assert_eq!(
            frames("Content-Length: x\r\n\r\nContent-Length: 2\r\n\r\n{}"),
            ["{}"]
        );
        assert_eq!(frames("Content-Length: 5\r\n\r\nab"), Vec::<String>::new());
    }

    #[test]
    fn bad_bodies_become_errors_with_the_id_they_name() {
        let Incoming::Malformed { id, error } = parse(b"{not json") else {
            panic!("accepted");
        };
        assert_eq!(
            (id, error.code),
            (Value::Null, ErrorCode::ParseError as i32)
        );
        let Incoming::Malformed { id, error } = parse(br#"{"id": 7, "method": 3}"#) else {
            panic!("accepted");
        };
        assert_eq!(
            (id, error.code),
            (Value::from(7), ErrorCode::InvalidRequest as i32)
        );
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            Incoming::Message(Message::Request(_))
        ));
    }
}
