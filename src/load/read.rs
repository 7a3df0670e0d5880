//! Reads the bytes of one answer file safely and decodes them: only regular files (a FIFO or a
//! device is refused without blocking on it), at most a set size, UTF-8 (a byte order mark is
//! dropped) or UTF-16 with a byte order mark, line ends made `\n`.

use std::io::Read as _;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum Refused {
    /// Not a regular file: what it is instead.
    NotAFile(&'static str),
    /// Larger than allowed: its size.
    TooLarge(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NotAFile(kind) => write!(f, "not a regular file but {kind}"),
            Refused::TooLarge(size) => write!(f, "{size} bytes, more than allowed"),
            Refused::Io(e) => e.fmt(f),
        }
    }
}

/// Whether a symbolic link at the path itself is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Follow,
    Refuse,
}

/// Reads the regular file at `path`, refusing anything else and anything over `max_bytes`.
pub fn regular(path: &Path, max_bytes: u64, links: Links) -> Result<Vec<u8>, Refused> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Opening a FIFO for reading would wait for a writer; non-blocking, it does not, and the
        // type is checked on what was opened, so nothing can be swapped in between.
        let nofollow = if links == Links::Refuse { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    let file = options.open(path).map_err(Refused::Io)?;
    let meta = file.metadata().map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotAFile(kind(&meta.file_type())));
    }
    if meta.len() > max_bytes {
        return Err(Refused::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow while it is read: read one byte more than allowed to notice.
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes).map_err(Refused::Io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(Refused::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() { "a folder" } else { "a special file" }
}

/// Text that could not be decoded: what could be made of it (invalid bytes as `�`), the byte
/// offset in that text of the first problem, and what to say.
#[derive(Debug)]
pub struct Undecodable {
    pub text: String,
    pub offset: usize,
    pub message: String,
    pub help: Option<String>,
}

/// Decodes a file's bytes: UTF-8, or UTF-16 with a byte order mark. NUL bytes (UTF-16 without a
/// byte order mark, or a binary file) and invalid UTF-8 are refused.
pub fn decode(bytes: Vec<u8>) -> Result<String, Undecodable> {
    let utf16 = |bytes: &[u8], word: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes.chunks(2).map(|c| word([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16(&units).map_err(|_| Undecodable {
            text: String::from_utf16_lossy(&units),
            offset: 0,
            message: "the file is not valid UTF-16".into(),
            help: Some("save it as UTF-8".into()),
        })
    };
    let text = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes)?,
        _ => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                return Err(Undecodable {
                    text: normalise_line_ends(&String::from_utf8_lossy(e.as_bytes())),
                    offset,
                    message: "the file is not valid UTF-8".into(),
                    help: Some(
                        "save it as UTF-8 (most editors offer this under \"Save as\" or \"Encoding\")".into(),
                    ),
                });
            }
        },
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if let Some(offset) = text.find('\0') {
        return Err(Undecodable {
            text: normalise_line_ends(text),
            offset,
            message:
                "the file holds NUL bytes, so it is not text: it may be UTF-16 without a byte order mark"
                    .into(),
            help: Some("save it as UTF-8".into()),
        });
    }
    Ok(normalise_line_ends(text))
}

/// The text of a file read once already (a regular file of at most `max_bytes`), decoded as
/// it was then, to quote its lines; `None` if it can no longer be read so.
pub fn again(path: &Path, max_bytes: u64) -> Option<String> {
    decode(regular(path, max_bytes, Links::Follow).ok()?).ok()
}

/// `text` with every `\r\n` and every lone `\r` made `\n`, as editors show them. Line and
/// column numbers are the same before and after.
pub fn normalise_line_ends(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_bom_is_read_and_without_one_refused() {
        let le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("a: é\r\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(le).unwrap(), "a: é\n");
        let be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain("x".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(be).unwrap(), "x");
        let bare: Vec<u8> = "partner: x".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let err = decode(bare).unwrap_err();
        assert!(err.message.contains("UTF-16"), "{}", err.message);
        assert_eq!(err.offset, 1);
    }

    #[test]
    fn invalid_utf8_keeps_what_can_be_read() {
        let err = decode(b"partner: Caf\xe9\r\nrole: x\n".to_vec()).unwrap_err();
        assert_eq!(err.offset, 12);
        assert_eq!(err.text, "partner: Caf\u{fffd}\nrole: x\n");
    }

    #[test]
    fn every_line_end_becomes_a_newline() {
        assert_eq!(normalise_line_ends("a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(decode(b"\xEF\xBB\xBFa\rb".to_vec()).unwrap(), "a\nb");
    }

    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert!(
            matches!(regular(&fifo, 100, Links::Follow), Err(Refused::NotAFile(k)) if k.contains("FIFO"))
        );
        std::fs::write(dir.path().join("big.yaml"), "x".repeat(101)).unwrap();
        assert!(matches!(
            regular(&dir.path().join("big.yaml"), 100, Links::Follow),
            Err(Refused::TooLarge(101))
        ));
        std::os::unix::fs::symlink("big.yaml", dir.path().join("link.yaml")).unwrap();
        assert!(matches!(regular(&dir.path().join("link.yaml"), 1000, Links::Refuse), Err(Refused::Io(_))));
    }
}
