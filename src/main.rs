//! Entry point of the browser bundle built by Trunk. The page (or `loader.js`) calls the
//! exported `mount_shadow`; `main` only installs the panic hook so a bug reaches the console
//! with its message instead of an opaque `unreachable`.

pub use aftersales_widget::embed::mount_shadow;

fn main() {
    console_error_panic_hook::set_once();
}
