//! `file:` URIs and the paths they name.
//!
//! The protocol names documents by URI; scalec reads files by path. Only
//! `file:` URIs with no host (or `localhost`) name a path; any other URI
//! (`untitled:`, a remote file) names none, and its document is checked alone.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The path a `file:` URI names, percent-decoded; `None` for any other URI.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme = text.get(..7)?;
    if !scheme.eq_ignore_ascii_case("file://") {
        return None;
    }
    let rest = &text[7..];
    let slash = rest.find('/')?;
    let host = &rest[..slash];
    if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
        return None;
    }
    let path = rest[slash..].split(['?', '#']).next().unwrap_or_default();
    let bytes = percent_decode(path);
    bytes_to_path(bytes)
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    let text = String::from_utf8(bytes).ok()?;
    // `/C:/x` names `C:/x`.
    let drive = text.as_bytes();
    let text = if drive.len() >= 3 && drive[0] == b'/' && drive[2] == b':' {
        &text[1..]
    } else {
        &text[..]
    };
    Some(PathBuf::from(text))
}

/// The `file:` URI of a path (made absolute first): every byte but an
/// unreserved character, `/` and `:` percent-encoded.
pub fn from_path(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let shown = crate::source::display_path(&absolute);
    let mut text = String::from("file://");
    if !shown.starts_with('/') {
        text.push('/');
    }
    for byte in path_bytes(&absolute, &shown) {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/' | b':') {
            text.push(char::from(byte));
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&text).ok()
}

#[cfg(unix)]
fn path_bytes(path: &Path, _shown: &str) -> Vec<u8> {
    path.as_os_str().as_encoded_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(_path: &Path, shown: &str) -> Vec<u8> {
    shown.as_bytes().to_vec()
}

/// `%XX` as the byte it stands for; anything else as it is.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).expect("a valid URI")
    }

    #[test]
    fn file_uris_name_paths() {
        assert_eq!(
            to_path(&uri("file:///tmp/a%20b/%C3%A7.scale")),
            Some(PathBuf::from("/tmp/a b/ç.scale"))
        );
        assert_eq!(
            to_path(&uri("file://localhost/x.scale")),
            Some(PathBuf::from("/x.scale"))
        );
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/x.scale")), None);
        assert_eq!(to_path(&uri("https://example.com/x.scale")), None);
    }

    #[cfg(unix)]
    #[test]
    fn paths_round_trip_through_uris() {
        for path in ["/tmp/a b/ç.scale", "/tmp/100%/[x]#?.scale", "/a/b.scale"] {
            let made = from_path(Path::new(path)).expect("a URI");
            assert!(made.as_str().starts_with("file:///"), "{}", made.as_str());
            assert_eq!(to_path(&made), Some(PathBuf::from(path)));
        }
    }
}
