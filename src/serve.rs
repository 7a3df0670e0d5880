//! `build --watch --serve`: the output folder served on this machine (127.0.0.1 only), each HTML
//! page with a small script that reloads it once the next build has finished, the way `mdbook
//! serve` does. The script is added as a page is sent; the files on disk stay as built.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// Where the page asks which build it is.
const VERSION_PATH: &str = "/__trustmap/build";

/// The script added to each HTML page: it asks every second which build the folder holds and
/// reloads the page when that changes.
const RELOAD: &str = "<script>(function(){var seen=null;setInterval(function(){fetch('/__trustmap/build',{cache:'no-store'}).then(function(r){return r.text()}).then(function(v){if(seen===null){seen=v}else if(v!==seen){location.reload()}}).catch(function(){})},1000)})();</script>";

/// The server: the number of the build the folder holds, which the pages ask for.
#[derive(Clone)]
pub struct Server {
    builds: Arc<AtomicU64>,
}

impl Server {
    /// Serves `root` on 127.0.0.1:`port` (`0`: any free port), in the background; returns the
    /// server and the address it listens on.
    pub fn start(root: &Path, port: u16) -> Result<(Server, std::net::SocketAddr)> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .map_err(|e| Error::System(format!("cannot serve on 127.0.0.1:{port} ({e})")))?;
        let address = listener.local_addr().map_err(|e| Error::System(format!("cannot serve ({e})")))?;
        let server = Server { builds: Arc::new(AtomicU64::new(0)) };
        let root = root.to_path_buf();
        let builds = server.builds.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, builds) = (root.clone(), builds.clone());
                std::thread::spawn(move || {
                    let _ = answer(stream, &root, builds.load(Ordering::SeqCst));
                });
            }
        });
        Ok((server, address))
    }

    /// Tells the pages that a build has finished.
    pub fn built(&self) {
        self.builds.fetch_add(1, Ordering::SeqCst);
    }
}

/// Answers one request: a file of `root`, the build number, or 404.
fn answer(mut stream: TcpStream, root: &Path, build: u64) -> std::io::Result<()> {
    let mut request = String::new();
    let mut reader = BufReader::new(&stream);
    reader.read_line(&mut request)?;
    // The headers are read to their end: a socket closed with bytes unread is reset, and the
    // browser would see an error instead of the answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 && header.len() < 64 * 1024 {}
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, "405 Method Not Allowed", "text/plain", b"GET only\n", method);
    }
    if path == VERSION_PATH {
        return respond(&mut stream, "200 OK", "text/plain", build.to_string().as_bytes(), method);
    }
    let Some(file) = file_of(root, path) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method);
    };
    let Ok(mut bytes) = std::fs::read(&file) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method);
    };
    let kind = content_type(&file);
    if kind.starts_with("text/html") {
        let text = String::from_utf8_lossy(&bytes);
        let at = text.rfind("</body>").unwrap_or(text.len());
        bytes = format!("{}{RELOAD}{}", &text[..at], &text[at..]).into_bytes();
    }
    respond(&mut stream, "200 OK", kind, &bytes, method)
}

/// The file of `root` that a request's path names (`/` and a folder: its `index.html`); `None`
/// for a path that would leave `root` or names nothing.
fn file_of(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let mut file = root.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    // A symbolic link inside the folder may not lead out of it.
    let real = file.canonicalize().ok()?;
    (real.starts_with(root.canonicalize().ok()?) && real.is_file()).then_some(real)
}

/// `%xx` escapes decoded; `None` if that is not UTF-8 or holds a NUL.
fn percent_decode(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    (!decoded.contains('\0')).then(|| decoded.into_owned())
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        Some("json") => "application/json",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    method: &str,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_cannot_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        assert!(file_of(dir.path(), "/").is_some());
        assert!(file_of(dir.path(), "/index.html").is_some());
        assert!(file_of(dir.path(), "/../etc/passwd").is_none());
        assert!(file_of(dir.path(), "/%2e%2e/etc/passwd").is_none());
        assert!(file_of(dir.path(), "/nothing.html").is_none());
    }
}
