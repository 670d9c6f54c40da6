//! The notification seam: every message a shopper would get (e-mail, SMS, IM) goes through a
//! [`Notifier`]. The reference implementation, [`FileOutbox`], appends each one as a JSON line
//! to a file, for the demo and the tests; a merchant plugs a mailer in here.
//!
//! A notification carries a template code and its data, not finished prose: the words are the
//! mailer's, in the shopper's language.

use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// What happened, for the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// A case was received (with its tracking number and link).
    CaseReceived,
    /// A case changed status.
    StatusChanged,
    /// The shop wrote to the shopper.
    ShopMessage,
    /// A withdrawal was received: the acknowledgement on a durable medium.
    WithdrawalReceived,
}

/// One message to a shopper.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    /// The template.
    pub template: Template,
    /// Where it goes (an e-mail address).
    pub to: String,
    /// The case's tracking number or the withdrawal's reference.
    pub reference: String,
    /// A link that opens the case in the widget, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The template's data (status, message text, withdrawal content …).
    pub data: serde_json::Value,
}

/// Sends notifications. Called after the database work, never under its lock.
pub trait Notifier: Send + Sync {
    /// Sends one; a failure is reported, never fatal to the request that caused it.
    ///
    /// # Errors
    /// What went wrong.
    fn send(&self, n: &Notification) -> Result<(), String>;

    /// Whether it sends anything at all: when not, no notification is made or handed to a
    /// thread for it.
    fn sends(&self) -> bool {
        true
    }
}

/// Appends every notification as one JSON line to a file.
pub struct FileOutbox {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileOutbox {
    /// An outbox writing to `path` (created when the first message is sent).
    pub fn new(path: PathBuf) -> FileOutbox {
        FileOutbox {
            path,
            lock: Mutex::new(()),
        }
    }
}

impl Notifier for FileOutbox {
    fn send(&self, n: &Notification) -> Result<(), String> {
        let mut line = serde_json::to_string(n).map_err(|e| e.to_string())?;
        line.push('\n');
        let _one_writer = self.lock.lock().map_err(|_| "outbox lock poisoned")?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| format!("outbox {}: {e}", self.path.display()))
    }
}

/// Sends nothing (a server without an outbox).
pub struct Silent;

impl Notifier for Silent {
    fn send(&self, _: &Notification) -> Result<(), String> {
        Ok(())
    }

    fn sends(&self) -> bool {
        false
    }
}
