//! Entry point of the browser bundle built by Trunk. The page (or `loader.js`) calls the
//! exported `mount_shadow`. In a debug build `main` installs the panic hook, so a bug reaches
//! the console with its message instead of an opaque `unreachable`; the release bundle leaves
//! the hook (and the formatting it pulls in) out.

pub use aftersales_widget::embed::mount_shadow;

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
}
