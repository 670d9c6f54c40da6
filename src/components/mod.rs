//! The widget's components, one per file.

mod lookup_form;
mod policy_view;
mod receipt_view;
mod return_form;
pub mod widget;

pub use lookup_form::LookupForm;
pub use policy_view::PolicyView;
pub use receipt_view::ReceiptView;
pub use return_form::ReturnForm;
pub use widget::{FocusSteps, StepHeading, Widget};
