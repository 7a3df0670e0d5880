//! Runs the child processes trustmap needs (`git`, the `typst` executable) with a timeout, no
//! standard input, and bounded output, so a hanging or chatty program cannot stall a build.

use std::io::Read as _;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt as _;

/// At most this much of a child's standard output and error is kept.
const MAX_OUTPUT: u64 = 64 * 1024 * 1024;

/// How long the output of a child that has ended is waited for.
const PIPE_GRACE: Duration = Duration::from_secs(5);

/// What a child process did.
#[derive(Debug)]
pub enum Ran {
    Finished {
        status: ExitStatus,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// It ran past the timeout and was killed.
    TimedOut,
}

/// Runs `cmd` to its end or for at most `timeout`, whichever is sooner.
pub fn run(cmd: &mut Command, timeout: Duration) -> std::io::Result<Ran> {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    // Each pipe is read on a thread of its own, so the child never blocks on a full pipe; what
    // is beyond the limit is read and dropped.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.by_ref().take(MAX_OUTPUT).read_to_end(&mut bytes);
                let _ = tx.send(bytes);
                let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            } else {
                let _ = tx.send(bytes);
            }
        });
        rx
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let status = match child.wait_timeout(timeout)? {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Ran::TimedOut);
        }
    };
    // A grandchild may hold a pipe open after the child has ended: its output is not waited for
    // long.
    let deadline = std::time::Instant::now() + PIPE_GRACE;
    let left = || deadline.saturating_duration_since(std::time::Instant::now());
    let stdout = stdout.recv_timeout(left()).unwrap_or_default();
    let stderr = stderr.recv_timeout(left()).unwrap_or_default();
    Ok(Ran::Finished { status, stdout, stderr })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_that_hangs_is_killed_at_the_timeout() {
        let ran = run(Command::new("sleep").arg("30"), Duration::from_millis(200)).unwrap();
        assert!(matches!(ran, Ran::TimedOut));
        let ran =
            run(Command::new("sh").args(["-c", "echo out; echo err >&2"]), Duration::from_secs(30)).unwrap();
        let Ran::Finished { status, stdout, stderr } = ran else { panic!("timed out") };
        assert!(status.success());
        assert_eq!((stdout.as_slice(), stderr.as_slice()), (&b"out\n"[..], &b"err\n"[..]));
        // A grandchild that keeps the pipe open does not keep the caller waiting.
        let ran =
            run(Command::new("sh").args(["-c", "echo x; sleep 60 &"]), Duration::from_secs(30)).unwrap();
        assert!(matches!(ran, Ran::Finished { .. }));
    }
}
