//! A real `aftersales serve` process on a free loopback port, for the tests and benches that
//! need one (two processes on one database, the load bench); killed when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running server.
pub struct Process {
    /// The server's process (the load bench reads its CPU time).
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `bin serve --addr 127.0.0.1:0 --no-access-log --db DB` with `more` flags, and waits
/// for the line that names its address.
pub fn serve(bin: &str, db: &str, more: &[&str]) -> Process {
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--no-access-log",
            "--db",
            db,
        ])
        .args(more)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{bin}: {e}"));
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("{bin} printed nothing"));
    let base = first
        .strip_prefix("aftersales listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    // Keep reading its stdout so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Process { child, base }
}
