//! The shopper's journeys, one folder each (see `docs/architecture.md`): each exposes one
//! component that takes what it needs and moves the widget on through its step signal.

pub mod choose;
pub mod find;
pub mod follow;
pub mod help;
pub mod item_case;
pub mod lazy;
pub mod receipt;
pub mod saved;
pub mod store;
pub mod withdraw;

pub use choose::ChooseView;
pub use find::{LookupForm, PolicyView};
pub use follow::{CaseStatusView, TrackForm};
pub use help::HelpView;
pub use item_case::CaseJourney;
pub use receipt::ReceiptView;
pub use withdraw::{WithdrawView, WithdrawnView};
