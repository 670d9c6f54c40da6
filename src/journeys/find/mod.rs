//! The first screen: finding the order, and the policy in short.

mod lookup;
mod policy;

pub use lookup::LookupForm;
pub use policy::PolicyView;
